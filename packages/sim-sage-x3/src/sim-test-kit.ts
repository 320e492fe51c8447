import { SignJWT } from 'jose';
import { startSimSageX3, type SimSageX3Options, type SimSageX3Server } from './sim-sage-x3.server.js';

/** Helpers for this package's specs: a simulated server and a client of it over real HTTP. */

export const APP = { clientId: 'mlc-connector', secret: 'connected-app-secret-0123456789', user: 'API_USER', tokenValiditySeconds: 300 };
export const CLIENT = { clientId: 'mlc-oauth', clientSecret: 'oauth-secret' };
export const BASIC = `Basic ${Buffer.from('ADMIN:admin').toString('base64')}`;

export function startTestSim(options: SimSageX3Options = {}): Promise<SimSageX3Server> {
  return startSimSageX3({ customers: 50, apps: [APP], clients: [CLIENT], ...options });
}

/** Signs a connected-app JWT the way a client does; `atMs` is the client's idea of now. */
export function signAppJwt(sim: SimSageX3Server, atMs = sim.clock.now(), lifetimeSeconds = 300, secret = APP.secret): Promise<string> {
  const iat = Math.floor(atMs / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(APP.clientId).setSubject(APP.user).setAudience(sim.xtremUrl)
    .setIssuedAt(iat).setExpirationTime(iat + lifetimeSeconds).sign(new TextEncoder().encode(secret));
}

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs poke into arbitrary JSON
  json: any;
}

export async function http(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

export function api1(sim: SimSageX3Server, pathAndQuery: string, auth = BASIC): Promise<Reply> {
  return http(`${sim.url}/api1/x3/erp/${sim.folder}/${pathAndQuery}`, { headers: { authorization: auth } });
}

export function graphql(sim: SimSageX3Server, token: string, query: string, variables?: Record<string, unknown>): Promise<Reply> {
  return http(sim.xtremUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-xtrem-endpoint': sim.folder },
    body: JSON.stringify({ query, variables }),
  });
}
