import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ZohoNetworkError, ZohoOAuthError, type ZohoAccess, type ZohoOAuthClient } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';
import type { Logger } from '../common/logger.js';
import { RELAY_LOGGER } from '../common/tokens.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { MasterKeyCipher } from './master-key.cipher.js';
import { SYSTEM_CLOCK, ZOHO_OAUTH, type Clock } from './zoho.tokens.js';

/** pg_advisory_xact_lock(class, hashtext(tenant)): one refresh per tenant across all replicas. */
const REFRESH_LOCK_CLASS = 7_740_101;
/** Tokens live 60 minutes; refresh at ~55 so no call carries one that dies in flight. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * How long a replica reuses the token it last read before reading the shared row again: a bulk load
 * makes ~20 calls a second, each of which would otherwise read and decrypt the row. The token then
 * has at least REFRESH_MARGIN_MS to live, and a 401 renews it at once.
 */
const ACCESS_REUSE_MS = 5_000;

export const accessContext = (tenantId: string): string => `zoho-access:${tenantId}`;
export const refreshContext = (tenantId: string): string => `zoho-refresh:${tenantId}`;

type RefreshOutcome = { kind: 'access'; access: ZohoAccess } | { kind: 'reconnect'; error: string } | { kind: 'unavailable'; error: string };

/**
 * Access tokens per tenant. The current token and its expiry live in the database (sealed), so every
 * replica shares one token; a refresh happens under a PostgreSQL advisory lock and re-reads the row
 * first, so 100 callers on any number of replicas cause exactly one refresh. Zoho throttles refreshes
 * (10 per 10 minutes) and neither official SDK locks: this is why.
 */
