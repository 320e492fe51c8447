import 'reflect-metadata';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TunnelError } from '@mlc/tunnel';
import { createLogger } from '../common/logger.js';
import { loadRelayConfig } from '../config/relay-config.js';
import { openDataSource } from '../database/data-source.js';
import { testDatabaseUrl } from '../testing/test-database.js';
import { ReplicaRouter } from './replica-router.service.js';
import { SessionRegistry } from './session-registry.js';

const STALE_MS = 600;

async function failureOf(work: Promise<unknown>): Promise<{ error: TunnelError }> {
  try {
    await work;
  } catch (err) {
    return { error: err as TunnelError };
  }
  throw new Error('it did not fail');
}

describe('ReplicaRouter: a command routed to a replica that died (real PostgreSQL)', () => {
  let db: DataSource;
  let router: ReplicaRouter;
  /** A replica that heartbeated just now and then died: it holds the agent's session row and never answers. */
  let deadReplica: string;
  let agentId: string;

  before(async () => {
    const url = await testDatabaseUrl();
    db = await openDataSource(url);
    const config = loadRelayConfig({ DATABASE_URL: url, RELAY_REPLICA_STALE_MS: String(STALE_MS) });
    router = new ReplicaRouter(config, createLogger('silent'), url, db, new SessionRegistry());
    await router.start();
  });
  beforeEach(async () => {
    const [tenant] = (await db.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`router-${randomUUID()}`])) as Array<{ id: string }>;
    const [agent] = (await db.query(`INSERT INTO agent (tenant_id, name, group_name, public_key) VALUES ($1, 'a', 'default', 'k') RETURNING id`, [tenant?.id])) as Array<{ id: string }>;
    agentId = agent?.id as string;
    deadReplica = randomUUID();
    await db.query(`INSERT INTO relay_replica (id, host) VALUES ($1, 'gone')`, [deadReplica]);
    await db.query(`INSERT INTO agent_session (agent_id, replica_id, session_id, transport) VALUES ($1, $2, 's', 'grpc')`, [agentId, deadReplica]);
  });
  after(async () => {
    await router.onApplicationShutdown();
    await db.destroy();
  });

  it('withdraws an untaken call after RELAY_REPLICA_STALE_MS: AGENT_OFFLINE (retryable, never ran), not a wait for its deadline', async () => {
    const location = await router.locate(agentId);
    expect(location?.replicaId, 'the dead replica still looks alive').to.equal(deadReplica);
    // Waiting out the deadline would end in DEADLINE_EXCEEDED (after the spec's own timeout).
    const { error } = await failureOf(router.forward(location as { agentId: string; replicaId: string }, { body: 'ping', ping: {} }, { deadlineMs: 60_000 }));
    expect(error).to.be.instanceOf(TunnelError);
    expect(error.code).to.equal('AGENT_OFFLINE');
    expect(error.retryable).to.equal(true);
    const left = (await db.query(`SELECT count(*)::int AS n FROM routed_command WHERE target_replica = $1`, [deadReplica])) as Array<{ n: number }>;
    expect(left[0]?.n, 'the withdrawn command is gone').to.equal(0);
  });

  it('does the same for a routed stream', async () => {
    const stream = router.forwardStreamTo(agentId, undefined, { body: 'echo_stream', echo_stream: { chunks: 3, chunk_size: 10, delay_ms: 0 } }, { deadlineMs: 60_000 });
    const { error } = await failureOf((async () => {
      for await (const chunk of stream) void chunk;
    })());
    expect(error.code).to.equal('AGENT_OFFLINE');
  });

  it('leaves a command the holder has taken to run to its answer', async () => {
    const location = { agentId, replicaId: deadReplica };
    const call = router.forward(location, { body: 'ping', ping: {} }, { deadlineMs: STALE_MS * 4 });
    // The holder takes it (as its runRouted does) and then never answers: only the deadline ends the wait.
    let taken = 0;
    while (taken === 0) {
      const rows = (await db.query(`UPDATE routed_command SET picked_at = now() WHERE target_replica = $1 AND picked_at IS NULL RETURNING id`, [deadReplica])) as [unknown[], number];
      taken = rows[1];
    }
    const { error } = await failureOf(call);
    expect(error.code).to.equal('DEADLINE_EXCEEDED');
  });
});
