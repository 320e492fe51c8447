import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module.js';
import { ConsoleSyncController } from './console-sync.controller.js';
import { ConsoleModule } from './console.module.js';

/**
 * The console's Flows, Runs and Records pages. A module of its own so that the CLI, which imports
 * ConsoleModule for user management, does not start the sync engine with it.
 */
@Module({
  imports: [ConsoleModule, SyncModule],
  controllers: [ConsoleSyncController],
})
export class ConsoleSyncModule {}
