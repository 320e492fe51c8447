import { chmod, mkdir } from 'node:fs/promises';
import { z } from 'zod';
import { agentHome, writeAgentConfig, type AgentConfig, type TransportMode } from '../config/agent-config.js';
import { createIdentity } from '../config/agent-identity.js';
import { postJson } from './http-json.js';

export interface EnrollOptions {
  relayUrl: string;
  token: string;
  name: string;
  home?: string;
  tenantId?: string;
  transport: TransportMode;
  caFile?: string;
  ca?: Buffer;
}

const enrollResponse = z.object({
  agent_id: z.uuid(),
  tenant_id: z.uuid(),
  group: z.string(),
  tunnel: z.object({ grpc_url: z.url(), ws_url: z.url() }),
});

export class EnrollError extends Error {
  override readonly name = 'EnrollError';
}

/** Creates the key pair, registers the public key with the relay, and writes the agent config. */
export async function enroll(options: EnrollOptions): Promise<AgentConfig> {
  const home = agentHome(options.home);
  const relay = new URL(options.relayUrl);
  const { publicKeyPem } = await createIdentity(await ensureHome(home));
  let response;
  try {
    response = await postJson(new URL('/v1/agents/enroll', relay).toString(), { token: options.token, public_key: publicKeyPem, name: options.name, tenant_id: options.tenantId }, { ca: options.ca });
  } catch (err) {
    throw new EnrollError(`cannot reach the relay at ${relay.origin}: ${(err as Error).message}`);
  }
  if (response.status !== 201) {
    const message = (response.body as { message?: string } | undefined)?.message ?? JSON.stringify(response.body);
    throw new EnrollError(`relay refused the enrollment (HTTP ${response.status}): ${message}`);
  }
  const parsed = enrollResponse.safeParse(response.body);
  if (!parsed.success) throw new EnrollError(`relay answered the enrollment with an unexpected body: ${parsed.error.message}`);
  const config: AgentConfig = {
    agentId: parsed.data.agent_id,
    tenantId: parsed.data.tenant_id,
    name: options.name,
    group: parsed.data.group,
    relay: { httpUrl: relay.origin, grpcUrl: parsed.data.tunnel.grpc_url, wsUrl: parsed.data.tunnel.ws_url },
    transport: options.transport,
    caFile: options.caFile,
    // Nothing is allowed until the operator adds profiles and a policy.
    profiles: [],
    policy: { functionModules: [], tables: {}, x3: {} },
  };
  await writeAgentConfig(home, config);
  return config;
}

async function ensureHome(home: string): Promise<string> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  return home;
}
