import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'zoho_watch_channel' })
@Index('uq_zoho_watch_channel_tenant_module', ['tenantId', 'module'], { unique: true })
export class ZohoWatchChannelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  module!: string;

  @Index('uq_zoho_watch_channel_channel', { unique: true })
  @Column({ name: 'channel_id', type: 'text' })
  channelId!: string;

  /** The token Zoho echoes in callbacks, sealed: a renewal (PATCH) must send it again. */
  @Column({ name: 'token_ciphertext', type: 'text' })
  tokenCiphertext!: string;

  @Column({ name: 'token_key_id', type: 'text' })
  tokenKeyId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;

  @Column({ name: 'caught_up_at', type: 'timestamptz', nullable: true })
  caughtUpAt!: Date | null;

  /** The latest Modified_Time seen from Zoho (Zoho's clock, not ours): where the next catch-up starts. */
  @Column({ name: 'modified_watermark', type: 'timestamptz', nullable: true })
  modifiedWatermark!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'renewed_at', type: 'timestamptz', nullable: true })
  renewedAt!: Date | null;
}
