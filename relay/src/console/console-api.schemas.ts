import { z } from 'zod';

// Answers of the console API as zod schemas, for the OpenAPI document (GET /api/openapi.json).
// Request bodies are the very schemas the handlers parse with, declared beside them.

const isoDate = z.iso.datetime();
const role = z.enum(['viewer', 'operator', 'owner']);

export const meView = z.object({
  email: z.string(),
  csrf_token: z.string().describe('Send it as x-csrf-token on state-changing calls (browser sessions only)'),
  tenants: z.array(z.object({ id: z.uuid(), name: z.string(), role })),
});

export const okView = z.object({ ok: z.literal(true) });

export const agentView = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  groupName: z.string(),
  online: z.boolean(),
  transport: z.string().nullable(),
  version: z.string().nullable(),
  hostname: z.string().nullable(),
  lastSeenAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  replicaId: z.string().nullable(),
  rttMs: z.number().nullable(),
  profiles: z.array(z.object({ name: z.string(), kind: z.string(), reachable: z.boolean().nullable(), detail: z.string(), checkedAt: isoDate.nullable() })),
});

export const revokedAgentView = z.object({ id: z.uuid(), revoked_at: isoDate.optional() });

export const enrollmentTokenView = z.object({ token: z.string().describe('Shown once'), group: z.string(), expires_at: isoDate });

export const auditView = z.array(z.object({ id: z.string(), actor: z.string(), action: z.string(), target: z.string(), detail: z.record(z.string(), z.unknown()), at: isoDate }));

export const auditQuery = z.object({ limit: z.string().optional().describe('1..500, default 100') });

export const zohoConnectionView = z.object({
  status: z.enum(['connected', 'reconnect_required', 'disconnected']),
  region: z.string(),
  accounts_server: z.string(),
  api_domain: z.string(),
  edition: z.string(),
  connected_at: isoDate,
  last_error: z.string().nullable(),
  access_token_expires_at: isoDate.nullable(),
  refresh_count: z.number().int(),
  credits: z.object({ used_on_this_replica: z.number(), per_day: z.number(), concurrency: z.number() }).nullable(),
  channels: z.array(z.object({ module: z.string(), channel_id: z.string(), expires_at: isoDate, renewed_at: isoDate.nullable(), caught_up_at: isoDate.nullable() })),
});

export const consoleZohoView = z.object({
  configured: z.boolean().describe('Whether this relay has a Zoho client (ZOHO_CLIENT_ID)'),
  connection: zohoConnectionView.nullable(),
});

export const zohoConnectStartView = z.object({ authorize_url: z.url().describe("Send the owner's browser here"), expires_at: isoDate });

export const zohoDisconnectedView = z.object({ status: z.literal('disconnected') });
