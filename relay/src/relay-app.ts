import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from './common/logger.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import type { RelayConfig } from './config/relay-config.js';
import { openDataSource } from './database/data-source.js';
import { openDatabase, type DatabaseHandle } from './database/embedded-postgres.launcher.js';
import { RelayAppModule, type RelayContext } from './relay.modules.js';
import { GrpcTunnelServer } from './tunnel/grpc-tunnel.server.js';
import { ReplicaRouter } from './tunnel/replica-router.service.js';
import { TunnelGateway } from './tunnel/tunnel-gateway.service.js';
import { WsTunnelServer } from './tunnel/ws-tunnel.server.js';

export interface RunningRelay {
  app: INestApplication;
  httpPort: number;
  grpcPort: number;
  databaseUrl: string;
  logger: Logger;
  /** Drains agents (they reconnect elsewhere), stops the servers and the embedded database. */
  close(): Promise<void>;
}

/** Opens the database (embedded or DATABASE_URL) and migrates it. */
export async function openRelayContext(config: RelayConfig, logger: Logger): Promise<{ context: RelayContext; database: DatabaseHandle }> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, port: config.embeddedPgPort }, logger);
  try {
    const dataSource = await openDataSource(database.url);
    return { context: { config, logger, databaseUrl: database.url, dataSource }, database };
  } catch (err) {
    await database.close();
    throw err;
  }
}

export async function startRelay(config: RelayConfig, logger = createLogger(config.logLevel)): Promise<RunningRelay> {
  const { context, database } = await openRelayContext(config, logger);
  const app = await NestFactory.create(RelayAppModule.forContext(context), {
    logger: ['error', 'warn'],
    abortOnError: false,
    // With TLS configured, the HTTP API and the WebSocket tunnel are served over HTTPS too.
    httpsOptions: config.tls ? { cert: config.tls.cert, key: config.tls.key } : undefined,
  });
  app.useGlobalFilters(new DomainErrorFilter(logger.child({ component: 'http' })));
  const router = app.get(ReplicaRouter);
  const gateway = app.get(TunnelGateway);
  router.onRevoked = (agentId) => gateway.revokeLocal(agentId);
  await router.start();
  app.get(WsTunnelServer).attach(app.getHttpServer() as Server);
  await app.listen(config.httpPort, config.host);
  const httpPort = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  const grpcPort = await app.get(GrpcTunnelServer).start();
  logger.info({ httpPort, grpcPort, replica: router.replicaId }, 'relay ready');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Agents finish in-flight commands, disconnect and come back after retry_after.
      gateway.drainAll('relay is restarting', 1_000);
      await gateway.drained(5_000);
      await app.get(GrpcTunnelServer).stop();
      app.get(WsTunnelServer).stop();
      await app.close();
      await context.dataSource.destroy().catch(() => undefined);
      await database.close();
    })());
  return { app, httpPort, grpcPort, databaseUrl: database.url, logger, close };
}
