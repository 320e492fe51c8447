import { expect } from 'chai';
import { startConsoleTestRelay, type ConsoleTestRelay } from '../console/testing/console-relay.fixture.js';

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, { enum?: string[] }>; required?: string[] } } } };
}

/** Every route Express will answer, read from its router rather than from Nest's metadata. */
function servedRoutes(relay: ConsoleTestRelay): Array<{ method: string; path: string }> {
  const express = relay.relay.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap((layer) => {
    const route = layer.route;
    if (!route) return [];
    const paths = Array.isArray(route.path) ? route.path : [route.path];
    return paths.flatMap((path) => Object.keys(route.methods).filter((m) => m !== '_all').map((method) => ({ method, path: path.replace(/:(\w+)/g, '{$1}') })));
  });
}

describe('GET /api/openapi.json', () => {
  let relay: ConsoleTestRelay;
  let paths: Record<string, Record<string, Operation>>;

  before(async () => {
    relay = await startConsoleTestRelay({ RELAY_ADMIN_TOKEN: 'openapi-spec-admin-token-0123456789' });
    const answer = await relay.request('GET', '/api/openapi.json');
    expect(answer.status).to.equal(200);
    expect(answer.body.openapi).to.equal('3.1.0');
    paths = answer.body.paths as Record<string, Record<string, Operation>>;
  });
  after(async () => relay?.close());

  it('lists every route the relay serves, and documents every console API route', () => {
    const served = servedRoutes(relay);
    expect(served.filter((r) => r.path.startsWith('/console/api/'))).to.have.length.above(10);
    const missing = served.filter((r) => !paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing, 'routes missing from the document').to.deep.equal([]);
    const undocumented = served.filter((r) => r.path.startsWith('/console/api/') && !paths[r.path]?.[r.method]?.summary).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undocumented, 'console API routes without @ApiRoute').to.deep.equal([]);
  });

  it('describes request bodies with the schemas the handlers parse with', () => {
    const login = paths['/console/api/login']?.['post']?.requestBody?.content['application/json'].schema;
    expect(login?.required).to.have.members(['email', 'password']);
    const token = paths['/console/api/tenants/{tenant}/api-tokens']?.['post']?.requestBody?.content['application/json'].schema;
    expect(token?.properties?.['role']?.enum).to.have.members(['viewer', 'operator', 'owner']);
  });

  it('reads each route\'s auth from its guards: session or API token on the console, the admin token on /v1', () => {
    expect(paths['/console/api/tenants/{tenant}/agents']?.['get']?.security).to.deep.equal([{ consoleSession: [] }, { apiToken: [] }]);
    expect(paths['/v1/agents']?.['get']?.security).to.deep.equal([{ adminToken: [] }]);
    expect(paths['/health/live']?.['get']?.security).to.deep.equal([]);
  });

  it('serves a readable page at /api/docs', async () => {
    const response = await fetch(`${relay.baseUrl}/api/docs`);
    expect(response.headers.get('content-type')).to.contain('text/html');
    expect(await response.text()).to.contain('POST /console/api/tenants/{tenant}/api-tokens');
  });
});
