import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { zohoConfigOf } from './zoho-connect.service.js';
import { ZohoWebhookService } from './zoho-webhook.service.js';

interface RawRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

/** Zoho's notification callbacks. No admin token: the channel id and its token are the credential. */
@Controller('webhooks/zoho')
export class ZohoWebhookController {
  constructor(
    private readonly webhooks: ZohoWebhookService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {}

  @Post(':channel')
  @HttpCode(200)
  async receive(@Param('channel') channel: string, @Body() body: unknown, @Req() req: RawRequest): Promise<{ status: 'accepted'; duplicate: boolean }> {
    const zoho = zohoConfigOf(this.config);
    const bytes = Number(req.headers['content-length'] ?? JSON.stringify(body ?? null).length);
    const { duplicate } = await this.webhooks.intake({ channel, body, bytes, remote: req.ip }, zoho.webhookMaxBytes);
    return { status: 'accepted', duplicate };
  }
}
