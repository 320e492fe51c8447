import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Role } from './console.repository.js';

export interface ApiTokenRow {
  id: string;
  name: string;
  role: Role;
  token_prefix: string;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface LiveApiToken {
  id: string;
  name: string;
  role: Role;
  tenant_id: string;
  tenant_name: string;
  last_used_at: Date | null;
}

export interface NewApiToken {
  tenantId: string;
  name: string;
  role: Role;
  tokenHash: string;
  tokenPrefix: string;
  createdBy: string;
  expiresAt: Date | null;
}

const COLUMNS = 'id, name, role, token_prefix, created_by, created_at, expires_at, last_used_at, revoked_at';

/** Every SQL statement about API tokens, in one place. */
@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(token: NewApiToken): Promise<ApiTokenRow> {
    const rows: ApiTokenRow[] = await this.db.query(
      `INSERT INTO api_token (tenant_id, name, role, token_hash, token_prefix, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [token.tenantId, token.name, token.role, token.tokenHash, token.tokenPrefix, token.createdBy, token.expiresAt],
    );
    return rows[0] as ApiTokenRow;
  }

  async list(tenantId: string): Promise<ApiTokenRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM api_token WHERE tenant_id = $1 ORDER BY created_at DESC, id`, [tenantId]);
  }

  /** Revokes a live token of this tenant; undefined when there is none (wrong tenant reads the same). */
  async revoke(tenantId: string, id: string): Promise<ApiTokenRow | undefined> {
    const rows: ApiTokenRow[] = await this.db.query(
      `WITH revoked AS (UPDATE api_token SET revoked_at = now() WHERE tenant_id = $1 AND id::text = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}) SELECT * FROM revoked`,
      [tenantId, id],
    );
    return rows[0];
  }

  async live(tokenHash: string): Promise<LiveApiToken | undefined> {
    const rows: LiveApiToken[] = await this.db.query(
      `SELECT a.id, a.name, a.role, a.tenant_id, t.name AS tenant_name, a.last_used_at FROM api_token a JOIN tenant t ON t.id = a.tenant_id
        WHERE a.token_hash = $1 AND a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > now())`,
      [tokenHash],
    );
    return rows[0];
  }

  async touch(id: string): Promise<void> {
    await this.db.query(`UPDATE api_token SET last_used_at = now() WHERE id = $1`, [id]);
  }
}
