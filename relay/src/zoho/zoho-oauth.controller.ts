import { Controller, Get, Query } from '@nestjs/common';
import { ZohoConnectService } from './zoho-connect.service.js';

/** Where Zoho sends the admin's browser back (ZOHO_REDIRECT_URI). The single-use state is the credential. */
@Controller('v1/zoho/oauth')
export class ZohoOAuthController {
  constructor(private readonly connect: ZohoConnectService) {}

  @Get('callback')
  async callback(@Query() query: Record<string, string | undefined>): Promise<{ status: 'connected'; region: string; edition: string }> {
    const result = await this.connect.callback({
      code: query['code'],
      state: query['state'],
      location: query['location'],
      accountsServer: query['accounts-server'],
      error: query['error'],
    });
    return { status: 'connected', region: result.region, edition: result.edition };
  }
}
