import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { RelayMetrics } from './relay-metrics.service.js';

interface RawResponse {
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

/** Prometheus scrape endpoint; scrape it with the admin bearer token. */
@Controller('metrics')
@UseGuards(AdminTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: RelayMetrics) {}

  @Get()
  async scrape(@Res() response: RawResponse): Promise<void> {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.send(await this.metrics.registry.metrics());
  }
}
