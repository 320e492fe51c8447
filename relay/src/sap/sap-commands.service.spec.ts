import { TunnelError, type CommandBody, type ResultBody } from '@mlc/tunnel';
import { expect } from 'chai';
import type { AgentChannel } from '../tunnel/agent-channel.service.js';
import { SapCommands } from './sap-commands.service.js';

/** An AgentChannel that fails with the given errors, then answers rfc_call. */
function channelFailing(errors: TunnelError[]): { channel: AgentChannel; calls: CommandBody[] } {
  const calls: CommandBody[] = [];
  const channel = {
    call: async (_agentId: string, body: CommandBody): Promise<ResultBody> => {
      calls.push(body);
      const error = errors.shift();
      if (error) throw error;
      return { body: 'rfc_call', rfc_call: { result_json: '{"ECHOTEXT":"hi"}' } };
    },
  } as unknown as AgentChannel;
  return { channel, calls };
}

describe('SapCommands', () => {
  it('retries retryable failures with backoff, then returns the parsed result', async () => {
    const { channel, calls } = channelFailing([new TunnelError('UNAVAILABLE', 'RFC_COMMUNICATION_FAILURE'), new TunnelError('AGENT_OFFLINE', 'reconnecting')]);
    const result = await new SapCommands(channel).rfcCall('a', 'PRD', 'STFC_CONNECTION', { REQUTEXT: 'hi' }, { minBackoffMs: 1 });
    expect(result).to.deep.equal({ ECHOTEXT: 'hi' });
    expect(calls).to.have.length(3);
    expect(calls[0]).to.deep.equal({ body: 'rfc_call', rfc_call: { profile: 'PRD', function_module: 'STFC_CONNECTION', params_json: '{"REQUTEXT":"hi"}' } });
  });

  it('never retries a business error, a policy denial or a non-retryable failure', async () => {
    for (const error of [new TunnelError('BUSINESS_ERROR', 'E ME 006'), new TunnelError('POLICY_DENIED', 'USR02'), new TunnelError('UNAVAILABLE', 'logon failed', { retryable: false })]) {
      const { channel, calls } = channelFailing([error]);
      const caught = await new SapCommands(channel).rfcCall('a', 'PRD', 'X', {}, { minBackoffMs: 1 }).then(() => undefined, (err: unknown) => err);
      expect(caught).to.equal(error);
      expect(calls).to.have.length(1);
    }
  });

  it('gives up after its retries with the last error', async () => {
    const { channel, calls } = channelFailing([1, 2, 3].map((i) => new TunnelError('UNAVAILABLE', `down ${i}`)));
    const caught = await new SapCommands(channel).rfcCall('a', 'PRD', 'X', {}, { minBackoffMs: 1, retries: 2 }).then(() => undefined, (err: unknown) => err);
    expect((caught as TunnelError).message).to.equal('down 3');
    expect(calls).to.have.length(3);
  });
});
