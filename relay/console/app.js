// The admin console: plain ES modules against /console/api. The session is an HttpOnly cookie;
// state-changing calls carry the CSRF token /me returns.
import { openApiTokens } from './api-tokens.js';
import { closeConnections, openConnections, takeOAuthOutcome } from './connections.js';
import { openFlows } from './flows.js';
import { openRecords } from './records.js';
import { openRuns } from './runs.js';
import { closeSync } from './sync-common.js';

const $ = (id) => document.getElementById(id);
const state = { me: undefined, tenant: undefined, page: 'agents', events: undefined };

async function api(method, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (state.me) headers['x-csrf-token'] = state.me.csrf_token;
  const response = await fetch(`/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${response.status}`), { status: response.status });
  return data;
}

function show(page) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `${page}-page`;
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.page === page);
  $('nav').hidden = page === 'login';
  state.page = page;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function profilesCell(profiles) {
  const td = document.createElement('td');
  td.className = 'profiles';
  for (const profile of profiles) {
    const badge = document.createElement('span');
    const health = profile.reachable === null ? 'unknown' : profile.reachable ? 'reachable' : 'unreachable';
    badge.className = `profile ${health}`;
    badge.textContent = `${profile.name}: ${health}`;
    badge.title = `${profile.kind} - ${profile.detail}${profile.checkedAt ? ` (checked ${new Date(profile.checkedAt).toLocaleString()})` : ''}`;
    td.append(badge);
  }
  if (profiles.length === 0) td.textContent = '-';
  return td;
}

function role() {
  return state.me?.tenants.find((t) => t.name === state.tenant)?.role;
}

function renderAgents(agents) {
  const rows = agents.map((agent) => {
    const tr = document.createElement('tr');
    tr.dataset.agent = agent.id;
    const status = agent.revokedAt ? 'revoked' : agent.online ? 'online' : 'offline';
    tr.append(
      cell(agent.name),
      cell(status, `state ${status}`),
      cell(agent.groupName),
      cell(agent.version ?? '-'),
      cell(agent.online ? agent.transport ?? '-' : '-'),
      cell(agent.online && agent.rttMs != null ? `${agent.rttMs.toFixed(1)} ms` : '-'),
      cell(agent.lastSeenAt ? new Date(agent.lastSeenAt).toLocaleString() : 'never'),
      profilesCell(agent.profiles ?? []),
    );
    const actions = document.createElement('td');
    if (!agent.revokedAt && role() !== 'viewer') {
      const revoke = document.createElement('button');
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', () => revokeAgent(agent));
      actions.append(revoke);
    }
    tr.append(actions);
    return tr;
  });
  $('agents').replaceChildren(...rows);
}

async function revokeAgent(agent) {
  if (!window.confirm(`Revoke ${agent.name}? It will be disconnected and can never connect again.`)) return;
  await guarded(() => api('POST', `/tenants/${encodeURIComponent(state.tenant)}/agents/${agent.id}/revoke`));
}

function watchAgents() {
  state.events?.close();
  const events = new EventSource(`/console/api/tenants/${encodeURIComponent(state.tenant)}/events`);
  events.addEventListener('agents', (event) => {
    $('live').classList.remove('stale');
    renderAgents(JSON.parse(event.data));
  });
  events.addEventListener('error', () => $('live').classList.add('stale'));
  state.events = events;
}

async function renderAudit() {
  const entries = await api('GET', `/tenants/${encodeURIComponent(state.tenant)}/audit`);
  $('audit').replaceChildren(
    ...entries.map((e) => {
      const tr = document.createElement('tr');
      tr.append(cell(new Date(e.at).toLocaleString()), cell(e.actor), cell(e.action), cell(e.target));
      return tr;
    }),
  );
}

async function open(page, params) {
  show(page);
  document.querySelectorAll('.owner-only').forEach((el) => (el.hidden = role() !== 'owner'));
  if (page !== 'connections') closeConnections();
  closeSync();
  const ctx = { api, tenant: state.tenant, role: role(), guarded, go: (to, toParams) => guarded(() => open(to, toParams)) };
  if (page === 'connections') await openConnections(ctx);
  else if (page === 'flows') await openFlows(ctx);
  else if (page === 'runs') await openRuns(ctx);
  else if (page === 'records') await openRecords(ctx, params);
  else if (page === 'tokens') await openApiTokens(ctx);
  else if (page === 'agents') {
    document.querySelectorAll('.operator-only').forEach((el) => (el.hidden = role() === 'viewer'));
    renderAgents(await api('GET', `/tenants/${encodeURIComponent(state.tenant)}/agents`));
    watchAgents();
  } else if (page === 'audit') {
    await renderAudit();
  }
}

async function guarded(work) {
  $('error').textContent = '';
  try {
    await work();
  } catch (err) {
    if (err.status === 401) return start();
    $('error').textContent = err.message;
  }
}

async function start() {
  try {
    state.me = await api('GET', '/me');
  } catch {
    state.me = undefined;
    show('login');
    return;
  }
  $('who').textContent = state.me.email;
  const select = $('tenant');
  select.replaceChildren(...state.me.tenants.map((t) => Object.assign(document.createElement('option'), { value: t.name, textContent: `${t.name} (${t.role})` })));
  const outcome = takeOAuthOutcome();
  state.tenant = (state.me.tenants.find((t) => t.id === outcome?.tenantId) ?? state.me.tenants[0])?.name;
  if (!state.tenant) {
    show('agents');
    $('error').textContent = 'You are not a member of any tenant yet; ask an owner to add you.';
    return;
  }
  select.value = state.tenant;
  await guarded(() => open(location.hash === '#connections' ? 'connections' : 'agents'));
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $('login-error').textContent = '';
  try {
    await api('POST', '/login', { email: form.get('email'), password: form.get('password') });
    await start();
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', () => guarded(async () => {
  state.events?.close();
  closeSync();
  await api('POST', '/logout');
  state.me = undefined;
  show('login');
}));

$('tenant').addEventListener('change', (event) => guarded(() => {
  state.tenant = event.target.value;
  return open(state.page);
}));

for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => guarded(() => open(tab.dataset.page)));

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  return guarded(async () => {
    const issued = await api('POST', `/tenants/${encodeURIComponent(state.tenant)}/enrollment-tokens`, { group: form.get('group'), ttl_minutes: Number(form.get('ttl')) });
    $('token-output').textContent = `mlc-agent enroll --relay ${location.origin} --token ${issued.token}   (single use, expires ${new Date(issued.expires_at).toLocaleString()})`;
  });
});

start();
