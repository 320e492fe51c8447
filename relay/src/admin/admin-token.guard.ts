import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';

/**
 * The bootstrap operator credential (RELAY_ADMIN_TOKEN) for the admin API. Compared as hashes in
 * constant time; with no token configured the admin API is closed, not open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(RELAY_CONFIG) config: RelayConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['authorization'] ?? '';
    if (!this.expected) throw new DomainError('UNAUTHORIZED', 'the admin API is disabled: set RELAY_ADMIN_TOKEN');
    const presented = /^Bearer (.+)$/.exec(header)?.[1];
    if (!presented || !timingSafeEqual(digest(presented), this.expected)) throw new DomainError('UNAUTHORIZED', 'missing or wrong admin token (Authorization: Bearer ...)');
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
