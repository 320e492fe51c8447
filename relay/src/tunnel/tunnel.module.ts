import { Module } from '@nestjs/common';
import { RelayMetrics } from '../metrics/relay-metrics.service.js';
import { AgentChannel } from './agent-channel.service.js';
import { GrpcTunnelServer } from './grpc-tunnel.server.js';
import { ReplicaRouter } from './replica-router.service.js';
import { SessionRegistry } from './session-registry.js';
import { TunnelGateway } from './tunnel-gateway.service.js';
import { WsTunnelServer } from './ws-tunnel.server.js';

/** The tunnel servers, the sessions they hold, and AgentChannel for the rest of the relay. */
@Module({
  providers: [SessionRegistry, ReplicaRouter, TunnelGateway, GrpcTunnelServer, WsTunnelServer, AgentChannel, RelayMetrics],
  exports: [SessionRegistry, ReplicaRouter, TunnelGateway, GrpcTunnelServer, WsTunnelServer, AgentChannel, RelayMetrics],
})
export class TunnelModule {}
