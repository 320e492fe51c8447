import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { startConsoleTestRelay, type ConsoleSession, type ConsoleTestRelay } from './testing/console-relay.fixture.js';

describe('API tokens on the console REST API (real PostgreSQL, real HTTP)', () => {
  let relay: ConsoleTestRelay;
  let tenant: { id: string; name: string };
  let owner: ConsoleSession & { email: string };

  const tokensPath = (name = tenant.name): string => `/console/api/tenants/${name}/api-tokens`;
  const issue = async (role: string, name = `ci-${role}`): Promise<{ id: string; token: string }> => {
    const created = await relay.asUser(owner, 'POST', tokensPath(), { name, role });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body as { id: string; token: string };
  };

  before(async () => {
    relay = await startConsoleTestRelay();
    tenant = await relay.createTenant('tokens');
    owner = await relay.signedIn(tenant.id, 'owner');
  });
  after(async () => relay?.close());

  it('POST /console/api/tenants/:tenant/api-tokens shows the token once and stores only its hash', async () => {
    const created = await relay.asUser(owner, 'POST', tokensPath(), { name: 'deploy bot', role: 'operator', expires_in_days: 30 });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ name: 'deploy bot', role: 'operator', created_by: owner.email, revoked_at: null });
    const token = String(created.body.token);
    expect(token).to.match(/^mlc_at_[\w-]{43}$/);
    expect(created.body.prefix).to.equal(token.slice(0, 13));

    const listed = await relay.asUser(owner, 'GET', tokensPath());
    const row = (listed.body as Array<Record<string, unknown>>).find((t) => t['id'] === created.body.id);
    expect(row).to.include({ name: 'deploy bot', prefix: created.body.prefix });
    expect(JSON.stringify(listed.body)).not.to.contain(token);

    const stored = JSON.stringify(await relay.relay.app.get(DataSource).query(`SELECT * FROM api_token WHERE id = $1`, [created.body.id]));
    expect(stored).not.to.contain(token);
    const audit = await relay.asUser(owner, 'GET', `/console/api/tenants/${tenant.name}/audit`);
    expect(audit.body[0]).to.include({ actor: owner.email, action: 'api_token.create', target: 'deploy bot' });
    expect(JSON.stringify(audit.body)).not.to.contain(token);
  });

  it('acts with the token\'s role, needs no CSRF token, and is audited under the token\'s name', async () => {
    const viewer = await issue('viewer');
    const operator = await issue('operator');
    expect((await relay.asToken(viewer.token, 'GET', `/console/api/tenants/${tenant.name}/agents`)).status).to.equal(200);
    const refused = await relay.asToken(viewer.token, 'POST', `/console/api/tenants/${tenant.name}/enrollment-tokens`, { group: 'plant-1' });
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.contain('needs the operator role');

    const enrolled = await relay.asToken(operator.token, 'POST', `/console/api/tenants/${tenant.name}/enrollment-tokens`, { group: 'plant-1' });
    expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(201);
    const audit = await relay.asUser(owner, 'GET', `/console/api/tenants/${tenant.name}/audit`);
    expect(audit.body[0]).to.include({ actor: 'api-token:ci-operator', action: 'enrollment_token.create' });
    const me = await relay.asToken(operator.token, 'GET', '/console/api/me');
    expect(me.body.tenants).to.deep.equal([{ id: tenant.id, name: tenant.name, role: 'operator' }]);
  });

  it('keeps tenants apart: a token reads as "no such tenant" anywhere but its own', async () => {
    const other = await relay.createTenant('tokens-other');
    const otherOwner = await relay.signedIn(other.id, 'owner');
    const { token } = await issue('owner', 'full access');
    const cross = await relay.asToken(token, 'GET', `/console/api/tenants/${other.name}/agents`);
    expect(cross.status).to.equal(404);
    expect(cross.body.message).to.equal(`no tenant "${other.name}"`);
    // Nor can the other tenant's owner revoke this tenant's token by id.
    const listed = await relay.asUser(owner, 'GET', tokensPath());
    const id = (listed.body as Array<{ id: string; name: string }>).find((t) => t.name === 'full access')?.id;
    expect((await relay.asUser(otherOwner, 'POST', `${tokensPath(other.name)}/${id}/revoke`)).status).to.equal(404);
    expect((await relay.asToken(token, 'GET', `/console/api/tenants/${tenant.name}/agents`)).status).to.equal(200);
  });

  it('refuses a revoked, an unknown and a malformed token with 401', async () => {
    const { id, token } = await issue('viewer', 'short-lived');
    const revoked = await relay.asUser(owner, 'POST', `${tokensPath()}/${id}/revoke`);
    expect(revoked.status).to.equal(200);
    expect(revoked.body.revoked_at).to.be.a('string');
    for (const presented of [token, `${token.slice(0, -2)}xx`, 'not-a-token']) {
      const answer = await relay.asToken(presented, 'GET', `/console/api/tenants/${tenant.name}/agents`);
      expect(answer.status, presented).to.equal(401);
    }
    expect((await relay.asUser(owner, 'POST', `${tokensPath()}/${id}/revoke`)).status).to.equal(404);
    const audit = await relay.asUser(owner, 'GET', `/console/api/tenants/${tenant.name}/audit`);
    expect(audit.body[0]).to.include({ action: 'api_token.revoke', target: 'short-lived' });
  });

  it('lets only a signed-in owner manage tokens: not an operator, not a token', async () => {
    const operatorUser = await relay.signedIn(tenant.id, 'operator');
    expect((await relay.asUser(operatorUser, 'POST', tokensPath(), { name: 'x', role: 'viewer' })).status).to.equal(403);
    expect((await relay.asUser(operatorUser, 'GET', tokensPath())).status).to.equal(403);
    const { token } = await issue('owner', 'owner token');
    const minted = await relay.asToken(token, 'POST', tokensPath(), { name: 'successor', role: 'owner' });
    expect(minted.status).to.equal(403);
    expect((await relay.asUser(owner, 'POST', tokensPath(), { name: '', role: 'admin' })).body.message).to.match(/name: .*; role: /);
  });

  it('still needs the CSRF token from a browser session', async () => {
    const answer = await relay.request('POST', tokensPath(), { body: { name: 'x', role: 'viewer' }, headers: { cookie: owner.cookie } });
    expect(answer.status).to.equal(403);
  });
});
