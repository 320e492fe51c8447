import { Module } from '@nestjs/common';
import { ApiTokenRepository } from './api-token.repository.js';
import { ApiTokenService } from './api-token.service.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { ConsoleApiController } from './console-api.controller.js';
import { ConsoleAssetsController } from './console-assets.controller.js';
import { ConsoleAuthService } from './console-auth.service.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { ConsoleRepository } from './console.repository.js';
import { ConsoleZohoController } from './console-zoho.controller.js';
import { ZohoModule } from '../zoho/zoho.module.js';

/** The operator's admin console: its API, its static pages, sign-in and audit. */
@Module({
  imports: [ZohoModule],
  providers: [ConsoleRepository, ConsoleAuthService, ConsoleSessionGuard, ApiTokenRepository, ApiTokenService],
  controllers: [ConsoleApiController, ConsoleAssetsController, ApiTokensController, ConsoleZohoController],
  exports: [ConsoleAuthService, ConsoleRepository, ApiTokenService],
})
export class ConsoleModule {}
