import 'reflect-metadata';
import { expect } from 'chai';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { generateAgentKeyPair } from '@mlc/tunnel';
import { DomainError } from '../common/domain-error.js';
import { createLogger } from '../common/logger.js';
import { loadRelayConfig } from '../config/relay-config.js';
import { MIGRATIONS, openDataSource } from '../database/data-source.js';
import { RelayCoreModule } from '../relay.modules.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { testDatabaseUrl } from '../testing/test-database.js';
import { AgentsService } from './agents.service.js';
import { EnrollmentService } from './enrollment.service.js';

describe('EnrollmentService (real PostgreSQL, real migrations)', () => {
  let core: INestApplicationContext;
  let enrollment: EnrollmentService;
  let tenantId: string;
  let otherTenantId: string;

  before(async () => {
    const url = await testDatabaseUrl();
    const dataSource = await openDataSource(url);
    const config = loadRelayConfig({ DATABASE_URL: url });
    core = await NestFactory.createApplicationContext(RelayCoreModule.forContext({ config, logger: createLogger('silent'), databaseUrl: url, dataSource }), { logger: false });
    enrollment = core.get(EnrollmentService);
    tenantId = (await core.get(TenantsService).create(`enroll-${Date.now()}`)).id;
    otherTenantId = (await core.get(TenantsService).create(`enroll-other-${Date.now()}`)).id;
  });

  after(() => core.close());

  const request = (token: string, extra: { tenantId?: string } = {}) => ({ token, publicKeyPem: generateAgentKeyPair().publicKeyPem, name: 'a', ...extra });

  async function refusal(promise: Promise<unknown>): Promise<DomainError> {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(DomainError);
    return err as DomainError;
  }

  it('lets exactly one of two racing agents use a token', async () => {
    const { token } = await enrollment.issueToken(tenantId, { ttlMs: 60_000, groupName: 'site-1' });
    const outcomes = await Promise.allSettled([enrollment.enroll(request(token)), enrollment.enroll(request(token))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as DomainError).detail['reason']).to.equal('used');
    const agent = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ groupName: string; tenantId: string }>).value;
    expect(agent).to.include({ groupName: 'site-1', tenantId });
  });

  it('refuses an expired token, another tenant\'s token and a key that is not Ed25519', async () => {
    const { token: expiring } = await enrollment.issueToken(tenantId, { ttlMs: 1_000, groupName: 'g' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await refusal(enrollment.enroll(request(expiring)))).detail['reason']).to.equal('expired');

    const { token: foreign } = await enrollment.issueToken(otherTenantId, { ttlMs: 60_000, groupName: 'g' });
    expect((await refusal(enrollment.enroll(request(foreign, { tenantId })))).code).to.equal('FORBIDDEN');

    const { token } = await enrollment.issueToken(tenantId, { ttlMs: 60_000, groupName: 'g' });
    const badKey = await refusal(enrollment.enroll({ token, publicKeyPem: 'not a key', name: 'a' }));
    expect(badKey.detail['field']).to.equal('public_key');
    // A refused enrollment does not spend the token.
    expect((await enrollment.enroll(request(token))).tenantId).to.equal(tenantId);
  });

  it('keeps tenants apart in the agent list and revokes', async () => {
    const { token } = await enrollment.issueToken(otherTenantId, { ttlMs: 60_000, groupName: 'g' });
    const agent = await enrollment.enroll(request(token));
    const agents = core.get(AgentsService);
    expect((await agents.list(tenantId, 10_000)).map((a) => a.id)).to.not.include(agent.id);
    expect((await agents.list(otherTenantId, 10_000)).map((a) => a.id)).to.include(agent.id);
    await agents.revoke(agent.id);
    expect((await agents.findById(agent.id))?.revokedAt).to.be.instanceOf(Date);
  });
});

describe('migrations', () => {
  it('all run down and up again cleanly', async () => {
    const dataSource = await openDataSource(await testDatabaseUrl());
    try {
      for (let i = 0; i < MIGRATIONS.length; i += 1) await dataSource.undoLastMigration({ transaction: 'all' });
      const tables: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'agent'`);
      expect(tables[0].n).to.equal(0);
      await dataSource.runMigrations({ transaction: 'all' });
      const again: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'agent'`);
      expect(again[0].n).to.equal(1);
    } finally {
      await dataSource.destroy();
    }
  });
});
