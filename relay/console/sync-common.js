// What the Flows, Runs and Records pages share: one live connection (server-sent events with the
// flows and the newest runs, each sent whenever it changes) and a few formatters.
const $ = (id) => document.getElementById(id);
let events;

/** Opens the tenant's live sync events; `flow` narrows the runs; the badge turns red while disconnected. */
export function watchSync(tenant, { flow, badge, onFlows, onRuns }) {
  closeSync();
  const query = flow ? `?flow=${encodeURIComponent(flow)}` : '';
  const source = new EventSource(`/console/api/tenants/${encodeURIComponent(tenant)}/sync/events${query}`);
  const listen = (type, handler) => {
    if (!handler) return;
    source.addEventListener(type, (event) => {
      $(badge).classList.remove('stale');
      handler(JSON.parse(event.data));
    });
  };
  listen('flows', onFlows);
  listen('runs', onRuns);
  source.addEventListener('error', () => $(badge).classList.add('stale'));
  events = source;
}

export function closeSync() {
  events?.close();
  events = undefined;
}

export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function button(text, onClick, title = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '-');

export function duration(ms) {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
  return `${Math.floor(ms / 3_600_000)} h ${String(Math.round((ms % 3_600_000) / 60_000)).padStart(2, '0')} min`;
}

export function runDuration(run) {
  return run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
}

const UNITS = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** 900000 -> "15m"; the form the schedule field is edited in. */
export function every(ms) {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? ['s', 1000];
  return `${ms / size}${unit}`;
}

/** "15m", "1h", "30s", "2d" -> milliseconds; undefined when it is none of these. */
export function parseEvery(text) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/i.exec(text);
  if (!match) return undefined;
  const size = UNITS.find(([unit]) => unit === match[2].toLowerCase())[1];
  return Math.round(Number(match[1]) * size);
}

/** Records are "dead" in the API; the pages call them failed. */
export const statusLabel = (status) => (status === 'dead' ? 'failed' : status);

export function statusClass(status) {
  if (status === 'succeeded' || status === 'synced') return 'state online';
  if (status === 'failed' || status === 'dead' || status === 'abandoned') return 'state revoked';
  return 'state offline';
}

/** Fills a flow <select> once (keeps the choice). */
export function fillFlowSelect(select, flows) {
  if (select.options.length > 1) return;
  select.append(...flows.map((flow) => Object.assign(document.createElement('option'), { value: flow.key, textContent: flow.title })));
}
