import { Controller, Get, HttpException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ReplicaRouter } from '../tunnel/replica-router.service.js';
import { SessionRegistry } from '../tunnel/session-registry.js';

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: SessionRegistry,
    private readonly router: ReplicaRouter,
  ) {}

  /** The process is up. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The relay can serve: its database answers. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; replica: string; agents_connected: number }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'database does not answer' }, 503);
    }
    return { status: 'ok', replica: this.router.replicaId, agents_connected: this.registry.size };
  }
}
