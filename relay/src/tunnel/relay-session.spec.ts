import { expect } from 'chai';
import { createPrivateKey } from 'node:crypto';
import { TunnelError, decodeRelayFrame, encodeAgentFrame, generateAgentKeyPair, signChallenge, type AgentFrame, type ByteChannel, type RelayFrame } from '@mlc/tunnel';
import { createLogger } from '../common/logger.js';
import { channelPair } from '../testing/channel-pair.js';
import { RelaySession, type AgentCredentials } from './relay-session.js';

const AGENT_ID = '11111111-2222-4333-8444-555555555555';
const keys = generateAgentKeyPair();
const privateKey = createPrivateKey(keys.privateKeyPem);
const LIMITS = { max_frame_bytes: 1024 * 1024, max_in_flight: 8, stream_window_bytes: 64 * 1024, max_chunk_bytes: 16 * 1024 };

/** The agent's end, driven by hand. */
class FakeAgent {
  readonly frames: RelayFrame[] = [];
  private waiters: Array<(f: RelayFrame) => void> = [];
  closedWith: string | undefined;

  constructor(readonly channel: ByteChannel) {
    channel.onMessage((m) => {
      const frame = decodeRelayFrame(m, 64 * 1024 * 1024);
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
    channel.onClose((reason) => (this.closedWith = reason));
  }

  send(frame: AgentFrame): void {
    this.channel.write(encodeAgentFrame(frame));
  }

  next(): Promise<RelayFrame> {
    const queued = this.frames.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiters.push(resolve));
  }

  async handshake(signWith = privateKey): Promise<RelayFrame> {
    this.send({ kind: 'hello', hello: { agent_id: AGENT_ID, agent_version: 't', protocol_version: 1, capabilities: [], profiles: [], transport: 'TRANSPORT_GRPC', hostname: 'h' } });
    const challenge = await this.next();
    if (challenge.kind !== 'auth_challenge') return challenge;
    this.send({ kind: 'auth_proof', auth_proof: { signature: signChallenge(signWith, AGENT_ID, challenge.auth_challenge.nonce) } });
    return this.next();
  }
}

function setup(agent: Partial<AgentCredentials> | null = {}): { session: RelaySession; fake: FakeAgent; opened: RelaySession[]; closed: string[] } {
  const [relayEnd, agentEnd] = channelPair();
  const opened: RelaySession[] = [];
  const closed: string[] = [];
  const credentials = agent && { id: AGENT_ID, tenantId: 't1', groupName: 'g', publicKey: keys.publicKeyPem, revokedAt: null, ...agent };
  const session = new RelaySession(
    relayEnd,
    'TRANSPORT_GRPC',
    { heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 120_000, limits: LIMITS },
    { findAgent: async () => credentials, onOpen: (s) => opened.push(s), onClose: (_s, reason) => closed.push(reason) },
    createLogger('silent'),
  );
  return { session, fake: new FakeAgent(agentEnd), opened, closed };
}

describe('RelaySession', () => {
  it('opens after a valid key proof and announces its limits', async () => {
    const { fake, opened, session } = setup();
    const welcome = await fake.handshake();
    expect(welcome.kind).to.equal('welcome');
    if (welcome.kind === 'welcome') expect(welcome.welcome.limits).to.deep.equal(LIMITS);
    expect(opened).to.deep.equal([session]);
    expect(session.accepting).to.equal(true);
  });

  it('refuses a proof made with another key, an unknown agent and a revoked agent', async () => {
    const wrong = setup();
    const refusal = await wrong.fake.handshake(createPrivateKey(generateAgentKeyPair().privateKeyPem));
    expect(refusal.kind === 'error' && refusal.error.code).to.equal('UNAUTHENTICATED');
    expect(wrong.opened).to.have.length(0);

    const unknown = setup(null);
    const unknownRefusal = await unknown.fake.handshake();
    expect(unknownRefusal.kind === 'error' && unknownRefusal.error.message).to.match(/not enrolled/);

    const revoked = setup({ revokedAt: new Date('2026-01-01T00:00:00Z') });
    const revokedRefusal = await revoked.fake.handshake();
    expect(revokedRefusal.kind === 'error' && revokedRefusal.error.code).to.equal('AGENT_REVOKED');
  });

  it('refuses any frame but hello first', async () => {
    const { fake } = setup();
    fake.send({ kind: 'heartbeat', heartbeat: { sent_at_ms: '1', echo_sent_at_ms: '0', in_flight: 0, echo_held_ms: 0 } });
    const refusal = await fake.next();
    expect(refusal.kind === 'error' && refusal.error.code).to.equal('PROTOCOL_VIOLATION');
  });

  it('matches concurrent results to their commands by id', async () => {
    const { fake, session } = setup();
    await fake.handshake();
    const first = session.call({ body: 'echo', echo: { payload: Buffer.from('one'), size: 0, delay_ms: 0 } }, { deadlineMs: 5_000 });
    const second = session.call({ body: 'echo', echo: { payload: Buffer.from('two'), size: 0, delay_ms: 0 } }, { deadlineMs: 5_000 });
    const [a, b] = [await fake.next(), await fake.next()];
    if (a.kind !== 'command' || b.kind !== 'command' || a.command.body !== 'echo' || b.command.body !== 'echo') throw new Error('expected two echo commands');
    // Answer out of order.
    fake.send({ kind: 'result', result: { command_id: b.command.id, body: 'echo', echo: { payload: b.command.echo.payload } } });
    fake.send({ kind: 'result', result: { command_id: a.command.id, body: 'echo', echo: { payload: a.command.echo.payload } } });
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1.body === 'echo' && r1.echo.payload.toString()).to.equal('one');
    expect(r2.body === 'echo' && r2.echo.payload.toString()).to.equal('two');
  });

  it('times a command out, tells the agent to cancel it, and drops the late answer', async () => {
    const { fake, session } = setup();
    await fake.handshake();
    const call = session.call({ body: 'ping', ping: {} }, { deadlineMs: 30 });
    const command = await fake.next();
    const error = await call.then(() => undefined, (err: unknown) => err);
    expect(error).to.be.instanceOf(TunnelError).with.property('code', 'DEADLINE_EXCEEDED');
    const cancel = await fake.next();
    expect(cancel.kind === 'cancel' && command.kind === 'command' && cancel.cancel.command_id === command.command.id).to.equal(true);
    expect(session.inFlight).to.equal(0);
  });

  it('streams chunks in order and grants credit back as they are consumed', async () => {
    const { fake, session } = setup();
    await fake.handshake();
    const stream = session.stream({ body: 'echo_stream', echo_stream: { chunks: 8, chunk_size: 16 * 1024, delay_ms: 0 } }, { deadlineMs: 5_000 });
    const command = await fake.next();
    if (command.kind !== 'command') throw new Error('expected a command');
    const id = command.command.id;
    for (let seq = 0; seq < 4; seq += 1) fake.send({ kind: 'result_chunk', result_chunk: { command_id: id, seq, data: Buffer.alloc(16 * 1024, seq) } });
    const received: number[] = [];
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 4; i += 1) received.push(((await iterator.next()).value as Buffer)[0]);
    expect(received).to.deep.equal([0, 1, 2, 3]);
    const credit = await fake.next();
    expect(credit.kind === 'stream_credit' && credit.stream_credit.command_id).to.equal(id);
    fake.send({ kind: 'result', result: { command_id: id, body: 'stream_end', stream_end: { chunks: 4, bytes: String(4 * 16 * 1024) } } });
    expect((await iterator.next()).done).to.equal(true);
    expect((await stream.end).chunks).to.equal(4);
  });

