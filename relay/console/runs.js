// The Runs page: every run with its counts, duration and error, and a summary per flow; live.
import { cell, duration, fillFlowSelect, runDuration, statusClass, watchSync, when } from './sync-common.js';

const $ = (id) => document.getElementById(id);

function renderRuns(runs, titles) {
  $('runs').replaceChildren(
    ...runs.map((run) => {
      const tr = document.createElement('tr');
      tr.dataset.run = run.id;
      tr.dataset.flow = run.flowKey;
      tr.append(
        cell(when(run.startedAt)),
        cell(titles.get(run.flowKey) ?? run.flowKey),
        cell(run.trigger),
        cell(run.status, `run-status ${statusClass(run.status)}`),
        cell(run.status === 'running' ? 'running…' : duration(runDuration(run))),
        cell(String(run.recordsSeen)),
        cell(String(run.succeeded)),
        cell(String(run.skipped)),
        cell(String(run.retryLater)),
        cell(String(run.dead), run.dead > 0 ? 'error' : ''),
        cell(String(run.sapRowsRead)),
        cell(run.error ?? '', 'error'),
      );
      return tr;
    }),
  );
}

/** Per flow, over the runs shown: how many, how many went wrong, records, typical duration, the last error. */
function renderSummary(runs, titles) {
  const byFlow = new Map();
  for (const run of runs) {
    const s = byFlow.get(run.flowKey) ?? { runs: 0, bad: 0, succeeded: 0, dead: 0, durations: [], lastError: undefined };
    s.runs += 1;
    if (run.status === 'failed' || run.status === 'partial' || run.status === 'abandoned') s.bad += 1;
    s.succeeded += run.succeeded;
    s.dead += run.dead;
    const ms = runDuration(run);
    if (ms !== null) s.durations.push(ms);
    // Runs come newest first: the first error seen is the latest.
    s.lastError ??= run.error ?? undefined;
    byFlow.set(run.flowKey, s);
  }
  $('run-summary').replaceChildren(
    ...[...byFlow].map(([key, s]) => {
      const sorted = [...s.durations].sort((a, b) => a - b);
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
      const tr = document.createElement('tr');
      tr.dataset.flow = key;
      tr.append(
        cell(titles.get(key) ?? key),
        cell(String(s.runs)),
        cell(String(s.bad), s.bad > 0 ? 'error' : ''),
        cell(String(s.succeeded)),
        cell(String(s.dead), s.dead > 0 ? 'error' : ''),
        cell(`${duration(median)} / ${duration(sorted.at(-1) ?? null)}`),
        cell(s.lastError ?? '-', s.lastError ? 'error' : ''),
      );
      return tr;
    }),
  );
}

/** Opens the page for `ctx.tenant`; `ctx` is { api, tenant, guarded } from app.js. */
export async function openRuns(ctx) {
  const titles = new Map();
  const flows = await ctx.api('GET', `/tenants/${encodeURIComponent(ctx.tenant)}/flows`);
  for (const flow of flows) titles.set(flow.key, flow.title);
  fillFlowSelect($('runs-flow'), flows);
  const watch = () => {
    const flow = $('runs-flow').value || undefined;
    watchSync(ctx.tenant, {
      flow,
      badge: 'runs-live',
      onRuns: (runs) => {
        renderRuns(runs, titles);
        renderSummary(runs, titles);
      },
    });
  };
  $('runs-flow').onchange = watch;
  watch();
}
