import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../common/domain-error.js';
import type { Logger } from '../common/logger.js';
import { RELAY_LOGGER } from '../common/tokens.js';
import { ZohoWatchChannelEntity } from './entities/zoho-watch-channel.entity.js';
import { ZohoChannelsService } from './zoho-channels.service.js';
import { ZohoEventsService } from './zoho-events.service.js';

// Zoho's callback (API-FACTS "Notifications"): ids only, verified by channel_id + token, no signature.
const callbackSchema = z.object({
  server_time: z.number().int().nonnegative().optional(),
  module: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  ids: z.array(z.union([z.string().regex(/^\d{1,30}$/), z.number().int().nonnegative()])).min(1).max(1_000),
  operation: z.enum(['insert', 'update', 'delete']),
  channel_id: z.union([z.string().min(1).max(40), z.number().int()]),
  token: z.string().max(50).optional(),
});

export interface WebhookRequest {
  readonly channel: string;
  readonly body: unknown;
  readonly bytes: number;
  readonly remote: string | undefined;
}

/** `POST /webhooks/zoho/:channel`: refuse what is not Zoho's, persist what is, answer, then fetch. */
@Injectable()
export class ZohoWebhookService {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ZohoChannelsService,
    private readonly events: ZohoEventsService,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-webhook' });
  }

  /** Resolves once the event is durable; the fetch runs after, so Zoho gets its 200 quickly. */
  async intake(request: WebhookRequest, maxBytes: number): Promise<{ duplicate: boolean }> {
    if (request.bytes > maxBytes) this.refuse(request, 'PAYLOAD_TOO_LARGE', `the callback is larger than ${maxBytes} bytes`, 'oversized');
    if (!/^\d{1,40}$/.test(request.channel)) this.refuse(request, 'NOT_FOUND', 'no such watch channel', 'unknown_channel');
    const parsed = callbackSchema.safeParse(request.body);
    if (!parsed.success) this.refuse(request, 'INVALID_INPUT', `not a Zoho callback: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, 'malformed');
    const body = parsed.data;
    const channel = await this.db.getRepository(ZohoWatchChannelEntity).findOneBy({ channelId: request.channel });
    if (!channel) this.refuse(request, 'NOT_FOUND', 'no such watch channel', 'unknown_channel');
    if (String(body.channel_id) !== channel.channelId || !sameSecret(body.token ?? '', this.channels.channelToken(channel))) {
      this.refuse(request, 'UNAUTHORIZED', 'channel_id or token does not match the channel', 'forged');
    }
    if (body.module !== channel.module) this.refuse(request, 'INVALID_INPUT', `this channel watches ${channel.module}, not ${body.module}`, 'wrong_module');
    const ids = body.ids.map(String);
    const isNew = await this.events.persist({
      tenantId: channel.tenantId,
      channelId: channel.channelId,
      dedupeKey: dedupeKey(body.server_time, body.operation, body.module, ids),
      module: body.module,
      operation: body.operation,
      ids,
      serverTime: body.server_time === undefined ? null : new Date(body.server_time),
    });
    this.log.info({ tenantId: channel.tenantId, channelId: channel.channelId, module: body.module, operation: body.operation, ids: ids.length, duplicate: !isNew }, 'Zoho callback accepted');
    // Not awaited: the event is durable, and the scheduler drains whatever this misses.
    setImmediate(() => void this.events.drain(channel.tenantId).catch((err: unknown) => this.log.warn({ err: String(err) }, 'draining Zoho events failed')));
    return { duplicate: !isNew };
  }

  private refuse(request: WebhookRequest, code: 'PAYLOAD_TOO_LARGE' | 'NOT_FOUND' | 'INVALID_INPUT' | 'UNAUTHORIZED', message: string, reason: string): never {
    this.log.warn({ channel: request.channel.slice(0, 60), remote: request.remote, bytes: request.bytes, reason }, `Zoho callback refused: ${message}`);
    throw new DomainError(code, message, { reason });
  }
}

/** The same callback delivered twice has the same server_time, operation and ids. */
function dedupeKey(serverTime: number | undefined, operation: string, module: string, ids: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([serverTime ?? null, operation, module, [...ids].sort()])).digest('hex');
}

function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
