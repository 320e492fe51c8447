import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
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
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly auth: ConsoleAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const principal = await this.auth.principal(readCookie(request.headers['cookie'], SESSION_COOKIE));
    if (!principal) throw new DomainError('UNAUTHORIZED', 'not signed in, or the session expired');
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== principal.csrfToken) {
      throw new DomainError('FORBIDDEN', 'missing or wrong CSRF token');
    }
    request.principal = principal;
    return true;
  }
}
