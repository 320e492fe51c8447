import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { ConsoleRepository, ROLES, type Membership, type Role } from './console.repository.js';
import { hashPassword, verifyPassword } from './password-hasher.js';

export const SESSION_TTL_MS = 12 * 3600 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface ConsolePrincipal {
  userId: string;
  /** Who the audit names: the user's email, or `api-token:NAME`. */
  email: string;
  csrfToken: string;
  /** Set when the caller is an API token rather than a signed-in user. */
  apiTokenId?: string;
  memberships: Membership[];
}

export interface OpenedSession {
  token: string;
  expiresAt: Date;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Console users, passwords, sessions and roles. */
@Injectable()
export class ConsoleAuthService {
  constructor(private readonly repository: ConsoleRepository) {}

  async createUser(email: string, password: string): Promise<string> {
    if (!EMAIL.test(email)) throw new DomainError('INVALID_INPUT', `"${email}" is not an email address`, { field: 'email' });
    if (password.length < 12) throw new DomainError('INVALID_INPUT', 'password must be at least 12 characters', { field: 'password' });
    if (await this.repository.userByEmail(email)) throw new DomainError('CONFLICT', `a user ${email} already exists`, { field: 'email' });
    return this.repository.insertUser(email, await hashPassword(password));
  }

  async grant(email: string, tenantId: string, role: Role): Promise<void> {
    if (!ROLES.includes(role)) throw new DomainError('INVALID_INPUT', `role must be one of ${ROLES.join(', ')}`, { field: 'role' });
    const user = await this.repository.userByEmail(email);
    if (!user) throw new DomainError('NOT_FOUND', `no user ${email}`, { field: 'email' });
    await this.repository.setMembership(user.id, tenantId, role);
  }

  /** Same answer and similar time for an unknown email and a wrong password. */
  async login(email: string, password: string): Promise<OpenedSession> {
    const user = await this.repository.userByEmail(email);
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw new DomainError('UNAUTHORIZED', 'wrong email or password');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.repository.insertSession(hashToken(token), user.id, randomBytes(24).toString('base64url'), expiresAt);
    return { token, expiresAt };
  }

  async logout(token: string): Promise<void> {
    await this.repository.deleteSession(hashToken(token));
  }

  async principal(token: string | undefined): Promise<ConsolePrincipal | undefined> {
    if (!token) return undefined;
    const session = await this.repository.liveSession(hashToken(token));
    if (!session) return undefined;
    return { userId: session.user_id, email: session.email, csrfToken: session.csrf_token, memberships: await this.repository.memberships(session.user_id) };
  }
}

/** Lets a login for an unknown email cost one scrypt, like a real one. */
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** The role a principal holds in a tenant (by id or name), if at least `minimum`. */
export function requireRole(principal: ConsolePrincipal, tenant: string, minimum: Role): Membership {
  const membership = principal.memberships.find((m) => m.tenantId === tenant || m.tenantName === tenant);
  // Not a member reads the same as no such tenant: tenants never learn of each other.
  if (!membership) throw new DomainError('NOT_FOUND', `no tenant "${tenant}"`, { field: 'tenant' });
  if (ROLES.indexOf(membership.role) < ROLES.indexOf(minimum)) {
    throw new DomainError('FORBIDDEN', `this needs the ${minimum} role in ${membership.tenantName}; you are ${membership.role}`);
  }
  return membership;
}
