import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { randomBytes, randomInt } from 'node:crypto';
import { ZohoApiError, editionAllowsModule, isZohoEdition } from '@mlc/zoho';
import type { Logger } from '../common/logger.js';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import type { ZohoConfig } from '../config/zoho-config.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoWatchChannelEntity } from './entities/zoho-watch-channel.entity.js';
import { MasterKeyCipher } from './master-key.cipher.js';
import { ZohoClientsService, type TenantZoho } from './zoho-clients.service.js';
import { ZohoRecordStore } from './zoho-record-store.service.js';
import { SYSTEM_CLOCK, type Clock } from './zoho.tokens.js';

/** If-Modified-Since is strict; a second of overlap costs a few duplicate fetches, never a miss. */
const WATERMARK_OVERLAP_MS = 1_000;

export type ChannelAction = 'created' | 'renewed' | 'recreated' | 'checked' | 'kept' | 'skipped';

/**
 * One watch channel per tenant and module. Renewed (PATCH) well before it expires; recreated when it
 * lapsed or Zoho no longer knows it; and after any gap a Modified_Time catch-up fetches what changed,
 * since Zoho does not retry lost callbacks.
 */
@Injectable()
export class ZohoChannelsService {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: Clock,
    private readonly clients: ZohoClientsService,
    private readonly store: ZohoRecordStore,
    private readonly cipher: MasterKeyCipher,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-channels' });
  }

  /** Brings every channel of the tenant to health; `catchUp` forces a catch-up (e.g. after relay downtime). */
  async maintain(tenantId: string, options: { catchUp: boolean }): Promise<Record<string, ChannelAction>> {
    const zoho = this.zohoConfig();
    const connection = await this.db.getRepository(ZohoConnectionEntity).findOneByOrFail({ tenantId });
    const api = await this.clients.forTenant(tenantId);
    const actions: Record<string, ChannelAction> = {};
    for (const module of zoho.watchModules) {
      if (isZohoEdition(connection.edition) && !editionAllowsModule(connection.edition, module)) {
        actions[module] = 'skipped';
        continue;
      }
      actions[module] = await this.maintainOne(tenantId, module, api, zoho, options.catchUp);
    }
    return actions;
  }

  private async maintainOne(tenantId: string, module: string, api: TenantZoho, zoho: ZohoConfig, forceCatchUp: boolean): Promise<ChannelAction> {
    const repo = this.db.getRepository(ZohoWatchChannelEntity);
    const channel = await repo.findOneBy({ tenantId, module });
    const now = this.clock.now();
    let action: ChannelAction;
    if (!channel) action = await this.create(tenantId, module, api, zoho, undefined);
    else if (channel.expiresAt.getTime() <= now) action = await this.create(tenantId, module, api, zoho, channel);
    else if (channel.expiresAt.getTime() - now < zoho.channelRenewBeforeMs) action = await this.renew(channel, api, zoho);
    else if (now - channel.checkedAt.getTime() >= zoho.channelCheckIntervalMs) action = await this.check(channel, api, zoho);
    else action = 'kept';
    const current = await repo.findOneByOrFail({ tenantId, module });
    const gap = action === 'created' || action === 'recreated';
    const due = !current.caughtUpAt || now - current.caughtUpAt.getTime() >= zoho.catchupIntervalMs;
    if (gap || forceCatchUp || due) await this.catchUp(current, api);
    return action;
  }

  private async create(tenantId: string, module: string, api: TenantZoho, zoho: ZohoConfig, previous: ZohoWatchChannelEntity | undefined): Promise<ChannelAction> {
    if (previous) await api.watch.disable([previous.channelId]).catch(() => undefined);
    // Zoho channel ids are numbers (long); tokens at most 50 characters.
    const channelId = `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.clock.now() + zoho.channelTtlMs);
    await api.watch.enable({ channelId, events: [`${module}.all`], notifyUrl: `${zoho.webhookBaseUrl}/webhooks/zoho/${channelId}`, token, expiresAt });
    const sealed = this.cipher.seal(token, channelTokenContext(channelId));
    const values = { channelId, tokenCiphertext: sealed.ciphertext, tokenKeyId: sealed.keyId, expiresAt, checkedAt: new Date(this.clock.now()), renewedAt: null };
    const repo = this.db.getRepository(ZohoWatchChannelEntity);
    if (previous) await repo.update({ id: previous.id }, values);
    else await repo.insert({ tenantId, module, ...values, caughtUpAt: null, modifiedWatermark: null, createdAt: new Date(this.clock.now()) });
    this.log.info({ tenantId, module, channelId, expiresAt, previous: previous?.channelId }, previous ? 'Zoho watch channel recreated after a lapse' : 'Zoho watch channel created');
    return previous ? 'recreated' : 'created';
  }

  private async renew(channel: ZohoWatchChannelEntity, api: TenantZoho, zoho: ZohoConfig): Promise<ChannelAction> {
    const expiresAt = new Date(this.clock.now() + zoho.channelTtlMs);
    // PATCH keeps the channel; v8 wants notify_url (and we send the same token) again.
    const token = this.channelToken(channel);
    try {
      await api.watch.renew({ channelId: channel.channelId, events: [`${channel.module}.all`], notifyUrl: `${zoho.webhookBaseUrl}/webhooks/zoho/${channel.channelId}`, token, expiresAt });
    } catch (err) {
      if (!(err instanceof ZohoApiError) || err.retryable) throw err;
      this.log.warn({ tenantId: channel.tenantId, channelId: channel.channelId, code: err.code }, 'Zoho refused to renew the watch channel; recreating it');
      return this.create(channel.tenantId, channel.module, api, zoho, channel);
    }
    await this.db.getRepository(ZohoWatchChannelEntity).update({ id: channel.id }, { expiresAt, renewedAt: new Date(this.clock.now()), checkedAt: new Date(this.clock.now()) });
    this.log.info({ tenantId: channel.tenantId, channelId: channel.channelId, expiresAt }, 'Zoho watch channel renewed');
    return 'renewed';
  }

  private async check(channel: ZohoWatchChannelEntity, api: TenantZoho, zoho: ZohoConfig): Promise<ChannelAction> {
    const info = await api.watch.get(channel.channelId, channel.module);
    if (!info) {
      this.log.warn({ tenantId: channel.tenantId, channelId: channel.channelId }, 'Zoho no longer knows the watch channel (it lapsed)');
      return this.create(channel.tenantId, channel.module, api, zoho, channel);
    }
    await this.db.getRepository(ZohoWatchChannelEntity).update({ id: channel.id }, { checkedAt: new Date(this.clock.now()) });
    return 'checked';
  }

  /**
   * Fetches every record modified since the watermark (Zoho's Modified_Time, so Zoho's clock) and
   * stores it; the watermark only moves here, never on a callback, so a lost callback before a
   * received one is still caught.
   */
  async catchUp(channel: ZohoWatchChannelEntity, api: TenantZoho): Promise<number> {
    const since = channel.modifiedWatermark ? new Date(channel.modifiedWatermark.getTime() - WATERMARK_OVERLAP_MS) : undefined;
    let watermark = channel.modifiedWatermark?.getTime() ?? 0;
    let fetched = 0;
    for await (const page of api.records.list(channel.module, { fields: ['Modified_Time'], sortBy: 'Modified_Time', sortOrder: 'asc', modifiedSince: since })) {
      for (const summary of page) {
        const record = await api.records.get(channel.module, String(summary.id));
        if (!record) continue;
        await this.store.save(channel.tenantId, channel.module, record);
        fetched += 1;
        const modified = typeof record['Modified_Time'] === 'string' ? Date.parse(record['Modified_Time']) : Number.NaN;
        if (Number.isFinite(modified) && modified > watermark) watermark = modified;
      }
      // Saved page by page, so an interrupted catch-up resumes where it stopped.
      await this.db.getRepository(ZohoWatchChannelEntity).update({ tenantId: channel.tenantId, module: channel.module }, { modifiedWatermark: watermark > 0 ? new Date(watermark) : null });
    }
    // Deletions leave no Modified_Time behind: ask for those since the previous catch-up's watermark.
    if (since) {
      for await (const ids of api.records.deleted(channel.module, since)) {
        for (const id of ids) await this.store.markDeleted(channel.tenantId, channel.module, id);
        fetched += ids.length;
      }
    }
    await this.db.getRepository(ZohoWatchChannelEntity).update({ tenantId: channel.tenantId, module: channel.module }, { caughtUpAt: new Date(this.clock.now()) });
    if (fetched > 0) this.store.notify(channel.tenantId, [channel.module]);
    if (fetched > 0) this.log.info({ tenantId: channel.tenantId, module: channel.module, fetched }, 'Zoho catch-up fetched changed records');
    return fetched;
  }

  /** Tells Zoho to stop the tenant's channels (best effort) and forgets them. */
  async removeAll(tenantId: string): Promise<void> {
    const repo = this.db.getRepository(ZohoWatchChannelEntity);
    const channels = await repo.findBy({ tenantId });
    if (channels.length === 0) return;
    const api = await this.clients.forTenant(tenantId).catch(() => undefined);
    await api?.watch.disable(channels.map((c) => c.channelId)).catch((err: unknown) => this.log.warn({ tenantId, err: String(err) }, 'could not disable Zoho watch channels'));
    await repo.delete({ tenantId });
  }

  /** The channel's callback token, for the webhook intake to compare with. */
  channelToken(channel: ZohoWatchChannelEntity): string {
    return this.cipher.open({ keyId: channel.tokenKeyId, ciphertext: channel.tokenCiphertext }, channelTokenContext(channel.channelId));
  }

  private zohoConfig(): ZohoConfig {
    if (!this.config.zoho) throw new Error('the Zoho channels need the Zoho configuration');
    return this.config.zoho;
  }
}

const channelTokenContext = (channelId: string): string => `zoho-channel:${channelId}`;
