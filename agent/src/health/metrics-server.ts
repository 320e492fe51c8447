import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsAddress {
  host: string;
  port: number;
}

/** `metricsListen` in agent.json: "PORT" or "HOST:PORT" ("[::1]:PORT" for IPv6). */
export const METRICS_LISTEN = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d{1,5})$/;

/**
 * Where to serve metrics. A bare port binds loopback only: metrics name the ERP profiles, so
 * exposing them beyond the host is the operator's explicit choice.
 */
export function parseMetricsListen(value: string): MetricsAddress | undefined {
  const match = METRICS_LISTEN.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65_535) return undefined;
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port };
}

/** Serves GET /metrics for Prometheus; started by the daemon, closed with it. */
export async function startMetricsServer(address: MetricsAddress, registry: Registry, log: Logger): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'metrics collection failed');
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;
  log.info({ host: address.host, port }, 'metrics served at /metrics');
  return { server, port };
}
