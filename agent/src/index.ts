export { TunnelClient, EXIT_CONFIG, type TunnelStatus } from './tunnel/tunnel-client.js';
export { AgentSession } from './tunnel/agent-session.js';
export { enroll } from './enroll/enroll.js';
export { readAgentConfig, agentHome, type AgentConfig } from './config/agent-config.js';
export { loadIdentity } from './config/agent-identity.js';
export { AGENT_VERSION } from './version.js';
export { AGENT_NODE_FLAGS } from './node-flags.js';
