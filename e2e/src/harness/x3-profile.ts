import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimSageX3Process } from '@mlc/sim-sage-x3';
import { encryptSecret } from './sap-profile.js';

export const X3_APP = { clientId: 'mlc-e2e', secret: 'connected-app-secret-e2e-0123456789', user: 'API_USER' };
export const X3_OAUTH = { clientId: 'mlc-oauth', clientSecret: 'oauth-client-secret-e2e' };
export const X3_BASIC = { user: 'ADMIN', password: 'admin-e2e-pass' };

/** sim-sage-x3 flags for a server that knows the suite's connected app, OAuth client and Basic user. */
export function x3SimArgs(folder: string, extra: string[] = []): string[] {
  return ['--folder', folder, '--app', `${X3_APP.clientId}:${X3_APP.secret}:${X3_APP.user}`, '--oauth-client', `${X3_OAUTH.clientId}:${X3_OAUTH.clientSecret}`, '--user', `${X3_BASIC.user}:${X3_BASIC.password}`, ...extra];
}

export interface X3PolicyRules {
  http: string[];
  graphql: string[];
}

/**
 * Adds two sage-x3 profiles for the simulator to an enrolled agent's agent.json, as an operator would
 * (secrets through `mlc-agent secret encrypt`): "<prefix>-JWT" signs connected-app JWTs (api1 with
 * Basic), "<prefix>-OAUTH" starts from a refresh token an X3 user paired.
 */
export async function addX3Profiles(home: string, sim: SimSageX3Process, policy: Record<'jwt' | 'oauth', X3PolicyRules>, prefix = 'X3'): Promise<{ jwt: string; oauth: string }> {
  const file = join(home, 'agent.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const paired = await sim.admin('POST', `/users/${X3_APP.user}/pair`, { client_id: X3_OAUTH.clientId });
  const { hostname, port } = new URL(sim.url);
  const server = `http://${hostname}`;
  const jwt = `${prefix}-JWT`;
  const oauth = `${prefix}-OAUTH`;
  const basic = { user: X3_BASIC.user, password: encryptSecret(home, X3_BASIC.password) };
  config['profiles'] = [
    ...((config['profiles'] as unknown[] | undefined) ?? []),
    { name: jwt, kind: 'sage-x3', server, port: Number(port), folder: sim.folder, auth: { mode: 'jwt', clientId: X3_APP.clientId, user: X3_APP.user, secret: encryptSecret(home, X3_APP.secret) }, api1: basic },
    { name: oauth, kind: 'sage-x3', server, port: Number(port), folder: sim.folder, auth: { mode: 'oauth', clientId: X3_OAUTH.clientId, clientSecret: encryptSecret(home, X3_OAUTH.clientSecret), refreshToken: encryptSecret(home, String(paired['refresh_token'])) }, api1: basic },
  ];
  const existing = (config['policy'] as Record<string, unknown> | undefined) ?? { functionModules: [], tables: {} };
  config['policy'] = { ...existing, x3: { [jwt]: policy.jwt, [oauth]: policy.oauth } };
  await writeFile(file, JSON.stringify(config, null, 2));
  return { jwt, oauth };
}
