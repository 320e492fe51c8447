import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor } from '../transport/proxy.js';

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** POSTs JSON, through HTTPS_PROXY/NO_PROXY like the tunnel, trusting an extra CA if given. */
export function postJson(url: string, payload: unknown, options: { ca?: Buffer; timeoutMs?: number } = {}): Promise<JsonResponse> {
  const target = new URL(url);
  const proxy = proxyFor(url);
  const body = Buffer.from(JSON.stringify(payload));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
        agent: proxy ? new HttpsProxyAgent(proxy, options.ca ? { ca: options.ca } : {}) : undefined,
        ca: options.ca,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (a proxy's error page, say): keep the text for the message.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.origin} within ${options.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