@Injectable()
export class ZohoTokenService {
  private readonly inFlight = new Map<string, Promise<ZohoAccess>>();
  /** The token each tenant's calls use now, and until when (performance.now()) it is reused unread. */
  private readonly recent = new Map<string, { access: ZohoAccess; until: number }>();
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: MasterKeyCipher,
    @Inject(ZOHO_OAUTH) private readonly oauth: ZohoOAuthClient,
    @Inject(SYSTEM_CLOCK) private readonly clock: Clock,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-token' });
  }

  /** A token with at least REFRESH_MARGIN_MS to live, refreshed first when needed. */
  async access(tenantId: string): Promise<ZohoAccess> {
    const recent = this.recent.get(tenantId);
    if (recent && performance.now() < recent.until) return recent.access;
    const row = await this.db.getRepository(ZohoConnectionEntity).findOneBy({ tenantId });
    const access = this.usable(assertConnected(row, tenantId), tenantId) ?? (await this.refresh(tenantId, undefined));
    this.recent.set(tenantId, { access, until: performance.now() + ACCESS_REUSE_MS });
    return access;
  }

  /** Zoho said 401 INVALID_TOKEN to `rejected`: refresh, unless someone already replaced it. */
  renew(tenantId: string, rejected: ZohoAccess): Promise<ZohoAccess> {
    this.forget(tenantId);
    return this.refresh(tenantId, rejected.accessToken);
  }

  /** Drops the reused token (disconnect, reconnect): the next call reads the shared row. */
  forget(tenantId: string): void {
    this.recent.delete(tenantId);
  }

  /** In-process callers share one promise; replicas meet at the advisory lock. */
  private refresh(tenantId: string, rejected: string | undefined): Promise<ZohoAccess> {
    let pending = this.inFlight.get(tenantId);
    if (!pending) {
      pending = this.refreshLocked(tenantId, rejected).finally(() => this.inFlight.delete(tenantId));
      this.inFlight.set(tenantId, pending);
    }
    return pending;
  }

  private async refreshLocked(tenantId: string, rejected: string | undefined): Promise<ZohoAccess> {
    const outcome = await this.db.transaction(async (manager): Promise<RefreshOutcome> => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REFRESH_LOCK_CLASS, tenantId]);
      const row = assertConnected(await manager.findOneBy(ZohoConnectionEntity, { tenantId }), tenantId);
      const stored = this.usable(row, tenantId);
      // Another replica (or an earlier caller) refreshed while we waited for the lock.
      if (stored && stored.accessToken !== rejected) return { kind: 'access', access: stored };
      const refreshToken = this.cipher.open({ keyId: row.refreshTokenKeyId ?? '', ciphertext: row.refreshTokenCiphertext ?? '' }, refreshContext(tenantId));
      try {
        const fresh = await this.oauth.refresh(row.accountsServer, refreshToken);
        const sealed = this.cipher.seal(fresh.accessToken, accessContext(tenantId));
        if (fresh.apiDomain !== row.apiDomain) this.log.warn({ tenantId, from: row.apiDomain, to: fresh.apiDomain }, 'Zoho moved the api_domain; following it');
        await manager.update(ZohoConnectionEntity, { tenantId }, {
          accessTokenCiphertext: sealed.ciphertext,
          accessTokenKeyId: sealed.keyId,
          accessTokenExpiresAt: new Date(this.clock.now() + fresh.expiresInMs),
          apiDomain: fresh.apiDomain,
          refreshCount: () => 'refresh_count + 1',
          lastError: null,
          updatedAt: new Date(this.clock.now()),
        });
        this.log.info({ tenantId, expiresInMs: fresh.expiresInMs }, 'Zoho access token refreshed');
        return { kind: 'access', access: { accessToken: fresh.accessToken, apiDomain: fresh.apiDomain } };
      } catch (err) {
        if (err instanceof ZohoNetworkError) return { kind: 'unavailable', error: err.message };
        if (!(err instanceof ZohoOAuthError)) throw err;
        if (!err.needsReconnect) return { kind: 'unavailable', error: err.message };
        // Revoked or invalid refresh token: stop here, or every call would retry a refresh forever.
        await manager.update(ZohoConnectionEntity, { tenantId }, {
          status: 'reconnect_required',
          accessTokenCiphertext: null,
          accessTokenKeyId: null,
          accessTokenExpiresAt: null,
          lastError: err.message,
          updatedAt: new Date(this.clock.now()),
        });
        return { kind: 'reconnect', error: err.message };
      }
    });
    switch (outcome.kind) {
      case 'access':
        return outcome.access;
      case 'reconnect':
        this.log.warn({ tenantId, error: outcome.error }, 'Zoho refused the refresh token; the tenant must reconnect Zoho');
        throw reconnectRequired(tenantId);
      case 'unavailable':
        this.log.warn({ tenantId, error: outcome.error }, 'Zoho did not refresh the access token');
        throw new DomainError('UNAVAILABLE', `Zoho did not refresh the access token: ${outcome.error}`, { reason: 'zoho_unavailable' });
    }
  }

  private usable(row: ZohoConnectionEntity, tenantId: string): ZohoAccess | undefined {
    if (!row.accessTokenCiphertext || !row.accessTokenKeyId || !row.accessTokenExpiresAt) return undefined;
    if (row.accessTokenExpiresAt.getTime() - this.clock.now() < REFRESH_MARGIN_MS) return undefined;
    const accessToken = this.cipher.open({ keyId: row.accessTokenKeyId, ciphertext: row.accessTokenCiphertext }, accessContext(tenantId));
    return { accessToken, apiDomain: row.apiDomain };
  }
}

export function reconnectRequired(tenantId: string): DomainError {
  return new DomainError('CONFLICT', 'Zoho refused this tenant\'s authorization: reconnect Zoho (POST /v1/tenants/:tenant/zoho/connect)', { reason: 'zoho_reconnect_required', tenant: tenantId });
}

function assertConnected(row: ZohoConnectionEntity | null, tenantId: string): ZohoConnectionEntity {
  if (!row || row.status === 'disconnected') throw new DomainError('NOT_FOUND', 'this tenant has no Zoho connection', { reason: 'zoho_not_connected', tenant: tenantId });
  if (row.status === 'reconnect_required') throw reconnectRequired(tenantId);
  return row;
}
