import { lookup } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { request } from 'node:http';
import { fail, ok, type CheckResult } from './doctor-check.js';

export interface Endpoint {
  /** What it is, for messages: "gRPC tunnel", "WebSocket tunnel". */
  label: string;
  host: string;
  port: number;
  secure: boolean;
  /** The proxy this endpoint is reached through, from HTTPS_PROXY/NO_PROXY. */
  proxy: string | undefined;
}

const TIMEOUT_MS = 5_000;

export async function checkDns(endpoint: Endpoint): Promise<CheckResult> {
  const host = endpoint.proxy ? new URL(endpoint.proxy).hostname : endpoint.host;
  const name = `DNS ${host}`;
  try {
    const addresses = await lookup(host, { all: true });
    return ok(name, addresses.map((a) => a.address).join(', '));
  } catch (err) {
    return fail(name, (err as Error).message, `${host} does not resolve from this server: check its DNS settings${endpoint.proxy ? ' and the proxy address in HTTPS_PROXY' : ' and the relay URL in agent.json'}`);
  }
}

/** A TCP path to the endpoint: direct, or a CONNECT tunnel through the proxy. Resolves with the open socket. */
export async function checkTcp(endpoint: Endpoint): Promise<{ result: CheckResult; socket?: Socket }> {
  const target = `${endpoint.host}:${endpoint.port}`;
  if (!endpoint.proxy) {
    const name = `TCP ${target} (${endpoint.label})`;
    try {
      const socket = await openSocket(endpoint.host, endpoint.port);
      return { result: ok(name, 'connected'), socket };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const advice =
        code === 'ECONNREFUSED'
          ? `nothing accepts connections at ${target}: is the relay running, and is this the right port?`
          : `no answer from ${target} (${code ?? 'timeout'}): allow outbound TCP to ${target} in the firewall, or set HTTPS_PROXY if this network needs a proxy`;
      return { result: fail(name, (err as Error).message, advice) };
    }
  }
  const name = `proxy ${endpoint.proxy} -> ${target} (${endpoint.label})`;
  try {
    const socket = await connectThroughProxy(endpoint.proxy, target);
    return { result: ok(name, 'the proxy opened a CONNECT tunnel'), socket };
  } catch (err) {
    const message = (err as Error).message;
    const refused = /HTTP (\d+)/.exec(message);
    const advice = refused
      ? `the proxy refuses CONNECT to ${target} (HTTP ${refused[1]}): ask the proxy administrators to allow it${endpoint.label.startsWith('gRPC') ? ', or let the agent use its WebSocket fallback' : ''}, or exempt the relay in NO_PROXY`
      : `cannot reach the proxy ${endpoint.proxy}: check HTTPS_PROXY`;
    return { result: fail(name, message, advice) };
  }
}

export async function checkTls(endpoint: Endpoint, socket: Socket, ca: Buffer | undefined): Promise<CheckResult> {
  const name = `TLS ${endpoint.host}:${endpoint.port} (${endpoint.label})`;
  return new Promise((resolve) => {
    const tls = tlsConnect({ socket, servername: isIp(endpoint.host) ? undefined : endpoint.host, ca: ca ? [ca] : undefined, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] });
    const timer = setTimeout(() => {
      tls.destroy();
      resolve(fail(name, 'no TLS handshake within 5 s', 'something between this server and the relay does not speak TLS on this port (a proxy expecting plain HTTP?)'));
    }, TIMEOUT_MS);
    tls.once('secureConnect', () => {
      clearTimeout(timer);
      const certificate: PeerCertificate = tls.getPeerCertificate();
      const summary = `${certificate.subject?.CN ?? '?'} issued by ${certificate.issuer?.CN ?? '?'}, valid until ${certificate.valid_to}`;
      const error = tls.authorizationError;
      tls.destroy();
      if (!error) return resolve(ok(name, summary));
      resolve(
        fail(
          name,
          `${summary}: ${String(error)}`,
          `this server does not trust the relay's certificate (issuer "${certificate.issuer?.CN ?? '?'}"). If a TLS-inspecting proxy re-signs traffic, give its CA with \`mlc-agent enroll --ca FILE\` (caFile in agent.json); otherwise check the system's CA store`,
        ),
      );
    });
    tls.once('error', (err) => {
      clearTimeout(timer);
      resolve(fail(name, err.message, 'the TLS handshake failed: check that the relay URL uses the right scheme and port'));
    });
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, timeout: TIMEOUT_MS });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error(`timed out after ${TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
  });
}

function connectThroughProxy(proxy: string, target: string): Promise<Socket> {
  const proxyUrl = new URL(proxy);
  const headers: Record<string, string> = { host: target };
  if (proxyUrl.username) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxyUrl.username)}:${decodeURIComponent(proxyUrl.password)}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: proxyUrl.hostname, port: Number(proxyUrl.port || 80), method: 'CONNECT', path: target, headers, timeout: TIMEOUT_MS });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`proxy answered CONNECT with HTTP ${res.statusCode}`));
      }
    });
    req.once('timeout', () => req.destroy(new Error(`the proxy did not answer within ${TIMEOUT_MS} ms`)));
    req.once('error', reject);
    req.end();
  });
}
