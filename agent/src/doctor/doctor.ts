import type { KeyObject } from 'node:crypto';
import type { AgentConfig } from '../config/agent-config.js';
import type { SapExecutor } from '../sap/sap-executor.js';
import { proxyFor } from '../transport/proxy.js';
import { fail, ok, skip, warn, type CheckResult } from './doctor-check.js';
import { checkDns, checkTcp, checkTls, type Endpoint } from './network-checks.js';
import { checkClockSkew, checkTunnel, type HandshakeOutcome } from './tunnel-checks.js';

export interface DoctorInput {
  config: Pick<AgentConfig, 'agentId' | 'relay'>;
  privateKey: KeyObject;
  ca: Buffer | undefined;
  sap: SapExecutor | undefined;
}

function endpointOf(label: string, url: string): Endpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'grpcs:' || parsed.protocol === 'wss:';
  return { label, host: parsed.hostname, port: Number(parsed.port || (secure ? 443 : 80)), secure, proxy: proxyFor(url) };
}

/** Step by step, from the bottom up: DNS, TCP or proxy, TLS, each tunnel, clock, then each ERP profile. */
export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const endpoints = [endpointOf('gRPC tunnel', input.config.relay.grpcUrl), endpointOf('WebSocket tunnel', input.config.relay.wsUrl)];
  const resolved = new Map<string, CheckResult>();
  const reachable = new Map<string, boolean>();
  for (const endpoint of endpoints) {
    const dnsKey = endpoint.proxy ?? endpoint.host;
    let dns = resolved.get(dnsKey);
    if (!dns) {
      dns = await checkDns(endpoint);
      resolved.set(dnsKey, dns);
      results.push(dns);
    }
    if (dns.status === 'fail') continue;
    const tcp = await checkTcp(endpoint);
    results.push(tcp.result);
    if (!tcp.socket) continue;
    const tls = endpoint.secure ? await checkTls(endpoint, tcp.socket, input.ca) : undefined;
    if (tls) results.push(tls);
    else tcp.socket.destroy();
    reachable.set(endpoint.label, tls?.status !== 'fail');
  }
  const identity = { agentId: input.config.agentId, privateKey: input.privateKey };
  // A tunnel whose network path already failed above would only repeat that failure.
  const tunnel = async (transport: 'TRANSPORT_GRPC' | 'TRANSPORT_WEBSOCKET', label: string, url: string): Promise<HandshakeOutcome> =>
    reachable.get(label) ? checkTunnel(transport, url, identity, input.ca) : { result: skip(`${label} ${url}`, 'not tried: its network path failed above') };
  const grpc = await tunnel('TRANSPORT_GRPC', 'gRPC tunnel', input.config.relay.grpcUrl);
  const websocket = await tunnel('TRANSPORT_WEBSOCKET', 'WebSocket tunnel', input.config.relay.wsUrl);
  results.push(grpc.result, websocket.result);
  results.push(checkClockSkew(grpc.skewMs ?? websocket.skewMs));
  results.push(...(await checkProfiles(input.sap)));
  // The agent needs one transport; with WebSocket working, gRPC's failures are warnings.
  if (websocket.result.status !== 'ok') return results;
  return results.map((r) => (r.status === 'fail' && r.name.includes('gRPC tunnel') ? warn(r.name, r.detail, `${r.advice ?? ''}; meanwhile the agent works over its WebSocket fallback`) : r));
}

async function checkProfiles(sap: SapExecutor | undefined): Promise<CheckResult[]> {
  if (!sap) return [skip('ERP profiles', 'none configured in agent.json')];
  const health = await sap.health(0);
  if (health.length === 0) return [skip('ERP profiles', 'none configured in agent.json')];
  return health.map((profile) => {
    const name = `SAP profile ${profile.name} (RFC_PING)`;
    if (profile.reachable) return ok(name, profile.detail);
    return fail(name, profile.detail, sapAdvice(profile.detail));
  });
}

function sapAdvice(detail: string): string {
  if (/LOGON|password|not authorized/i.test(detail)) return 'SAP refused the logon: check the RFC user, client and password (re-encrypt it with `mlc-agent secret encrypt`)';
  if (/SAPNWRFC_HOME|node-rfc/i.test(detail)) return 'the SAP NW RFC SDK is missing: install it and set SAPNWRFC_HOME (see the install guide)';
  return 'SAP does not answer: check ashost/sysnr (or gwserv) in the profile, that the gateway runs, and that this server may reach it (firewall, SAProuter)';
}
