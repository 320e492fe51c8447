import { expect } from 'chai';
import { decodeAgentFrame, decodeRelayFrame, encodeAgentFrame, encodeRelayFrame } from './codec.js';
import type { AgentFrame, RelayFrame } from './frames.js';

const LIMIT = 1024 * 1024;

// The ERP HTTP and X3 GraphQL bodies must survive the codec exactly as frames.ts types them.
describe('tunnel codec: http_request and x3_graphql', () => {
  it('round-trips both commands', () => {
    const frames: RelayFrame[] = [
      {
        kind: 'command',
        command: {
          id: 7, deadline_ms: 5000, correlation_id: 'c-1', stream_window_bytes: 0, body: 'http_request',
          http_request: { profile: 'X3-PROD', method: 'GET', path: '/api1/x3/erp/SEED/BPCUSTOMER?representation=BPCUSTOMER.$query', headers: { accept: 'application/json' }, body: Buffer.alloc(0) },
        },
      },
      {
        kind: 'command',
        command: { id: 8, deadline_ms: 5000, correlation_id: '', stream_window_bytes: 0, body: 'x3_graphql', x3_graphql: { profile: 'X3-PROD', query: '{ sage { x3Sales { salesOrder { totalCount } } } }', variables_json: '{"a":1}', operation_name: '' } },
      },
    ];
    for (const frame of frames) expect(decodeRelayFrame(encodeRelayFrame(frame), LIMIT)).to.deep.equal(frame);
  });

  it('round-trips both results', () => {
    const frames: AgentFrame[] = [
      { kind: 'result', result: { command_id: 7, error: null, body: 'http_response', http_response: { status: 404, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') } } },
      { kind: 'result', result: { command_id: 8, error: null, body: 'x3_graphql', x3_graphql: { data_json: '{"sage":{}}', diagnoses_json: '[]' } } },
    ];
    for (const frame of frames) {
      const decoded = decodeAgentFrame(encodeAgentFrame(frame), LIMIT);
      if (decoded.kind !== 'result' || frame.kind !== 'result') throw new Error('not a result');
      expect(decoded.result.body).to.equal(frame.result.body);
      const key = String(frame.result.body);
      expect((decoded.result as Record<string, unknown>)[key]).to.deep.equal((frame.result as Record<string, unknown>)[key]);
    }
  });
});
