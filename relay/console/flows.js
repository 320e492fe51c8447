// The Flows page: each flow's state, schedule and last run, live; owners enable, disable, schedule
// and edit the mapping config (JSON, validated by the relay, every bad field listed beside the
// editor); operators run a flow now.
import { button, cell, duration, every, parseEvery, runDuration, statusClass, watchSync, when } from './sync-common.js';

const $ = (id) => document.getElementById(id);
let editing;

function lastRunCell(flow) {
  const td = cell('', 'last-run');
  const run = flow.lastRun;
  td.dataset.status = flow.running ? 'running' : run?.status ?? 'never';
  if (!run) {
    td.textContent = flow.running ? 'running…' : 'never';
    return td;
  }
  const status = document.createElement('span');
  status.className = statusClass(run.status);
  status.textContent = run.status;
  const counts = `${run.succeeded} ok, ${run.skipped} unchanged, ${run.dead} failed`;
  td.append(status, ` ${when(run.startedAt)} · ${run.status === 'running' ? 'running…' : duration(runDuration(run))} · ${counts}`);
  if (run.error) td.title = run.error;
  return td;
}

function recordsCell(flow, ctx) {
  const td = cell(`${flow.records.synced ?? 0} synced, ${flow.records.pending ?? 0} pending`);
  const failed = flow.records.dead ?? 0;
  if (failed > 0) {
    td.append(', ', button(`${failed} failed`, () => ctx.go('records', { flow: flow.key, status: 'dead' }), 'Show the failed records'));
  } else {
    td.append(', 0 failed');
  }
  return td;
}

function stateOf(flow) {
  if (!flow.available) return 'unavailable';
  return flow.enabled ? 'enabled' : 'disabled';
}

function render(flows, ctx) {
  $('flows').replaceChildren(
    ...flows.map((flow) => {
      const tr = document.createElement('tr');
      tr.dataset.flow = flow.key;
      const title = cell(flow.title);
      title.title = flow.key;
      const state = stateOf(flow);
      const stateCell = cell(flow.running ? `${state}, running` : state, `flow-state ${state === 'enabled' ? 'state online' : 'state offline'}`);
      if (!flow.available) stateCell.title = flow.unavailableReason;
      tr.append(title, stateCell, cell(`every ${every(flow.scheduleMs)}`), cell(when(flow.nextRunAt)), lastRunCell(flow), recordsCell(flow, ctx));
      const actions = cell('', 'actions');
      if (ctx.role === 'owner') {
        const toggle = button(flow.enabled ? 'Disable' : 'Enable', () => setEnabled(ctx, flow, !flow.enabled), flow.available ? '' : flow.unavailableReason);
        toggle.disabled = !flow.available && !flow.enabled;
        actions.append(toggle);
      }
      if (ctx.role !== 'viewer' && flow.enabled) actions.append(button('Run now', () => runNow(ctx, flow)));
      actions.append(button(ctx.role === 'owner' ? 'Configure' : 'Config', () => edit(ctx, flow)));
      tr.append(actions);
      return tr;
    }),
  );
}

const base = (ctx) => `/tenants/${encodeURIComponent(ctx.tenant)}/flows`;

async function refresh(ctx) {
  render(await ctx.api('GET', base(ctx)), ctx);
}

function setEnabled(ctx, flow, enabled) {
  return ctx.guarded(async () => {
    await ctx.api('PATCH', `${base(ctx)}/${flow.key}`, { enabled });
    await refresh(ctx);
  });
}

function runNow(ctx, flow) {
  return ctx.guarded(async () => {
    await ctx.api('POST', `${base(ctx)}/${flow.key}/run`);
    $('flows-notice').textContent = `${flow.title}: run requested; it shows under Last run when it starts.`;
  });
}

/** The relay names every bad field in one message: "invalid mapping config for KEY: config.a: ...; config.b: ...". */
function problemsOf(message) {
  const at = message.indexOf(': config');
  if (!message.startsWith('invalid mapping config') || at < 0) return [message];
  return message.slice(at + 2).split(/; (?=config[.:])/);
}

function showProblems(problems) {
  $('flow-config-errors').replaceChildren(
    ...problems.map((problem) => {
      const li = document.createElement('li');
      const split = /^(config[^:]*): (.*)$/s.exec(problem);
      if (split) {
        const field = document.createElement('code');
        field.textContent = split[1];
        li.append(field, `: ${split[2]}`);
      } else {
        li.textContent = problem;
      }
      return li;
    }),
  );
  $('flow-config').setAttribute('aria-invalid', String(problems.length > 0));
  $('flow-config-valid').hidden = problems.length > 0;
}

function syntaxProblems(text) {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? [] : ['config: must be a JSON object'];
  } catch (err) {
    return [`JSON: ${err.message}`];
  }
}

function edit(ctx, flow) {
  const owner = ctx.role === 'owner';
  editing = { key: flow.key, config: JSON.stringify(flow.config, null, 2), scheduleMs: flow.scheduleMs };
  $('flow-editor').hidden = false;
  $('flow-editor-title').textContent = flow.title;
  $('flow-config').value = editing.config;
  $('flow-config').readOnly = !owner;
  $('flow-every').value = every(flow.scheduleMs);
  $('flow-every').readOnly = !owner;
  $('flow-save').hidden = !owner;
  $('flow-saved').textContent = '';
  showProblems([]);
  $('flow-editor').scrollIntoView({ block: 'nearest' });
}

async function save(ctx) {
  const text = $('flow-config').value;
  const problems = syntaxProblems(text);
  const scheduleMs = parseEvery($('flow-every').value);
  if (scheduleMs === undefined) problems.push('schedule: write it as a number and a unit: 30s, 15m, 1h or 1d');
  showProblems(problems);
  if (problems.length > 0) return;
  const change = {};
  if (scheduleMs !== editing.scheduleMs) change.schedule_ms = scheduleMs;
  if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(editing.config))) change.config = JSON.parse(text);
  if (Object.keys(change).length === 0) {
    $('flow-saved').textContent = 'Nothing changed.';
    return;
  }
  try {
    const view = await ctx.api('PATCH', `${base(ctx)}/${editing.key}`, change);
    // Shown as stored: with the defaults the relay filled in.
    editing = { key: view.key, config: JSON.stringify(view.config, null, 2), scheduleMs: view.scheduleMs };
    $('flow-config').value = editing.config;
    $('flow-every').value = every(view.scheduleMs);
    $('flow-saved').textContent = `Saved at ${new Date().toLocaleTimeString()}.`;
    await refresh(ctx);
  } catch (err) {
    if (err.status === 400) showProblems(problemsOf(err.message));
    else throw err;
  }
}

/** Opens the page for `ctx.tenant`; `ctx` is { api, tenant, role, guarded, go } from app.js. */
export async function openFlows(ctx) {
  $('flows-notice').textContent = '';
  $('flow-editor').hidden = true;
  $('flow-form').onsubmit = (event) => {
    event.preventDefault();
    void ctx.guarded(() => save(ctx));
  };
  $('flow-config').oninput = () => showProblems(syntaxProblems($('flow-config').value));
  $('flow-editor-close').onclick = () => ($('flow-editor').hidden = true);
  await refresh(ctx);
  watchSync(ctx.tenant, { badge: 'flows-live', onFlows: (flows) => render(flows, ctx) });
}
