import { Module } from '@nestjs/common';
import { ConsoleApiController } from './console-api.controller.js';
import { ConsoleAssetsController } from './console-assets.controller.js';
import { ConsoleAuthService } from './console-auth.service.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { ConsoleRepository } from './console.repository.js';

/** The operator's admin console: its API, its static pages, sign-in and audit. */
@Module({
  providers: [ConsoleRepository, ConsoleAuthService, ConsoleSessionGuard],
  controllers: [ConsoleApiController, ConsoleAssetsController],
  exports: [ConsoleAuthService],
})
export class ConsoleModule {}
