import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { UUID } from '../tenants/tenants.service.js';
import { AgentEntity } from './agent.entity.js';

/** An ERP profile configured on an agent, with its last reported health (null until reported). */
export interface AgentProfile {
  name: string;
  kind: string;
  reachable: boolean | null;
  detail: string;
  checkedAt: string | null;
}

export interface AgentView {
  id: string;
  tenantId: string;
  name: string;
  groupName: string;
  online: boolean;
  transport: string | null;
  version: string | null;
  hostname: string | null;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  replicaId: string | null;
  /** Tunnel round trip from the last heartbeats, while online. */
  rttMs: number | null;
  profiles: AgentProfile[];
}

/** Channel every replica LISTENs on, so a revoke made anywhere closes the live session at once. */
export const AGENT_REVOKED_CHANNEL = 'mlc_agent_revoked';

@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  findById(id: string): Promise<AgentEntity | null> {
    return UUID.test(id) ? this.agents.findOneBy({ id }) : Promise.resolve(null);
  }

  /** Agents with their live state; an agent is online while a live replica holds its session. */
  async list(tenantId: string | undefined, replicaStaleMs: number): Promise<AgentView[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT a.id, a.tenant_id, a.name, a.group_name, a.transport, a.version, a.hostname, a.last_seen_at, a.revoked_at, a.profiles,
              s.replica_id, s.rtt_ms
         FROM agent a
         LEFT JOIN agent_session s ON s.agent_id = a.id
         LEFT JOIN relay_replica r ON r.id = s.replica_id AND r.last_seen_at > now() - make_interval(secs => $2::float8 / 1000)
        WHERE ($1::uuid IS NULL OR a.tenant_id = $1::uuid)
        ORDER BY a.enrolled_at`,
      [tenantId ?? null, replicaStaleMs],
    );
    return rows.map((row) => ({
      id: row['id'] as string,
      tenantId: row['tenant_id'] as string,
      name: row['name'] as string,
      groupName: row['group_name'] as string,
      online: row['replica_id'] != null && row['revoked_at'] == null,
      transport: row['transport'] as string | null,
      version: row['version'] as string | null,
      hostname: row['hostname'] as string | null,
      lastSeenAt: row['last_seen_at'] as Date | null,
      revokedAt: row['revoked_at'] as Date | null,
      replicaId: (row['replica_id'] as string | null) ?? null,
      rttMs: row['replica_id'] != null ? ((row['rtt_ms'] as number | null) ?? null) : null,
      profiles: (row['profiles'] as AgentProfile[] | null) ?? [],
    }));
  }

  async revoke(id: string): Promise<AgentEntity> {
    const agent = await this.findById(id);
    if (!agent) throw new DomainError('NOT_FOUND', `no agent "${id}"`, { field: 'agent' });
    if (!agent.revokedAt) {
      agent.revokedAt = new Date();
      await this.agents.update(agent.id, { revokedAt: agent.revokedAt });
    }
    await this.db.query(`SELECT pg_notify($1, $2)`, [AGENT_REVOKED_CHANNEL, agent.id]);
    return agent;
  }

  async recordSessionOpened(id: string, info: { version: string; transport: string; hostname: string; profiles: AgentProfile[] }): Promise<void> {
    await this.db.query(`UPDATE agent SET version = $2, transport = $3, hostname = $4, profiles = $5::jsonb, last_seen_at = now() WHERE id = $1`, [
      id,
      info.version,
      info.transport,
      info.hostname,
      JSON.stringify(info.profiles),
    ]);
  }

  async recordProfiles(id: string, profiles: AgentProfile[]): Promise<void> {
    await this.db.query(`UPDATE agent SET profiles = $2::jsonb WHERE id = $1`, [id, JSON.stringify(profiles)]);
  }

  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE agent SET last_seen_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
