// The Records page: find records by any system's key, see a record's journal (what was read, what
// was sent, what came back, per attempt), replay one failed record or all of them. Runs are what
// change records, so each new or finished run (from the live events) refreshes what is shown.
import { button, cell, fillFlowSelect, statusClass, statusLabel, watchSync, when } from './sync-common.js';

const $ = (id) => document.getElementById(id);
let opened;
let shown;

function json(value) {
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(value, null, 2);
  return pre;
}

function part(entry, title, value, expanded) {
  const details = document.createElement('details');
  details.dataset.part = title.toLowerCase();
  details.dataset.key = `${entry.id}:${title}`;
  details.open = expanded.has(details.dataset.key);
  const summary = document.createElement('summary');
  summary.textContent = title;
  details.append(summary, value === null || value === undefined ? Object.assign(document.createElement('p'), { textContent: 'none' }) : json(value));
  return details;
}

function fact(term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value ?? '-';
  return [dt, dd];
}

function renderDetail(ctx, detail) {
  // Live refreshes come often: leave the page alone (and what the reader unfolded) unless it changed.
  const text = JSON.stringify(detail);
  if (text === shown && !$('record-detail').hidden) return;
  shown = text;
  const expanded = new Set([...document.querySelectorAll('#record-journal details[open]')].map((d) => d.dataset.key));
  const { record, journal } = detail;
  $('record-detail').hidden = false;
  $('record-title').textContent = [record.sapKey && `SAP ${record.sapKey}`, record.zohoId && `Zoho ${record.zohoId}`].filter(Boolean).join(' · ');
  $('record-status').textContent = statusLabel(record.status);
  $('record-status').className = statusClass(record.status);
  $('record-facts').replaceChildren(
    ...fact('Flow', record.flowKey),
    ...fact('Entity', record.entity),
    ...fact('Attempts since last success', String(record.attempts)),
    ...fact('Why it failed', record.deadReason),
    ...fact('Last error', record.lastError),
    ...fact('Last synced', when(record.syncedAt)),
    ...fact('Correlation id', record.correlationId),
  );
  $('record-replay').hidden = ctx.role === 'viewer' || record.status !== 'dead';
  $('record-replay').onclick = () =>
    ctx.guarded(async () => {
      const { replayed } = await ctx.api('POST', `${base(ctx)}/${record.id}/replay`);
      $('records-notice').textContent = `${replayed} record queued for replay; its flow runs now.`;
      await refresh(ctx);
    });
  $('record-journal').replaceChildren(
    ...journal.map((entry) => {
      const li = document.createElement('li');
      li.dataset.outcome = entry.outcome;
      const head = document.createElement('p');
      const outcome = document.createElement('span');
      outcome.className = `outcome ${statusClass(entry.outcome === 'dead' ? 'dead' : entry.outcome === 'retry' ? 'pending' : 'synced')}`;
      outcome.textContent = entry.outcome === 'dead' ? 'failed' : entry.outcome;
      head.append(`Attempt ${entry.attempt} · ${when(entry.createdAt)} · `, outcome, ` · correlation ${entry.correlationId}`);
      li.append(head);
      if (entry.error) li.append(Object.assign(document.createElement('p'), { className: 'error', textContent: entry.error }));
      li.append(...[['Source', entry.source], ['Payload', entry.payload], ['Request', entry.request], ['Response', entry.response]].map(([title, value]) => part(entry, title, value, expanded)));
      return li;
    }),
  );
}

function renderList(ctx, records) {
  $('records').replaceChildren(
    ...records.map((record) => {
      const tr = document.createElement('tr');
      tr.dataset.record = record.id;
      tr.classList.toggle('selected', record.id === opened);
      tr.append(
        cell(record.flowKey),
        cell(record.entity),
        cell(record.sapKey ?? '-'),
        cell(record.zohoId ?? '-'),
        cell(statusLabel(record.status), `record-status ${statusClass(record.status)}`),
        cell(String(record.attempts)),
        cell(when(record.updatedAt)),
        cell(record.deadReason ?? record.lastError ?? '', 'error'),
      );
      const actions = cell('');
      actions.append(button('Open', () => ctx.guarded(() => openRecord(ctx, record.id))));
      tr.append(actions);
      return tr;
    }),
  );
  $('records-empty').hidden = records.length > 0;
}

const base = (ctx) => `/tenants/${encodeURIComponent(ctx.tenant)}/records`;

function searchQuery() {
  const form = new FormData($('record-search'));
  const params = new window.URLSearchParams();
  for (const name of ['q', 'status', 'flow']) if (form.get(name)) params.set(name, String(form.get(name)).trim());
  return params.toString();
}

async function openRecord(ctx, id) {
  opened = id;
  renderDetail(ctx, await ctx.api('GET', `${base(ctx)}/${id}`));
  for (const tr of document.querySelectorAll('#records tr')) tr.classList.toggle('selected', tr.dataset.record === id);
}

let latest = 0;

/** Searches again and reloads the open record; an answer overtaken by a newer refresh is dropped. */
async function refresh(ctx) {
  const mine = ++latest;
  const id = opened;
  const [records, detail] = await Promise.all([ctx.api('GET', `${base(ctx)}?${searchQuery()}`), id ? ctx.api('GET', `${base(ctx)}/${id}`) : undefined]);
  if (mine !== latest) return;
  renderList(ctx, records);
  if (detail && id === opened) renderDetail(ctx, detail);
}

/** Opens the page for `ctx.tenant`, optionally searching { q, status, flow } at once; `ctx` is from app.js. */
export async function openRecords(ctx, preset = {}) {
  // Handlers and buttons first: the page is already on screen while the flows load.
  opened = undefined;
  $('record-detail').hidden = true;
  $('records-notice').textContent = '';
  const form = $('record-search');
  form.onsubmit = (event) => {
    event.preventDefault();
    void ctx.guarded(() => refresh(ctx));
  };
  $('replay-all').hidden = ctx.role === 'viewer';
  $('replay-all').onclick = () => {
    const flow = form.elements.flow.value;
    if (!window.confirm(`Replay every failed record${flow ? ` of ${flow}` : ''}?`)) return;
    void ctx.guarded(async () => {
      const { replayed } = await ctx.api('POST', `${base(ctx)}/replay`, flow ? { flow } : {});
      $('records-notice').textContent = `${replayed} failed record(s) queued for replay; their flows run now.`;
      await refresh(ctx);
    });
  };
  const flows = await ctx.api('GET', `/tenants/${encodeURIComponent(ctx.tenant)}/flows`);
  fillFlowSelect($('records-flow'), flows);
  for (const name of ['q', 'status', 'flow']) if (preset[name] !== undefined) form.elements[name].value = preset[name];
  await refresh(ctx);
  // The first event arrives at once and refreshes again: harmless, and it catches anything in between.
  watchSync(ctx.tenant, { badge: 'records-live', onRuns: () => void ctx.guarded(() => refresh(ctx)) });
}
