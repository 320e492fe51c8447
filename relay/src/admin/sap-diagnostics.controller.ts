import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from '../common/parse-body.js';
import { SapCommands, type RfcParams, type RfcTransactionResult, type SapRow } from '../sap/sap-commands.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const common = {
  profile: z.string().min(1),
  deadline_ms: z.number().int().min(1).max(600_000).default(30_000),
  /** 0 turns the relay's retries off, to see the first failure as it is. */
  retries: z.number().int().min(0).max(10).default(0),
};
const params = z.record(z.string(), z.unknown()).default({});
const callRequest = z.object({ ...common, function_module: z.string().min(1), params });
const transactionRequest = z.object({ ...common, calls: z.array(z.object({ function_module: z.string().min(1), params })).min(1) });
const readRequest = z.object({
  ...common,
  table: z.string().min(1),
  key_fields: z.array(z.string().min(1)).min(1),
  fields: z.array(z.string().min(1)).default([]),
  where: z.string().default(''),
  alpha_fields: z.array(z.string()).default([]),
  max_rows: z.number().int().min(0).default(0),
  page_size: z.number().int().min(0).default(0),
  /** How many rows to echo back; all are counted. */
  return_rows: z.number().int().min(0).max(10_000).default(100),
});

/**
 * Operator diagnostics for SAP profiles: run an RFC call, a transaction or a table read on one
 * agent through the same SapCommands the sync engine uses (e2e tests drive it too).
 */
@Controller('v1/agents/:id/sap')
@UseGuards(AdminTokenGuard)
export class SapDiagnosticsController {
  constructor(private readonly sap: SapCommands) {}

  @Post('call')
  @HttpCode(200)
  async call(@Param('id') id: string, @Body() body: unknown): Promise<{ result: RfcParams }> {
    const request = parseBody(callRequest, body);
    const result = await this.sap.rfcCall(id, request.profile, request.function_module, request.params, { deadlineMs: request.deadline_ms, retries: request.retries });
    return { result };
  }

  @Post('transaction')
  @HttpCode(200)
  async transaction(@Param('id') id: string, @Body() body: unknown): Promise<RfcTransactionResult> {
    const request = parseBody(transactionRequest, body);
    const calls = request.calls.map((c) => ({ functionModule: c.function_module, params: c.params }));
    return this.sap.rfcTransaction(id, request.profile, calls, { deadlineMs: request.deadline_ms, retries: request.retries });
  }

  @Post('read-table')
  @HttpCode(200)
  async readTable(@Param('id') id: string, @Body() body: unknown): Promise<{ rows: number; sample: SapRow[]; elapsed_ms: number }> {
    const request = parseBody(readRequest, body);
    const started = performance.now();
    const sample: SapRow[] = [];
    let rows = 0;
    const read = this.sap.readTable(id, request.profile, {
      table: request.table, keyFields: request.key_fields, fields: request.fields, where: request.where, alphaFields: request.alpha_fields,
      maxRows: request.max_rows, pageSize: request.page_size,
    }, { deadlineMs: request.deadline_ms, retries: request.retries });
    for await (const batch of read) {
      rows += batch.length;
      if (sample.length < request.return_rows) sample.push(...batch.slice(0, request.return_rows - sample.length));
    }
    return { rows, sample, elapsed_ms: performance.now() - started };
  }
}
