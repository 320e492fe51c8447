import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { ZOHO_SCOPES, ZohoBudget, ZohoCrmClient, ZohoOAuthError, fetchOrg, type ZohoOAuthClient, type ZohoTokenSet } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';
import type { Logger } from '../common/logger.js';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import type { ZohoConfig } from '../config/zoho-config.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoOAuthStateEntity } from './entities/zoho-oauth-state.entity.js';
import { MasterKeyCipher } from './master-key.cipher.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { accessContext, refreshContext } from './zoho-token.service.js';
import { SYSTEM_CLOCK, ZOHO_OAUTH, type Clock } from './zoho.tokens.js';

/** Zoho's grant codes live 2-3 minutes; the consent itself may take a person a while longer. */
const STATE_TTL_MS = 15 * 60_000;

export interface ConnectStart {
  readonly authorizeUrl: string;
  readonly expiresAt: Date;
}

export interface CallbackParams {
  readonly code?: string;
  readonly state?: string;
  readonly location?: string;
  readonly accountsServer?: string;
  readonly error?: string;
}

export function zohoConfigOf(config: RelayConfig): ZohoConfig {
  if (!config.zoho) throw new DomainError('UNAVAILABLE', 'Zoho is not configured on this relay (set ZOHO_CLIENT_ID and friends)', { reason: 'zoho_not_configured' });
  return config.zoho;
}

/** The OAuth authorization-code flow: an admin starts it, Zoho calls back, the tokens are sealed and stored. */
@Injectable()
export class ZohoConnectService {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(ZOHO_OAUTH) private readonly oauth: ZohoOAuthClient,
    @Inject(SYSTEM_CLOCK) private readonly clock: Clock,
    private readonly cipher: MasterKeyCipher,
    private readonly clients: ZohoClientsService,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-connect' });
  }

  async start(tenantId: string): Promise<ConnectStart> {
    const zoho = zohoConfigOf(this.config);
    const state = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now() + STATE_TTL_MS);
    await this.db.getRepository(ZohoOAuthStateEntity).insert({ stateHash: sha256(state), tenantId, createdAt: new Date(this.clock.now()), expiresAt, usedAt: null });
    return { authorizeUrl: this.oauth.authorizeUrl({ accountsServer: zoho.accountsUrl, scopes: ZOHO_SCOPES, state }), expiresAt };
  }

  /** Zoho's redirect back. The state is single use and names the tenant; nothing else from the browser is trusted blindly. */
  async callback(params: CallbackParams): Promise<{ tenantId: string; region: string; edition: string }> {
    const zoho = zohoConfigOf(this.config);
    if (!params.state) throw new DomainError('INVALID_INPUT', 'the callback has no state', { field: 'state' });
    const tenantId = await this.consumeState(params.state);
    if (params.error) throw new DomainError('FORBIDDEN', `Zoho did not grant access: ${params.error}`, { reason: params.error });
    if (!params.code) throw new DomainError('INVALID_INPUT', 'the callback has no code', { field: 'code' });
    const accountsServer = (params.accountsServer ?? zoho.accountsUrl).replace(/\/+$/, '');
    // The code and our client secret go to this server: only ever to a known Zoho accounts server.
    if (!zoho.accountsServers.includes(accountsServer)) {
      this.log.warn({ tenantId, accountsServer }, 'Zoho callback named an accounts server that is not allowed');
      throw new DomainError('INVALID_INPUT', `accounts-server ${accountsServer} is not a known Zoho accounts server`, { field: 'accounts-server' });
    }
    let tokens: ZohoTokenSet;
    try {
      tokens = await this.oauth.exchangeCode(accountsServer, params.code);
    } catch (err) {
      if (!(err instanceof ZohoOAuthError)) throw err;
      throw new DomainError('INVALID_INPUT', `Zoho refused the grant code (${err.error}); start the connection again`, { reason: err.error });
    }
    if (!tokens.refreshToken) throw new DomainError('INVALID_INPUT', 'Zoho returned no refresh token (access_type=offline was not honoured); start again', { reason: 'no_refresh_token' });
    const org = await fetchOrg(new ZohoCrmClient({ budget: ZohoBudget.forEdition('free'), tokens: staticTokens(tokens) }));
    const refresh = this.cipher.seal(tokens.refreshToken, refreshContext(tenantId));
    const access = this.cipher.seal(tokens.accessToken, accessContext(tenantId));
    const now = new Date(this.clock.now());
    const region = params.location ?? 'us';
    await this.db.getRepository(ZohoConnectionEntity).upsert(
      {
        tenantId,
        status: 'connected',
        region,
        accountsServer,
        apiDomain: tokens.apiDomain,
        edition: org.edition,
        licensedUsers: org.users,
        refreshTokenCiphertext: refresh.ciphertext,
        refreshTokenKeyId: refresh.keyId,
        accessTokenCiphertext: access.ciphertext,
        accessTokenKeyId: access.keyId,
        accessTokenExpiresAt: new Date(this.clock.now() + tokens.expiresInMs),
        refreshCount: 0,
        lastError: null,
        connectedAt: now,
        updatedAt: now,
      },
      ['tenantId'],
    );
    this.clients.forget(tenantId);
    this.log.info({ tenantId, region, edition: org.edition }, 'Zoho connected');
    return { tenantId, region, edition: org.edition };
  }

  private async consumeState(state: string): Promise<string> {
    const rows: Array<{ tenant_id: string }> = await this.db.query(
      // A CTE, so the driver hands back plain rows for an UPDATE.
      `WITH used AS (UPDATE zoho_oauth_state SET used_at = now() WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING tenant_id) SELECT tenant_id FROM used`,
      [sha256(state), new Date(this.clock.now())],
    );
    const tenantId = rows[0]?.tenant_id;
    if (!tenantId) {
      this.log.warn('Zoho callback with an unknown, used or expired state refused');
      throw new DomainError('FORBIDDEN', 'unknown, used or expired state: start the Zoho connection again', { reason: 'bad_state' });
    }
    return tenantId;
  }
}

function staticTokens(tokens: ZohoTokenSet) {
  const access = { accessToken: tokens.accessToken, apiDomain: tokens.apiDomain };
  return { current: () => Promise.resolve(access), renew: () => Promise.resolve(access) };
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
