import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The latest full copy of a Zoho record, fetched after a callback or a catch-up. */
@Entity({ name: 'zoho_record' })
@Index('ix_zoho_record_modified', ['tenantId', 'module', 'modifiedTime'])
export class ZohoRecordEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  module!: string;

  @PrimaryColumn({ name: 'record_id', type: 'text' })
  recordId!: string;

  @Column({ name: 'modified_time', type: 'timestamptz', nullable: true })
  modifiedTime!: Date | null;

  @Column({ type: 'boolean' })
  deleted!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
