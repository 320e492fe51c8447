import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from '../common/parse-body.js';
import { X3Commands, type X3Resource } from '../sage-x3/x3-commands.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const common = {
  profile: z.string().min(1),
  deadline_ms: z.number().int().min(1).max(600_000).default(30_000),
  /** 0 turns the relay's retries off, to see the first failure as it is. */
  retries: z.number().int().min(0).max(10).default(0),
};
const graphqlRequest = z.object({ ...common, query: z.string().min(1), variables: z.record(z.string(), z.unknown()).optional() });
const queryRequest = z.object({
  ...common,
  folder: z.string().min(1),
  class: z.string().regex(/^[A-Z0-9_]+$/),
  where: z.string().optional(),
  order_by: z.string().optional(),
  count: z.number().int().min(1).max(1000).default(100),
  /** How many resources to echo back; all are counted. */
  return_resources: z.number().int().min(0).max(10_000).default(100),
});

/**
 * Operator diagnostics for Sage X3 profiles: a GraphQL operation or an api1 query on one agent,
 * through the same X3Commands the sync engine uses (e2e tests drive it too).
 */
@Controller('v1/agents/:id/x3')
@UseGuards(AdminTokenGuard)
export class X3DiagnosticsController {
  constructor(private readonly x3: X3Commands) {}

  @Post('graphql')
  @HttpCode(200)
  async graphql(@Param('id') id: string, @Body() body: unknown): Promise<{ data: unknown; diagnoses: unknown[] }> {
    const request = parseBody(graphqlRequest, body);
    return this.x3.graphql(id, request.profile, request.query, request.variables, { deadlineMs: request.deadline_ms, retries: request.retries });
  }

  @Post('query')
  @HttpCode(200)
  async query(@Param('id') id: string, @Body() body: unknown): Promise<{ resources: number; pages: number; sample: X3Resource[] }> {
    const request = parseBody(queryRequest, body);
    const sample: X3Resource[] = [];
    let resources = 0;
    let pages = 0;
    const read = this.x3.api1Query(id, request.profile, { className: request.class, folder: request.folder, where: request.where, orderBy: request.order_by, count: request.count }, { deadlineMs: request.deadline_ms, retries: request.retries });
    for await (const batch of read) {
      resources += batch.length;
      pages += 1;
      if (sample.length < request.return_resources) sample.push(...batch.slice(0, request.return_resources - sample.length));
    }
    return { resources, pages, sample };
  }
}
