import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { parseBody } from '../common/parse-body.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { SyncService, type FlowView } from './sync.service.js';
import type { RunRow } from './sync-flows.repository.js';
import type { JournalRow, LinkRow } from './sync-records.repository.js';

const flowChange = z.object({
  enabled: z.boolean().optional(),
  schedule_ms: z.number().int().min(1_000).max(7 * 86_400_000).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
}).strict();

const replayAll = z.object({ flow: z.string().optional() }).strict();

/** Flows, runs, records and replay for one tenant (admin token). */
@Controller('v1/tenants/:tenant')
@UseGuards(AdminTokenGuard)
export class SyncController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly sync: SyncService,
  ) {}

  @Get('flows')
  async flows(@Param('tenant') tenant: string): Promise<{ flows: FlowView[] }> {
    return { flows: await this.sync.listFlows(await this.tenantId(tenant)) };
  }

  @Get('flows/:flow')
  async flow(@Param('tenant') tenant: string, @Param('flow') flow: string): Promise<FlowView> {
    return this.sync.flow(await this.tenantId(tenant), flow);
  }

  @Patch('flows/:flow')
  async update(@Param('tenant') tenant: string, @Param('flow') flow: string, @Body() body: unknown): Promise<FlowView> {
    const change = parseBody(flowChange, body);
    return this.sync.updateFlow(await this.tenantId(tenant), flow, { enabled: change.enabled, scheduleMs: change.schedule_ms, config: change.config });
  }

  @Post('flows/:flow/run')
  @HttpCode(202)
  async run(@Param('tenant') tenant: string, @Param('flow') flow: string): Promise<{ status: 'requested' }> {
    await this.sync.runNow(await this.tenantId(tenant), flow);
    return { status: 'requested' };
  }

  @Get('runs')
  async runs(@Param('tenant') tenant: string, @Query('flow') flow?: string, @Query('limit') limit?: string): Promise<{ runs: RunRow[] }> {
    return { runs: await this.sync.runs(await this.tenantId(tenant), { flow, limit: limit ? Number(limit) : undefined }) };
  }

  @Get('records')
  async records(@Param('tenant') tenant: string, @Query('q') q?: string, @Query('status') status?: string, @Query('flow') flow?: string, @Query('limit') limit?: string): Promise<{ records: LinkRow[] }> {
    return { records: await this.sync.searchRecords(await this.tenantId(tenant), { query: q, status, flow, limit: limit ? Number(limit) : undefined }) };
  }

  @Get('records/:id')
  async record(@Param('tenant') tenant: string, @Param('id') id: string): Promise<{ record: LinkRow; journal: JournalRow[] }> {
    return this.sync.record(await this.tenantId(tenant), id);
  }

  @Post('records/replay')
  @HttpCode(202)
  async replayAll(@Param('tenant') tenant: string, @Body() body: unknown): Promise<{ replayed: number }> {
    const { flow } = parseBody(replayAll, body ?? {});
    return this.sync.replayAll(await this.tenantId(tenant), flow);
  }

  @Post('records/:id/replay')
  @HttpCode(202)
  async replay(@Param('tenant') tenant: string, @Param('id') id: string): Promise<{ replayed: number }> {
    return this.sync.replay(await this.tenantId(tenant), id);
  }

  private async tenantId(tenant: string): Promise<string> {
    return (await this.tenants.resolve(tenant)).id;
  }
}
