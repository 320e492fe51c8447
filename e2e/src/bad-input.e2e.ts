import { expect } from 'chai';
import { randomBytes, randomUUID, createPrivateKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeAgentFrame, generateAgentKeyPair, signChallenge, type AgentFrame, type RelayFrame } from '@mlc/tunnel';
import { message } from './harness/log-lines.js';
import { enrollAgent, startAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { grpcClient, rawGrpc, rawWs, type RawTunnel } from './harness/raw-tunnel.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

const MAX_FRAME = 64 * 1024;

function hello(agentId: string): AgentFrame {
  return {
    kind: 'hello',
    hello: { agent_id: agentId, agent_version: 'raw', protocol_version: 1, capabilities: ['ping'], profiles: [], transport: 'TRANSPORT_GRPC', hostname: 'raw' },
  };
}

function refusal(frame: RelayFrame): string | undefined {
  return frame.kind === 'error' ? frame.error.code : undefined;
}

describe('what bad input gets', () => {
  let relay: RelayProcess;
  let tenant: { id: string };
  const agents: AgentProcess[] = [];
  const transports: Array<[string, (relay: RelayProcess) => RawTunnel]> = [
    ['gRPC', (r) => rawGrpc(grpcClient(r.grpcPort))],
    ['WebSocket', (r) => rawWs(r.httpPort)],
  ];

  before(async () => {
    relay = await startRelay({ env: { RELAY_MAX_FRAME_BYTES: String(MAX_FRAME), LOG_LEVEL: 'info' } });
    tenant = await createTenant('bad-input');
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await relay.stop();
  });

  it('an agent unknown to the relay stops with a clear message', async () => {
    const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const configFile = join(home, 'agent.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { agentId: string };
    config.agentId = randomUUID();
    await writeFile(configFile, JSON.stringify(config));
    const agent = startAgent(home);
    const { code } = await agent.exited;
    expect(code).to.equal(78);
    expect(agent.logs.find(message('relay refused this agent'))?.msg).to.match(/not enrolled/);
    await relay.logs.waitFor((l) => l.msg === 'tunnel session refused' && l['agent'] === config.agentId, 5_000, 'the relay to log the refusal');
  });

  it('a wrong key is refused, and so is a revoked agent, even mid-session', async () => {
    const wrongKey = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    await writeFile(join(wrongKey.home, 'agent.key'), generateAgentKeyPair().privateKeyPem, { mode: 0o600 });
    const impostor = startAgent(wrongKey.home);
    expect((await impostor.exited).code).to.equal(78);
    expect(impostor.logs.find(message('relay refused this agent'))?.msg).to.match(/key proof does not match/);

    const revoked = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(revoked.home);
    expect((await relay.admin('POST', `/v1/agents/${revoked.agentId}/revoke`)).status).to.equal(200);
    expect((await agent.exited).code).to.equal(78);
    expect(agent.logs.find(message('relay refused this agent'))?.msg).to.match(/revoked/);
    const again = startAgent(revoked.home);
    expect((await again.exited).code).to.equal(78);
  });

  it('a replayed challenge answer is refused', async () => {
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const key = createPrivateKey(await readFile(join(home, 'agent.key'), 'utf8'));
    const first = rawGrpc(grpcClient(relay.grpcPort));
    first.send(hello(agentId));
    const challenge = await first.nextFrame();
    if (challenge.kind !== 'auth_challenge') throw new Error(`expected a challenge, got ${challenge.kind}`);
    const proof = signChallenge(key, agentId, challenge.auth_challenge.nonce);
    first.send({ kind: 'auth_proof', auth_proof: { signature: proof } });
    expect((await first.nextFrame()).kind).to.equal('welcome');
    first.end();

    const second = rawWs(relay.httpPort);
    second.send(hello(agentId));
    expect((await second.nextFrame()).kind).to.equal('auth_challenge');
    second.send({ kind: 'auth_proof', auth_proof: { signature: proof } });
    expect(refusal(await second.nextFrame())).to.equal('UNAUTHENTICATED');
    await second.closed;
  });

  for (const [name, open] of transports) {
    it(`refuses a frame over the size limit over ${name}`, async () => {
      const tunnel = open(relay);
      tunnel.sendBytes(encodeAgentFrame({ kind: 'heartbeat', heartbeat: { sent_at_ms: '1', echo_sent_at_ms: '0', in_flight: 0, echo_held_ms: 0 } }));
      tunnel.send({ kind: 'result_chunk', result_chunk: { command_id: 1, seq: 0, data: Buffer.alloc(MAX_FRAME + 100) } });
      const frame = await tunnel.nextFrame();
      // The first frame (a heartbeat before hello) is itself a violation; either refusal closes the session.
      expect(refusal(frame)).to.be.oneOf(['FRAME_TOO_LARGE', 'PROTOCOL_VIOLATION']);
      await tunnel.closed;

      const big = open(relay);
      big.sendBytes(Buffer.concat([encodeAgentFrame(hello(randomUUID())), Buffer.alloc(MAX_FRAME)]));
      expect(refusal(await big.nextFrame())).to.equal('FRAME_TOO_LARGE');
      await big.closed;
    });

    it(`survives 10,000 random and mutated frames over ${name}`, async function () {
      this.timeout(300_000);
      const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
      const bystander = await startConnectedAgent(home);
      agents.push(bystander);
      const seeds = seedFrames(agentId);
      let sent = 0;
      const batch = 50;
      for (let i = 0; i < 10_000; i += batch) {
        await Promise.all(
          Array.from({ length: batch }, async (_, j) => {
            const tunnel = open(relay);
            tunnel.sendBytes(fuzzFrame(seeds, i + j));
            tunnel.end();
            await Promise.race([tunnel.closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
            sent += 1;
          }),
        );
      }
      expect(sent).to.equal(10_000);
      expect(relay.alive).to.equal(true);
      const ready = await fetch(`${relay.httpUrl}/health/ready`);
      expect(ready.status).to.equal(200);
      const ping = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping' });
      expect(ping.status).to.equal(200);
      expect(relay.stderr.raw.join('\n')).not.to.match(/TypeError|RangeError|Unhandled|uncaught/i);
    });
  }
});

function seedFrames(agentId: string): Buffer[] {
  return [
    encodeAgentFrame(hello(agentId)),
    encodeAgentFrame(hello(randomUUID())),
    encodeAgentFrame({ kind: 'auth_proof', auth_proof: { signature: randomBytes(64) } }),
    encodeAgentFrame({ kind: 'result', result: { command_id: 7, body: 'echo', echo: { payload: randomBytes(32) } } }),
    encodeAgentFrame({ kind: 'result_chunk', result_chunk: { command_id: 3, seq: 9, data: randomBytes(100) } }),
    encodeAgentFrame({ kind: 'heartbeat', heartbeat: { sent_at_ms: '99', echo_sent_at_ms: '1', in_flight: 4, echo_held_ms: 0 } }),
  ];
}

/** Deterministic per index: random bytes, truncations, bit flips, splices and length lies. */
function fuzzFrame(seeds: Buffer[], index: number): Buffer {
  const seed = Buffer.from(seeds[index % seeds.length]);
  switch (index % 5) {
    case 0:
      return randomBytes(index % 300);
    case 1:
      return seed.subarray(0, Math.max(0, seed.length - 1 - (index % seed.length)));
    case 2: {
      for (let flips = 0; flips < 1 + (index % 4); flips += 1) seed[(index * 31 + flips * 7) % seed.length] ^= 1 << (index % 8);
      return seed;
    }
    case 3:
      return Buffer.concat([seed, randomBytes(1 + (index % 40)), seed]);
    default: {
      // A varint length claiming far more bytes than follow.
      seed[1] = 0xff;
      return seed;
    }
  }
}