  it('asks for a smaller window for a stream read slowly on purpose, and grants credit by it', async () => {
    const { fake, session } = setup();
    await fake.handshake();
    const stream = session.stream({ body: 'echo_stream', echo_stream: { chunks: 2, chunk_size: 8 * 1024, delay_ms: 0 } }, { deadlineMs: 5_000, streamWindowBytes: 16 * 1024 });
    const command = await fake.next();
    if (command.kind !== 'command') throw new Error('expected a command');
    expect(command.command.stream_window_bytes, 'the agent is told').to.equal(16 * 1024);
    const id = command.command.id;
    fake.send({ kind: 'result_chunk', result_chunk: { command_id: id, seq: 0, data: Buffer.alloc(8 * 1024) } });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const credit = await fake.next();
    expect(credit.kind === 'stream_credit' && credit.stream_credit.bytes, 'a quarter of 16 KiB is due after one 8 KiB chunk (of 64 KiB it would not be)').to.equal(8 * 1024);
    fake.send({ kind: 'result', result: { command_id: id, body: 'stream_end', stream_end: { chunks: 1, bytes: String(8 * 1024) } } });
    expect((await iterator.next()).done).to.equal(true);
  });

  it('fails in-flight commands as maybe-executed when the agent disconnects', async () => {
    const { fake, session, closed } = setup();
    await fake.handshake();
    const call = session.call({ body: 'ping', ping: {} }, { deadlineMs: 5_000 });
    await fake.next();
    fake.channel.close('agent went away');
    const error = (await call.then(() => undefined, (err: unknown) => err)) as TunnelError;
    expect(error.code).to.equal('UNAVAILABLE');
    expect(error.retryable).to.equal(true);
    expect(error.detail).to.deep.equal({ maybe_executed: 'true' });
    expect(closed).to.have.length(1);
  });

  it('answers OVERLOADED at once past max_in_flight', async () => {
    const { fake, session } = setup();
    await fake.handshake();
    const calls = Array.from({ length: LIMITS.max_in_flight }, () => session.call({ body: 'ping', ping: {} }, { deadlineMs: 5_000 }).catch(() => undefined));
    const extra = await session.call({ body: 'ping', ping: {} }, { deadlineMs: 5_000 }).then(() => undefined, (err: unknown) => err);
    expect(extra).to.be.instanceOf(TunnelError).with.property('code', 'OVERLOADED');
    fake.channel.close('done');
    await Promise.all(calls);
  });
});
