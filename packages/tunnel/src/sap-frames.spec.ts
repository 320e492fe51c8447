import { expect } from 'chai';
import { decodeAgentFrame, decodeRelayFrame, encodeAgentFrame, encodeRelayFrame } from './codec.js';
import type { AgentFrame, RelayFrame } from './frames.js';

const LIMIT = 1024 * 1024;

// The SAP command and result bodies must survive the codec exactly as frames.ts types them.
describe('tunnel codec: SAP command and result bodies', () => {
  const commands: RelayFrame[] = [
    { kind: 'command', command: { id: 1, deadline_ms: 1000, correlation_id: 'c', stream_window_bytes: 0, body: 'rfc_call', rfc_call: { profile: 'PRD', function_module: 'BAPI_PO_GETDETAIL1', params_json: '{"PURCHASEORDER":"4500000001"}' } } },
    {
      kind: 'command',
      command: { id: 2, deadline_ms: 1000, correlation_id: '', stream_window_bytes: 0, body: 'rfc_transaction', rfc_transaction: { profile: 'PRD', calls: [{ function_module: 'BAPI_PO_CREATE1', params_json: '{}' }, { function_module: 'Z_X', params_json: '' }] } },
    },
    {
      kind: 'command',
      command: {
        id: 3, deadline_ms: 1000, correlation_id: '', stream_window_bytes: 512 * 1024, body: 'rfc_read_table',
        rfc_read_table: { profile: 'PRD', table: 'KNA1', fields: ['KUNNR', 'NAME1'], key_fields: ['KUNNR'], where: "LAND1 = 'DE'", alpha_fields: ['KUNNR'], max_rows: 10, page_size: 5 },
      },
    },
  ];

  for (const frame of commands) {
    it(`round-trips a ${frame.kind === 'command' ? frame.command.body : ''} command`, () => {
      expect(decodeRelayFrame(encodeRelayFrame(frame), LIMIT)).to.deep.equal(frame);
    });
  }

  it('round-trips rfc_call and rfc_transaction results', () => {
    const results: AgentFrame[] = [
      { kind: 'result', result: { command_id: 1, error: null, body: 'rfc_call', rfc_call: { result_json: '{"A":1}' } } },
      { kind: 'result', result: { command_id: 2, error: null, body: 'rfc_transaction', rfc_transaction: { calls: [{ function_module: 'BAPI_PO_CREATE1', exports_json: '{}', return_json: '[]' }], commit_return_json: '[]' } } },
    ];
    for (const frame of results) {
      const decoded = decodeAgentFrame(encodeAgentFrame(frame), LIMIT);
      expect(decoded.kind).to.equal('result');
      if (decoded.kind !== 'result' || frame.kind !== 'result') return;
      expect(decoded.result.body).to.equal(frame.result.body);
      expect(decoded.result).to.deep.include({ [String(frame.result.body)]: (frame.result as Record<string, unknown>)[String(frame.result.body)] });
    }
  });
});
