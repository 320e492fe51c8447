import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { WEBSOCKET_TUNNEL_PATH } from '@mlc/tunnel';
import { parseBody } from '../common/parse-body.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { EnrollmentService } from './enrollment.service.js';

const enrollBody = z.object({
  token: z.string().min(1).max(200),
  public_key: z.string().min(1).max(4096),
  name: z.string().trim().min(1).max(100),
  tenant_id: z.uuid().optional(),
});

export interface EnrollResponse {
  agent_id: string;
  tenant_id: string;
  group: string;
  tunnel: { grpc_url: string; ws_url: string };
}

@Controller('v1/agents')
export class EnrollmentController {
  constructor(
    private readonly enrollment: EnrollmentService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {}

  /** An agent registers its public key with a one-time token. Unauthenticated by design: the token is the credential. */
  @Post('enroll')
  @HttpCode(201)
  async enroll(@Body() body: unknown): Promise<EnrollResponse> {
    const request = parseBody(enrollBody, body);
    const agent = await this.enrollment.enroll({ token: request.token, publicKeyPem: request.public_key, name: request.name, tenantId: request.tenant_id });
    return { agent_id: agent.id, tenant_id: agent.tenantId, group: agent.groupName, tunnel: tunnelUrls(this.config) };
  }
}

/** Where agents should dial; explicit public URLs win over the bind address. */
export function tunnelUrls(config: RelayConfig): { grpc_url: string; ws_url: string } {
  const scheme = config.tls ? ['grpcs', 'wss'] : ['grpc', 'ws'];
  return {
    grpc_url: config.publicGrpcUrl ?? `${scheme[0]}://${config.host}:${config.grpcPort}`,
    ws_url: config.publicWsUrl ?? `${scheme[1]}://${config.host}:${config.httpPort}${WEBSOCKET_TUNNEL_PATH}`,
  };
}
