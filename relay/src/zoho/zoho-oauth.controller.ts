import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { ZohoConnectService } from './zoho-connect.service.js';

interface CallbackRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface CallbackResponse {
  redirect(status: number, url: string): void;
  status(code: number): { json(body: unknown): void };
}

/**
 * Where Zoho sends the admin's browser back (ZOHO_REDIRECT_URI). The single-use state is the
 * credential. A browser goes back to the console's Connections page with the outcome; any other
 * client gets JSON.
 */
@Controller('v1/zoho/oauth')
export class ZohoOAuthController {
  constructor(private readonly connect: ZohoConnectService) {}

  @Get('callback')
  async callback(@Query() query: Record<string, string | undefined>, @Req() request: CallbackRequest, @Res() response: CallbackResponse): Promise<void> {
    const browser = String(request.headers['accept'] ?? '').includes('text/html');
    try {
      const result = await this.connect.callback({
        code: query['code'],
        state: query['state'],
        location: query['location'],
        accountsServer: query['accounts-server'],
        error: query['error'],
      });
      if (browser) return response.redirect(303, `/console?zoho=connected&tenant=${encodeURIComponent(result.tenantId)}#connections`);
      response.status(200).json({ status: 'connected', region: result.region, edition: result.edition });
    } catch (err) {
      // Only our own refusals go back into the page; anything else is a bug and gets the usual 500.
      if (!browser || !(err instanceof DomainError)) throw err;
      response.redirect(303, `/console?zoho_error=${encodeURIComponent(err.message)}#connections`);
    }
  }
}
