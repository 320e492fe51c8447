import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ZohoConnectionStatus = 'connected' | 'reconnect_required' | 'disconnected';

@Entity({ name: 'zoho_connection' })
export class ZohoConnectionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  status!: ZohoConnectionStatus;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'accounts_server', type: 'text' })
  accountsServer!: string;

  @Column({ name: 'api_domain', type: 'text' })
  apiDomain!: string;

  @Column({ type: 'text' })
  edition!: string;

  @Column({ name: 'licensed_users', type: 'integer' })
  licensedUsers!: number;

  @Column({ name: 'refresh_token_ciphertext', type: 'text', nullable: true })
  refreshTokenCiphertext!: string | null;

  @Column({ name: 'refresh_token_key_id', type: 'text', nullable: true })
  refreshTokenKeyId!: string | null;

  @Column({ name: 'access_token_ciphertext', type: 'text', nullable: true })
  accessTokenCiphertext!: string | null;

  @Column({ name: 'access_token_key_id', type: 'text', nullable: true })
  accessTokenKeyId!: string | null;

  @Column({ name: 'access_token_expires_at', type: 'timestamptz', nullable: true })
  accessTokenExpiresAt!: Date | null;

  @Column({ name: 'refresh_count', type: 'integer' })
  refreshCount!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'connected_at', type: 'timestamptz' })
  connectedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
