import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '../common/domain-error.js';
import { parseBody } from '../common/parse-body.js';
import type { ApiTokenRow } from './api-token.repository.js';
import { ApiTokenService } from './api-token.service.js';
import { requireRole, type ConsolePrincipal } from './console-auth.service.js';
import { ConsoleRepository, ROLES } from './console.repository.js';
import { ConsoleSessionGuard, type ConsoleRequest } from './console-session.guard.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';

export const apiTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as ['viewer', 'operator', 'owner']),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});

export const apiTokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(ROLES as ['viewer', 'operator', 'owner']),
  prefix: z.string(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime().nullable(),
  last_used_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenView>;

export const issuedApiTokenView = apiTokenView.extend({ token: z.string() });

/** Owners manage their tenant's API tokens; a token can never mint or revoke tokens itself. */
@Controller('console/api/tenants/:tenant/api-tokens')
@UseGuards(ConsoleSessionGuard)
export class ApiTokensController {
  constructor(
    private readonly tokens: ApiTokenService,
    private readonly repository: ConsoleRepository,
  ) {}

  @ApiRoute({ summary: "The tenant's API tokens, never the tokens themselves (owner, signed in)", response: z.array(apiTokenView) })
  @Get()
  async list(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<ApiTokenView[]> {
    const membership = requireRole(signedInUser(request), tenant, 'owner');
    return (await this.tokens.list(membership.tenantId)).map(viewOf);
  }

  @ApiRoute({ summary: 'Create an API token; the answer is the only time it is shown (owner, signed in)', body: apiTokenBody, response: issuedApiTokenView })
  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Body() body: unknown): Promise<ApiTokenView & { token: string }> {
    const principal = signedInUser(request);
    const membership = requireRole(principal, tenant, 'owner');
    const input = parseBody(apiTokenBody, body);
    const issued = await this.tokens.issue(membership, { name: input.name, role: input.role, expiresInDays: input.expires_in_days }, principal.email);
    // The token is in the answer once; neither it nor its hash is audited.
    await this.repository.insertAudit(membership.tenantId, principal.email, 'api_token.create', input.name, { id: issued.row.id, role: input.role, expires_in_days: input.expires_in_days ?? null });
    return { ...viewOf(issued.row), token: issued.token };
  }

  @ApiRoute({ summary: 'Revoke an API token: it stops working at once (owner, signed in)', response: apiTokenView })
  @Post(':id/revoke')
  @HttpCode(200)
  async revoke(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('id') id: string): Promise<ApiTokenView> {
    const principal = signedInUser(request);
    const membership = requireRole(principal, tenant, 'owner');
    const row = await this.tokens.revoke(membership.tenantId, id);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'api_token.revoke', row.name, { id: row.id });
    return viewOf(row);
  }
}

/** Token management is for people: a leaked token must not be able to mint itself successors. */
function signedInUser(request: ConsoleRequest): ConsolePrincipal {
  const principal = request.principal;
  if (!principal) throw new DomainError('UNAUTHORIZED', 'not signed in');
  if (principal.apiTokenId) throw new DomainError('FORBIDDEN', 'API tokens are managed by a signed-in owner in the console, not with an API token');
  return principal;
}

function viewOf(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.token_prefix,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}
