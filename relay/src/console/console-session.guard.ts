import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { ApiTokenService } from './api-token.service.js';
import { ConsoleAuthService, type ConsolePrincipal } from './console-auth.service.js';
import { SESSION_COOKIE, readCookie } from './session-cookie.js';

export interface ConsoleRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: ConsolePrincipal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A console request needs a live session cookie; a state-changing one also needs the session's
 * CSRF token in `x-csrf-token` (synchronizer token: a forged cross-site form cannot read it).
 * Or an API token as `Authorization: Bearer mlc_at_...`, which a browser never adds by itself, so
 * it needs no CSRF token.
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(
    private readonly auth: ConsoleAuthService,
    private readonly apiTokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const authorization = request.headers['authorization'];
    if (authorization !== undefined) {
      const bearer = /^Bearer (\S+)$/.exec(String(authorization))?.[1];
      const principal = bearer ? await this.apiTokens.principal(bearer) : undefined;
      if (!principal) throw new DomainError('UNAUTHORIZED', 'unknown, revoked or expired API token (Authorization: Bearer mlc_at_...)');
      request.principal = principal;
      return true;
    }
    const principal = await this.auth.principal(readCookie(request.headers['cookie'], SESSION_COOKIE));
    if (!principal) throw new DomainError('UNAUTHORIZED', 'not signed in, or the session expired');
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== principal.csrfToken) {
      throw new DomainError('FORBIDDEN', 'missing or wrong CSRF token');
    }
    request.principal = principal;
    return true;
  }
}
