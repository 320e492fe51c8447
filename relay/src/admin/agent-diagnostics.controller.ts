import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AgentsService, type AgentView } from '../agents/agents.service.js';
import { DomainError } from '../common/domain-error.js';
import { parseBody } from '../common/parse-body.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { AgentChannel } from '../tunnel/agent-channel.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const commandBody = z.discriminatedUnion('command', [
  z.object({ command: z.literal('ping') }),
  z.object({ command: z.literal('echo'), size: z.number().int().min(0).max(16 * 1024 * 1024).default(0), delay_ms: z.number().int().min(0).max(600_000).default(0) }),
  z.object({
    command: z.literal('echo_stream'),
    chunks: z.number().int().min(0).max(100_000),
    chunk_size: z.number().int().min(1).max(1024 * 1024),
    delay_ms: z.number().int().min(0).max(60_000).default(0),
  }),
]);
const commandRequest = z.object({ deadline_ms: z.number().int().min(1).max(600_000).default(30_000) }).and(commandBody);

type CommandRequest = z.infer<typeof commandRequest>;

export interface CommandReport {
  agent_id?: string;
  ok: true;
  elapsed_ms: number;
  result: Record<string, unknown>;
}

/** Operator diagnostics: list agents and run tunnel commands on them (or on a site group). */
@Controller('v1')
@UseGuards(AdminTokenGuard)
export class AgentDiagnosticsController {
  constructor(
    private readonly channel: AgentChannel,
    private readonly agents: AgentsService,
    private readonly tenants: TenantsService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {}

  @Get('agents')
  async list(@Query('tenant') tenant?: string): Promise<AgentView[]> {
    const tenantId = tenant ? (await this.tenants.resolve(tenant)).id : undefined;
    return this.agents.list(tenantId, this.config.replicaStaleMs);
  }

  @Post('agents/:id/revoke')
  @HttpCode(200)
  async revoke(@Param('id') id: string): Promise<{ id: string; revoked_at: string | undefined }> {
    const agent = await this.agents.revoke(id);
    return { id: agent.id, revoked_at: agent.revokedAt?.toISOString() };
  }

  @Post('agents/:id/commands')
  @HttpCode(200)
  async run(@Param('id') id: string, @Body() body: unknown): Promise<CommandReport> {
    const request = parseBody(commandRequest, body);
    const started = performance.now();
    if (request.command === 'echo_stream') {
      const stream = this.channel.stream(id, toStreamBody(request), { deadlineMs: request.deadline_ms });
      let bytes = 0;
      for await (const chunk of stream) bytes += chunk.length;
      const end = await stream.end;
      return { agent_id: id, ok: true, elapsed_ms: performance.now() - started, result: { chunks: end.chunks, bytes } };
    }
    const result = await this.channel.call(id, toCallBody(request), { deadlineMs: request.deadline_ms });
    return { agent_id: id, ok: true, elapsed_ms: performance.now() - started, result: summarize(result) };
  }

  @Post('tenants/:tenant/groups/:group/commands')
  @HttpCode(200)
  async runOnGroup(@Param('tenant') tenant: string, @Param('group') group: string, @Body() body: unknown): Promise<CommandReport> {
    const request = parseBody(commandRequest, body);
    if (request.command === 'echo_stream') throw new DomainError('INVALID_INPUT', 'echo_stream runs on one agent; use /v1/agents/:id/commands', { field: 'command' });
    const tenantId = (await this.tenants.resolve(tenant)).id;
    const started = performance.now();
    const { agentId, result } = await this.channel.callGroup(tenantId, group, toCallBody(request), { deadlineMs: request.deadline_ms });
    return { agent_id: agentId, ok: true, elapsed_ms: performance.now() - started, result: summarize(result) };
  }
}

function toCallBody(request: Exclude<CommandRequest, { command: 'echo_stream' }>): Parameters<AgentChannel['call']>[1] {
  if (request.command === 'ping') return { body: 'ping', ping: {} };
  return { body: 'echo', echo: { payload: Buffer.alloc(0), size: request.size, delay_ms: request.delay_ms } };
}

function toStreamBody(request: Extract<CommandRequest, { command: 'echo_stream' }>): Parameters<AgentChannel['stream']>[1] {
  return { body: 'echo_stream', echo_stream: { chunks: request.chunks, chunk_size: request.chunk_size, delay_ms: request.delay_ms } };
}

function summarize(result: Awaited<ReturnType<AgentChannel['call']>>): Record<string, unknown> {
  switch (result.body) {
    case 'ping':
      return { agent_time_ms: Number(result.ping.agent_time_ms) };
    case 'echo':
      return { bytes: result.echo.payload.length };
    case 'stream_end':
      return { chunks: result.stream_end.chunks, bytes: Number(result.stream_end.bytes) };
    // ERP commands have their own controllers (sap-, x3-diagnostics.controller.ts); never sent from here.
    case 'rfc_call':
    case 'rfc_transaction':
    case 'http_response':
    case 'x3_graphql':
      return { body: result.body };
  }
}
