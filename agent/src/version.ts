/** Reported in Hello and by `mlc-agent --version`. Keep in step with package.json. */
export const AGENT_VERSION = '0.1.0';
