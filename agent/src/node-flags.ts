/**
 * Node flags the agent runs with (the packaged launchers pass the same ones: packaging/linux/
 * mlc-agent, packaging/windows/mlc-agent.cmd and mlc-agent-service.xml.in).
 *
 * --max-semi-space-size=16: V8's young generation may otherwise grow to 64 MB per semi-space
 * (128 MB in all) under a sustained allocation rate such as a million-row table read, and a daemon
 * keeps that memory afterwards. Capped at 16 MB the read costs no more CPU (scavenges of a small
 * young generation are cheap, as the live set is small) and the agent's RSS grew by 85-100 MB
 * instead of 175-190 MB in `pnpm bench sap-read`. V8 reads it only at start, so it must be a flag.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
