export { startRelay, openRelayContext, type RunningRelay } from './relay-app.js';
export { loadRelayConfig, ConfigError, type RelayConfig } from './config/relay-config.js';
export { createLogger } from './common/logger.js';
export { AgentChannel, type AgentCallOptions } from './tunnel/agent-channel.service.js';
export { TenantsService } from './tenants/tenants.service.js';
export { EnrollmentService } from './agents/enrollment.service.js';
export { AgentsService } from './agents/agents.service.js';
export { SessionRegistry } from './tunnel/session-registry.js';
