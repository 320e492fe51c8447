import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'agent' })
@Index('ix_agent_tenant_group', ['tenantId', 'groupName'])
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Site group: agents beside the same ERP, for failover. */
  @Column({ name: 'group_name', type: 'text' })
  groupName!: string;

  /** Ed25519 public key, SPKI PEM. The relay never holds an agent's private key. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ type: 'text', nullable: true })
  transport!: string | null;

  @Column({ type: 'text', nullable: true })
  hostname!: string | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
