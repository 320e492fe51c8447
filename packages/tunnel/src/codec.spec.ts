import { expect } from 'chai';
import { decodeAgentFrame, decodeRelayFrame, encodeAgentFrame, encodeRelayFrame } from './codec.js';
import { streamWindowBytes } from './protocol.js';
import type { AgentFrame, RelayFrame } from './frames.js';
import { TunnelError } from './tunnel-error.js';

const LIMIT = 1024 * 1024;

describe('tunnel codec', () => {
  it('round-trips a command with its typed body', () => {
    const frame: RelayFrame = {
      kind: 'command',
      command: { id: 7, deadline_ms: 5000, correlation_id: 'c-1', body: 'echo', echo: { payload: Buffer.from('hi'), size: 0, delay_ms: 3 } },
    };
    const decoded = decodeRelayFrame(encodeRelayFrame(frame), LIMIT);
    expect(decoded.kind).to.equal('command');
    if (decoded.kind !== 'command') return;
    expect(decoded.command.id).to.equal(7);
    expect(decoded.command.body).to.equal('echo');
    if (decoded.command.body !== 'echo') return;
    expect(decoded.command.echo.payload.toString()).to.equal('hi');
    expect(decoded.command.echo.delay_ms).to.equal(3);
  });

  it('round-trips a hello and keeps uint64 clocks exact as strings', () => {
    const hello: AgentFrame = {
      kind: 'hello',
      hello: {
        agent_id: 'a1',
        agent_version: '0.1.0',
        protocol_version: 1,
        capabilities: ['ping'],
        profiles: [{ name: 'PRD', kind: 'sap-rfc' }],
        transport: 'TRANSPORT_WEBSOCKET',
        hostname: 'h',
      },
    };
    const decoded = decodeAgentFrame(encodeAgentFrame(hello), LIMIT);
    expect(decoded).to.deep.include({ kind: 'hello' });
    if (decoded.kind !== 'hello') return;
    expect(decoded.hello.profiles).to.deep.equal([{ name: 'PRD', kind: 'sap-rfc' }]);
    expect(decoded.hello.transport).to.equal('TRANSPORT_WEBSOCKET');

    const hb = decodeRelayFrame(
      encodeRelayFrame({ kind: 'heartbeat', heartbeat: { sent_at_ms: '1790000000123', echo_sent_at_ms: '0', in_flight: 2, echo_held_ms: 0 } }),
      LIMIT,
    );
    expect(hb.kind === 'heartbeat' && hb.heartbeat.sent_at_ms).to.equal('1790000000123');
  });

  it('carries a typed error in a result', () => {
    const frame: AgentFrame = {
      kind: 'result',
      result: {
        command_id: 3,
        error: { code: 'POLICY_DENIED', retryable: false, message: 'table USR02 is not readable', detail: { rule: 'tables' }, retry_after_ms: 0 },
      },
    };
    const decoded = decodeAgentFrame(encodeAgentFrame(frame), LIMIT);
    if (decoded.kind !== 'result') throw new Error('wrong kind');
    expect(decoded.result.body).to.equal(undefined);
    expect(decoded.result.error?.code).to.equal('POLICY_DENIED');
    expect(decoded.result.error?.detail).to.deep.equal({ rule: 'tables' });
  });

  it('refuses a frame over the size limit before decoding it', () => {
    const bytes = encodeAgentFrame({ kind: 'result_chunk', result_chunk: { command_id: 1, seq: 0, data: Buffer.alloc(2048) } });
    expect(() => decodeAgentFrame(bytes, 1024))
      .to.throw(TunnelError)
      .with.property('code', 'FRAME_TOO_LARGE');
  });

  it('refuses malformed and empty frames with PROTOCOL_VIOLATION', () => {
    for (const bytes of [Buffer.from([0xff, 0xff, 0xff]), Buffer.alloc(0), Buffer.from([0x0a, 0x50, 0x01])]) {
      expect(() => decodeAgentFrame(bytes, LIMIT))
        .to.throw(TunnelError)
        .with.property('code', 'PROTOCOL_VIOLATION');
    }
  });

  it("carries a command's own stream window; without one the agent reads 0 and keeps the session's", () => {
    const asked = decodeRelayFrame(encodeRelayFrame({ kind: 'command', command: { id: 1, deadline_ms: 1, correlation_id: '', stream_window_bytes: 512 * 1024, body: 'ping', ping: {} } }), LIMIT);
    const plain = decodeRelayFrame(encodeRelayFrame({ kind: 'command', command: { id: 2, deadline_ms: 1, correlation_id: '', body: 'ping', ping: {} } }), LIMIT);
    if (asked.kind !== 'command' || plain.kind !== 'command') throw new Error('expected commands');
    expect(streamWindowBytes(8 * 1024 * 1024, asked.command.stream_window_bytes)).to.equal(512 * 1024);
    expect(streamWindowBytes(8 * 1024 * 1024, plain.command.stream_window_bytes)).to.equal(8 * 1024 * 1024);
    expect(streamWindowBytes(64 * 1024, asked.command.stream_window_bytes), 'never more than the session allows').to.equal(64 * 1024);
  });
});
