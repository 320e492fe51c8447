import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ZohoOAuthClient } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';
import type { Logger } from '../common/logger.js';
import { RELAY_LOGGER } from '../common/tokens.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { MasterKeyCipher } from './master-key.cipher.js';
import { ZohoChannelsService } from './zoho-channels.service.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { refreshContext } from './zoho-token.service.js';
import { ZOHO_OAUTH } from './zoho.tokens.js';

/** Stops the channels, revokes the refresh token at Zoho (best effort) and forgets every token. */
@Injectable()
export class ZohoDisconnectService {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ZOHO_OAUTH) private readonly oauth: ZohoOAuthClient,
    private readonly cipher: MasterKeyCipher,
    private readonly channels: ZohoChannelsService,
    private readonly clients: ZohoClientsService,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-disconnect' });
  }

  async disconnect(tenantId: string): Promise<void> {
    const repo = this.db.getRepository(ZohoConnectionEntity);
    const row = await repo.findOneBy({ tenantId });
    if (!row) throw new DomainError('NOT_FOUND', 'this tenant has no Zoho connection', { reason: 'zoho_not_connected' });
    if (row.status === 'connected') await this.channels.removeAll(tenantId);
    if (row.refreshTokenCiphertext && row.refreshTokenKeyId) {
      const refreshToken = this.cipher.open({ keyId: row.refreshTokenKeyId, ciphertext: row.refreshTokenCiphertext }, refreshContext(tenantId));
      await this.oauth.revoke(row.accountsServer, refreshToken).catch((err: unknown) => this.log.warn({ tenantId, err: String(err) }, 'Zoho did not revoke the refresh token'));
    }
    await repo.update({ tenantId }, {
      status: 'disconnected',
      refreshTokenCiphertext: null,
      refreshTokenKeyId: null,
      accessTokenCiphertext: null,
      accessTokenKeyId: null,
      accessTokenExpiresAt: null,
      updatedAt: new Date(),
    });
    this.clients.forget(tenantId);
    this.log.info({ tenantId }, 'Zoho disconnected');
  }
}
