import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { ApiTokenRepository, type ApiTokenRow } from './api-token.repository.js';
import type { ConsolePrincipal } from './console-auth.service.js';
import type { Membership, Role } from './console.repository.js';

/** API tokens are recognisable in logs and secret scanners by this prefix. */
export const API_TOKEN_PREFIX = 'mlc_at_';
// Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
const TOUCH_EVERY_MS = 60_000;

export interface IssuedApiToken {
  token: string;
  row: ApiTokenRow;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Per-tenant bearer tokens for the console's REST API. A token acts with its own role in its one
 * tenant; only its SHA-256 is stored (it is 256 random bits, so no slow hash is needed), and the
 * token itself is shown once.
 */
@Injectable()
export class ApiTokenService {
  constructor(private readonly repository: ApiTokenRepository) {}

  async issue(membership: Membership, input: { name: string; role: Role; expiresInDays?: number }, createdBy: string): Promise<IssuedApiToken> {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
    const row = await this.repository.insert({
      tenantId: membership.tenantId,
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      createdBy,
      expiresAt,
    });
    return { token, row };
  }

  list(tenantId: string): Promise<ApiTokenRow[]> {
    return this.repository.list(tenantId);
  }

  async revoke(tenantId: string, id: string): Promise<ApiTokenRow> {
    const row = await this.repository.revoke(tenantId, id);
    if (!row) throw new DomainError('NOT_FOUND', `no live API token "${id}" in this tenant`, { field: 'id' });
    return row;
  }

  /** The principal a bearer token stands for: one tenant, the token's role, no CSRF (browsers never send it on their own). */
  async principal(token: string): Promise<ConsolePrincipal | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const live = await this.repository.live(hashToken(token));
    if (!live) return undefined;
    if (!live.last_used_at || Date.now() - live.last_used_at.getTime() > TOUCH_EVERY_MS) await this.repository.touch(live.id);
    return {
      userId: `api-token:${live.id}`,
      email: `api-token:${live.name}`,
      csrfToken: '',
      apiTokenId: live.id,
      memberships: [{ tenantId: live.tenant_id, tenantName: live.tenant_name, role: live.role }],
    };
  }
}
