import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseMetricsListen } from '../health/metrics-server.js';
import { policySchema, profilesSchema } from './sap-profile.schema.js';

export const TRANSPORT_MODES = ['auto', 'grpc', 'websocket'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

const configSchema = z.object({
  agentId: z.uuid(),
  tenantId: z.uuid(),
  name: z.string().min(1),
  group: z.string().min(1),
  relay: z.object({
    httpUrl: z.url(),
    grpcUrl: z.url(),
    wsUrl: z.url(),
  }),
  transport: z.enum(TRANSPORT_MODES).default('auto'),
  /** PEM file of a CA to trust for the relay's certificate, beside the system's. */
  caFile: z.string().optional(),
  /** ERP connection profiles; the relay addresses them by name and never sees their secrets. */
  profiles: profilesSchema.default([]),
  /** What the relay may do on those systems; everything not listed is denied. */
  policy: policySchema.default({ functionModules: [], tables: {}, x3: {} }),
  /** Serve Prometheus metrics at http://HOST:PORT/metrics; "PORT" alone means 127.0.0.1. Off when unset. */
  metricsListen: z.string().refine((value) => parseMetricsListen(value) !== undefined, 'must be PORT or HOST:PORT (a bare port binds 127.0.0.1)').optional(),
});

export type AgentConfig = z.infer<typeof configSchema>;

export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
}

/** Where the agent keeps its config and key: --home, MLC_AGENT_HOME, or ~/.mlc-agent. */
export function agentHome(explicit?: string): string {
  return resolve(explicit ?? process.env['MLC_AGENT_HOME'] ?? join(homedir(), '.mlc-agent'));
}

export const CONFIG_FILE = 'agent.json';
export const KEY_FILE = 'agent.key';

export async function readAgentConfig(home: string): Promise<AgentConfig> {
  const file = join(home, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new AgentConfigError(`no agent configuration at ${file}; run \`mlc-agent enroll --relay URL --token TOKEN\` first`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new AgentConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AgentConfigError(`${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export async function writeAgentConfig(home: string, config: AgentConfig): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  await writeFile(join(home, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
