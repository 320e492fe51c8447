import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { assertEd25519PublicKey } from '@mlc/tunnel';
import { DomainError } from '../common/domain-error.js';
import { AgentEntity } from './agent.entity.js';
import { EnrollmentTokenEntity } from './enrollment-token.entity.js';

const TOKEN_PREFIX = 'mlc_et_';
const MAX_TTL_MS = 7 * 24 * 3600 * 1000;

export interface IssuedToken {
  token: string;
  tenantId: string;
  groupName: string;
  expiresAt: Date;
}

export interface EnrollRequest {
  token: string;
  publicKeyPem: string;
  name: string;
  /** When the agent names its tenant, the token must belong to it. */
  tenantId?: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class EnrollmentService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issueToken(tenantId: string, options: { ttlMs: number; groupName: string }): Promise<IssuedToken> {
    if (options.ttlMs <= 0 || options.ttlMs > MAX_TTL_MS) {
      throw new DomainError('INVALID_INPUT', 'token lifetime must be between 1 second and 7 days', { field: 'ttl' });
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + options.ttlMs);
    await this.db.getRepository(EnrollmentTokenEntity).insert({
      tenantId,
      tokenHash: hashToken(token),
      groupName: options.groupName,
      expiresAt,
      createdAt: new Date(),
    });
    return { token, tenantId, groupName: options.groupName, expiresAt };
  }

  /**
   * Registers an agent's public key against a single-use token. The token row is locked for the
   * transaction, so two agents racing with the same token cannot both enroll.
   */
  async enroll(request: EnrollRequest): Promise<AgentEntity> {
    try {
      assertEd25519PublicKey(request.publicKeyPem);
    } catch (err) {
      throw new DomainError('INVALID_INPUT', `public_key is not an Ed25519 public key in PEM form (${(err as Error).message})`, { field: 'public_key' });
    }
    return this.db.transaction(async (tx) => {
      const tokens = tx.getRepository(EnrollmentTokenEntity);
      const row = await tokens.findOne({ where: { tokenHash: hashToken(request.token) }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new DomainError('UNAUTHORIZED', 'enrollment token is not known to this relay', { field: 'token', reason: 'unknown' });
      if (row.usedAt) throw new DomainError('GONE', 'enrollment token was already used; create a new one with `mlc-relay enrollment-token create`', { field: 'token', reason: 'used' });
      if (row.expiresAt.getTime() <= Date.now()) throw new DomainError('GONE', `enrollment token expired at ${row.expiresAt.toISOString()}; create a new one`, { field: 'token', reason: 'expired' });
      if (request.tenantId && request.tenantId !== row.tenantId) {
        throw new DomainError('FORBIDDEN', 'enrollment token belongs to another tenant', { field: 'token', reason: 'wrong_tenant' });
      }
      const agent = await tx.getRepository(AgentEntity).save(
        tx.getRepository(AgentEntity).create({
          tenantId: row.tenantId,
          name: request.name,
          groupName: row.groupName,
          publicKey: request.publicKeyPem,
          enrolledAt: new Date(),
          version: null,
          transport: null,
          hostname: null,
          lastSeenAt: null,
          revokedAt: null,
        }),
      );
      await tokens.update(row.id, { usedAt: new Date(), usedByAgentId: agent.id });
      return agent;
    });
  }
}
