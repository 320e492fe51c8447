#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import type { ConnectedApp, OAuthClient, X3User } from './auth.service.js';
import { startSimSageX3 } from './sim-sage-x3.server.js';

function integer(min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return parsed;
  };
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] = []): T[] => [...previous, parse(value)];
}

function pair(value: string, what: string): [string, string, string[]] {
  const [first, second, ...rest] = value.split(':');
  if (!first || !second) throw new InvalidArgumentError(`expected ${what}`);
  return [first, second, rest];
}

const program = new Command()
  .name('sim-sage-x3')
  .description('Simulated Sage X3 server: REST api1 (Basic), GraphQL (connected-app JWT or access/refresh tokens), X3 failure modes, admin API')
  .option('--port <port>', 'port to listen on (0 picks one)', integer(0), 0)
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .option('--folder <folder>', 'the X3 folder / endpoint name', 'SEED')
  .option('--seed <n>', 'seed of the generated data', integer(0), 1)
  .option('--customers <n>', 'customers to generate', integer(0), 100)
  .option('--orders-per-customer <n>', 'sales orders to generate per customer', integer(0), 1)
  .option('--user <login:password>', 'an X3 user for Basic auth (repeatable; default ADMIN:admin)', collect((v) => {
    const [login, password] = pair(v, 'LOGIN:PASSWORD');
    return { login, password } satisfies X3User;
  }), [])
  .option('--app <clientId:secret:user[:validitySeconds]>', 'a connected application whose JWTs GraphQL accepts (repeatable)', collect((v) => {
    const [clientId, secret, [user, validity]] = pair(v, 'CLIENT_ID:SECRET:USER[:VALIDITY_SECONDS]');
    if (!user) throw new InvalidArgumentError('expected CLIENT_ID:SECRET:USER[:VALIDITY_SECONDS]');
    return { clientId, secret, user, tokenValiditySeconds: validity ? Number(validity) : 300 } satisfies ConnectedApp;
  }), [])
  .option('--oauth-client <clientId:secret>', 'a client of the token API (authorization code, refresh) (repeatable)', collect((v) => {
    const [clientId, clientSecret] = pair(v, 'CLIENT_ID:SECRET');
    return { clientId, clientSecret } satisfies OAuthClient;
  }), [])
  .option('--access-token-seconds <n>', 'access token lifetime', integer(1), 300)
  .option('--clock-rate <rate>', 'simulated seconds per real second', (v) => Number(v), 1)
  .option('--latency-ms <ms>', 'latency added to every API call', integer(0), 0)
  .option('--volume-limit-bytes <n>', 'licensed web-service bytes per hour (0 = unlimited)', integer(0), 0);

program.parse();
const opts = program.opts<{
  port: number; host: string; folder: string; seed: number; customers: number; ordersPerCustomer: number; user: X3User[]; app: ConnectedApp[];
  oauthClient: OAuthClient[]; accessTokenSeconds: number; clockRate: number; latencyMs: number; volumeLimitBytes: number;
}>();

const sim = await startSimSageX3({
  port: opts.port, host: opts.host, folder: opts.folder, seed: opts.seed, customers: opts.customers, ordersPerCustomer: opts.ordersPerCustomer,
  users: opts.user.length > 0 ? opts.user : undefined, apps: opts.app, clients: opts.oauthClient,
  settings: { accessTokenSeconds: opts.accessTokenSeconds, latencyMs: opts.latencyMs, volumeLimitBytes: opts.volumeLimitBytes },
});
if (opts.clockRate !== 1) sim.clock.setRate(opts.clockRate);
console.log(JSON.stringify({ event: 'listening', url: sim.url, port: sim.port, folder: sim.folder, graphql: sim.xtremUrl, api1: `${sim.url}/api1/x3/erp/${sim.folder}`, token: `${sim.url}/v1/token`, admin: `${sim.url}/__admin/state` }));

const shutdown = (): void => {
  setTimeout(() => process.exit(1), 5_000).unref();
  void sim.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
