import { z } from 'zod';
import { FLOW_KEYS } from '../sync/flow-keys.js';

// The console's Flows, Runs and Records pages: request bodies (parsed with these very schemas) and
// answers, for the OpenAPI document. Answers are SyncService's views as JSON (dates as ISO strings).

const isoDate = z.iso.datetime();
const flowKey = z.enum(FLOW_KEYS);
const linkStatus = z.enum(['synced', 'pending', 'dead', 'writing']);

export const flowChangeBody = z.object({
  enabled: z.boolean().optional(),
  schedule_ms: z.number().int().min(1_000).max(7 * 86_400_000).optional().describe('How often the flow runs, 1 s to 7 days'),
  config: z.record(z.string(), z.unknown()).optional().describe("The flow's mapping config; every bad field is named in one 400 (e.g. config.fields.name)"),
}).strict();

export const replayAllBody = z.object({ flow: flowKey.optional().describe('Only this flow\'s failed records') }).strict();

export const runView = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  flowKey,
  trigger: z.enum(['schedule', 'manual', 'event', 'replay']),
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']),
  replica: z.string(),
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  recordsSeen: z.number().int(),
  succeeded: z.number().int(),
  skipped: z.number().int(),
  retryLater: z.number().int(),
  dead: z.number().int(),
  sapRowsRead: z.number().int(),
  error: z.string().nullable(),
});

export const flowView = z.object({
  key: flowKey,
  title: z.string(),
  enabled: z.boolean(),
  available: z.boolean().describe("False when the tenant's Zoho edition lacks a module the flow needs"),
  unavailableReason: z.string().nullable(),
  scheduleMs: z.number().int(),
  config: z.record(z.string(), z.unknown()).describe('The mapping config with its defaults filled in'),
  nextRunAt: isoDate.nullable(),
  running: z.boolean(),
  lastRun: runView.nullable(),
  records: z.partialRecord(linkStatus, z.number().int()).describe('How many records of the flow are in each state'),
});

export const recordView = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  entity: z.string(),
  flowKey,
  sapKey: z.string().nullable(),
  zohoId: z.string().nullable(),
  status: linkStatus.describe('dead = failed: waits for a fix and a replay'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  deadReason: z.string().nullable(),
  syncedValues: z.record(z.string(), z.unknown()).nullable(),
  correlationId: z.string().nullable(),
  syncedAt: isoDate.nullable(),
  updatedAt: isoDate,
});

export const journalEntryView = z.object({
  id: z.string(),
  linkId: z.uuid(),
  runId: z.uuid().nullable(),
  flowKey,
  attempt: z.number().int(),
  outcome: z.enum(['succeeded', 'skipped', 'retry', 'dead']),
  source: z.unknown().describe('The record as read from its source system'),
  payload: z.unknown().describe('What was to be written to the target'),
  request: z.unknown(),
  response: z.unknown(),
  error: z.string().nullable(),
  correlationId: z.string(),
  createdAt: isoDate,
});

export const recordDetailView = z.object({ record: recordView, journal: z.array(journalEntryView).describe('One entry per attempt, oldest first') });

export const runRequestedView = z.object({ status: z.literal('requested') });
export const replayedView = z.object({ replayed: z.number().int().describe('How many failed records were put back in the queue') });

export const runsQuery = z.object({ flow: flowKey.optional(), limit: z.string().optional().describe('1..500, default 50') });
export const recordsQuery = z.object({
  q: z.string().optional().describe("Part of a key in any system: SAP number (leading zeros optional) or Zoho id"),
  status: linkStatus.optional(),
  flow: flowKey.optional(),
  limit: z.string().optional().describe('1..500, default 50'),
});
export const syncEventsQuery = z.object({ flow: flowKey.optional().describe('Only this flow\'s runs in `runs` events') });
