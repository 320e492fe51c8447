import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ZohoEventStatus = 'pending' | 'done' | 'failed';

@Entity({ name: 'zoho_event' })
@Index('uq_zoho_event_dedupe', ['channelId', 'dedupeKey'], { unique: true })
export class ZohoEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'channel_id', type: 'text' })
  channelId!: string;

  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey!: string;

  @Column({ type: 'text' })
  module!: string;

  @Column({ type: 'text' })
  operation!: string;

  @Column({ name: 'record_ids', type: 'text', array: true })
  recordIds!: string[];

  @Column({ name: 'server_time', type: 'timestamptz', nullable: true })
  serverTime!: Date | null;

  @Column({ type: 'text' })
  status!: ZohoEventStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
