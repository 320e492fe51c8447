import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export type Role = 'owner' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'owner'];

export interface ConsoleUserRow {
  id: string;
  email: string;
  password_hash: string;
}

export interface Membership {
  tenantId: string;
  tenantName: string;
  role: Role;
}

export interface SessionRow {
  user_id: string;
  email: string;
  csrf_token: string;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  at: Date;
}

/** Every SQL statement of the console's auth and audit, in one place. */
@Injectable()
export class ConsoleRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertUser(email: string, passwordHash: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query(`INSERT INTO console_user (email, password_hash) VALUES ($1, $2) RETURNING id`, [email, passwordHash]);
    return rows[0].id;
  }

  async userByEmail(email: string): Promise<ConsoleUserRow | undefined> {
    const rows: ConsoleUserRow[] = await this.db.query(`SELECT id, email, password_hash FROM console_user WHERE email = $1`, [email]);
    return rows[0];
  }

  async setMembership(userId: string, tenantId: string, role: Role): Promise<void> {
    await this.db.query(
      `INSERT INTO tenant_membership (user_id, tenant_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = $3`,
      [userId, tenantId, role],
    );
  }

  async memberships(userId: string): Promise<Membership[]> {
    const rows: Array<{ tenant_id: string; name: string; role: Role }> = await this.db.query(
      `SELECT m.tenant_id, t.name, m.role FROM tenant_membership m JOIN tenant t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY t.name`,
      [userId],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, tenantName: r.name, role: r.role }));
  }

  async insertSession(tokenHash: string, userId: string, csrfToken: string, expiresAt: Date): Promise<void> {
    await this.db.query(`INSERT INTO console_session (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`, [tokenHash, userId, csrfToken, expiresAt]);
  }

  async liveSession(tokenHash: string): Promise<SessionRow | undefined> {
    const rows: SessionRow[] = await this.db.query(
      `SELECT s.user_id, u.email, s.csrf_token FROM console_session s JOIN console_user u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now()`,
      [tokenHash],
    );
    return rows[0];
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query(`DELETE FROM console_session WHERE token_hash = $1 OR expires_at < now()`, [tokenHash]);
  }

  async insertAudit(tenantId: string | null, actor: string, action: string, target: string, detail: Record<string, unknown>): Promise<void> {
    await this.db.query(`INSERT INTO audit_event (tenant_id, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)`, [tenantId, actor, action, target, JSON.stringify(detail)]);
  }

  async audit(tenantId: string, limit: number): Promise<AuditEntry[]> {
    const rows: Array<Omit<AuditEntry, 'id'> & { id: string }> = await this.db.query(
      `SELECT id::text, actor, action, target, detail, at FROM audit_event WHERE tenant_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows;
  }
}
