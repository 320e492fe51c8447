import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { Observable, distinctUntilChanged, from, map, merge, share, switchMap, timer } from 'rxjs';
import { DomainError } from '../common/domain-error.js';
import { parseBody } from '../common/parse-body.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import type { RunRow } from '../sync/sync-flows.repository.js';
import type { JournalRow, LinkRow } from '../sync/sync-records.repository.js';
import { SyncService, type FlowView } from '../sync/sync.service.js';
import { requireRole, type ConsolePrincipal } from './console-auth.service.js';
import { ConsoleRepository } from './console.repository.js';
import { ConsoleSessionGuard, type ConsoleRequest } from './console-session.guard.js';
import {
  flowChangeBody, flowView, recordDetailView, recordView, recordsQuery, replayAllBody, replayedView, runRequestedView, runView, runsQuery, syncEventsQuery,
} from './console-sync.schemas.js';
import { z } from 'zod';

// The pages poll the database through one server-side loop per open page and get only changes,
// like the Agents page; runs last seconds to minutes, so two seconds reads as live.
const LIVE_REFRESH_MS = 2_000;
const LIVE_RUNS = 100;

/**
 * The Flows, Runs and Records pages: viewers read, operators run and replay, owners enable, schedule
 * and change mappings. Every change is audited under the caller's name.
 */
@Controller('console/api/tenants/:tenant')
@UseGuards(ConsoleSessionGuard)
export class ConsoleSyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly repository: ConsoleRepository,
  ) {}

  @ApiRoute({ summary: "The tenant's flows: enabled, schedule, mapping config, last run, record counts (viewer)", response: z.array(flowView) })
  @Get('flows')
  async flows(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<FlowView[]> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.sync.listFlows(membership.tenantId);
  }

  @ApiRoute({ summary: 'Enable or disable a flow, change its schedule or its mapping config; enabling starts a run (owner)', body: flowChangeBody, response: flowView })
  @Patch('flows/:flow')
  async update(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('flow') flow: string, @Body() body: unknown): Promise<FlowView> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'owner');
    const change = parseBody(flowChangeBody, body);
    const view = await this.sync.updateFlow(membership.tenantId, flow, { enabled: change.enabled, scheduleMs: change.schedule_ms, config: change.config });
    const audit = (action: string, detail: Record<string, unknown>): Promise<void> => this.repository.insertAudit(membership.tenantId, principal.email, action, view.key, detail);
    if (change.enabled !== undefined) await audit(change.enabled ? 'flow.enable' : 'flow.disable', {});
    if (change.schedule_ms !== undefined) await audit('flow.schedule', { schedule_ms: view.scheduleMs });
    // Mapping configs name fields and codes, never credentials, so the audit keeps the whole of it.
    if (change.config !== undefined) await audit('flow.config', { config: view.config });
    return view;
  }

  @ApiRoute({ summary: 'Run an enabled flow now (operator)', response: runRequestedView })
  @Post('flows/:flow/run')
  @HttpCode(202)
  async run(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('flow') flow: string): Promise<{ status: 'requested' }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'operator');
    await this.sync.runNow(membership.tenantId, flow);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'flow.run', flow, {});
    return { status: 'requested' };
  }

  @ApiRoute({ summary: 'Runs, newest first: trigger, status, counts, duration, error (viewer)', query: runsQuery, response: z.array(runView) })
  @Get('runs')
  async runs(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Query('flow') flow?: string, @Query('limit') limit?: string): Promise<RunRow[]> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.sync.runs(membership.tenantId, { flow: flow || undefined, limit: numberOf(limit) });
  }

  @ApiRoute({ summary: "Records by any system's key, state and flow, most recently changed first (viewer)", query: recordsQuery, response: z.array(recordView) })
  @Get('records')
  async records(
    @Req() request: ConsoleRequest, @Param('tenant') tenant: string,
    @Query('q') q?: string, @Query('status') status?: string, @Query('flow') flow?: string, @Query('limit') limit?: string,
  ): Promise<LinkRow[]> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.sync.searchRecords(membership.tenantId, { query: q, status: status || undefined, flow: flow || undefined, limit: numberOf(limit) });
  }

  @ApiRoute({ summary: "A record and its journal: source, payload, request and response of every attempt (viewer)", response: recordDetailView })
  @Get('records/:id')
  async record(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('id') id: string): Promise<{ record: LinkRow; journal: JournalRow[] }> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.sync.record(membership.tenantId, id);
  }

  @ApiRoute({ summary: 'Replay every failed record (of one flow, or all) and run their flows now (operator)', body: replayAllBody, response: replayedView })
  @Post('records/replay')
  @HttpCode(202)
  async replayAll(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Body() body: unknown): Promise<{ replayed: number }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'operator');
    const { flow } = parseBody(replayAllBody, body ?? {});
    const result = await this.sync.replayAll(membership.tenantId, flow);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'record.replay_all', flow ?? 'all flows', { replayed: result.replayed });
    return result;
  }

  @ApiRoute({ summary: 'Replay one failed record and run its flow now (operator)', response: replayedView })
  @Post('records/:id/replay')
  @HttpCode(202)
  async replay(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('id') id: string): Promise<{ replayed: number }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'operator');
    const { record } = await this.sync.record(membership.tenantId, id);
    const result = await this.sync.replay(membership.tenantId, id);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'record.replay', record.sapKey ?? record.zohoId ?? record.id, { id: record.id, flow: record.flowKey });
    return result;
  }

  /** Server-sent events: `flows` (the whole list) and `runs` (the newest runs), each whenever it changes. */
  @ApiRoute({ summary: 'Live flows and runs: a `flows` and a `runs` event whenever either changes (viewer)', query: syncEventsQuery })
  @Sse('sync/events')
  events(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Query('flow') flow?: string): Observable<MessageEvent> {
    const { tenantId } = requireRole(principalOf(request), tenant, 'viewer');
    const filter = parseBody(syncEventsQuery, { flow: flow || undefined }).flow;
    const snapshots = timer(0, LIVE_REFRESH_MS).pipe(
      switchMap(() => from(Promise.all([this.sync.listFlows(tenantId), this.sync.runs(tenantId, { flow: filter, limit: LIVE_RUNS })]))),
      share(),
    );
    const changes = (type: string, pick: (snapshot: [FlowView[], RunRow[]]) => unknown): Observable<MessageEvent> =>
      snapshots.pipe(map((snapshot) => JSON.stringify(pick(snapshot))), distinctUntilChanged(), map((data) => ({ type, data })));
    return merge(changes('flows', ([flows]) => flows), changes('runs', ([, runs]) => runs));
  }
}

function numberOf(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value && Number.isFinite(parsed) ? parsed : undefined;
}

function principalOf(request: ConsoleRequest): ConsolePrincipal {
  if (!request.principal) throw new DomainError('UNAUTHORIZED', 'not signed in');
  return request.principal;
}
