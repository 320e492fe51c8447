import { TunnelError, type CommandBody, type ResultBody } from '@mlc/tunnel';
import { expect } from 'chai';
import type { AgentChannel } from '../tunnel/agent-channel.service.js';
import { X3Commands } from './x3-commands.service.js';

/** An AgentChannel that fails with the given errors, then answers with `answer(body)`. */
function channel(errors: TunnelError[], answer: (body: CommandBody) => ResultBody): { channel: AgentChannel; calls: CommandBody[] } {
  const calls: CommandBody[] = [];
  const fake = {
    call: async (_agentId: string, body: CommandBody): Promise<ResultBody> => {
      calls.push(body);
      const error = errors.shift();
      if (error) throw error;
      return answer(body);
    },
  } as unknown as AgentChannel;
  return { channel: fake, calls };
}

const graphqlAnswer = (): ResultBody => ({ body: 'x3_graphql', x3_graphql: { data_json: '{"sage":{"ok":true}}', diagnoses_json: '[]' } });

describe('X3Commands', () => {
  it('retries no-pool, throttling and locks, then returns the data', async () => {
    const { channel: fake, calls } = channel([
      new TunnelError('UNAVAILABLE', 'No Web services accepted', { detail: { x3_error: 'no-pool' } }),
      new TunnelError('OVERLOADED', 'volume', { detail: { x3_error: 'throttled' } }),
      new TunnelError('UNAVAILABLE', 'locked', { detail: { x3_error: 'locked' } }),
    ], graphqlAnswer);
    const result = await new X3Commands(fake).graphql('a', 'X3', '{ sage { ok } }', { a: 1 }, { minBackoffMs: 1 });
    expect(result.data).to.deep.equal({ sage: { ok: true } });
    expect(calls).to.have.length(4);
    expect(calls[0]).to.deep.equal({ body: 'x3_graphql', x3_graphql: { profile: 'X3', query: '{ sage { ok } }', variables_json: '{"a":1}', operation_name: '' } });
  });

  it('never retries a business error or a policy denial', async () => {
    for (const error of [new TunnelError('BUSINESS_ERROR', 'record does not exist'), new TunnelError('POLICY_DENIED', 'mutation:x3Finance')]) {
      const { channel: fake, calls } = channel([error], graphqlAnswer);
      const caught = await new X3Commands(fake).graphql('a', 'X3', '{}', undefined, { minBackoffMs: 1 }).then(() => undefined, (err: unknown) => err);
      expect(caught).to.equal(error);
      expect(calls).to.have.length(1);
    }
  });

  it('follows $links.$next through every api1 page, and reads a missing record as undefined', async () => {
    const pages = [
      { $resources: [{ BPCNUM: 'C1' }, { BPCNUM: 'C2' }], $links: { $next: { $url: 'http://x3:8124/api1/x3/erp/SEED/BPCUSTOMER?representation=BPCUSTOMER.$query&count=2&key=gt.C2' } } },
      { $resources: [{ BPCNUM: 'C3' }] },
    ];
    const { channel: fake, calls } = channel([], (body) => {
      const status = body.body === 'http_request' && body.http_request.path.includes("('NOPE')") ? 404 : 200;
      return { body: 'http_response', http_response: { status, headers: {}, body: Buffer.from(JSON.stringify(status === 404 ? {} : pages.shift())) } };
    });
    const x3 = new X3Commands(fake);
    const seen: string[] = [];
    for await (const batch of x3.api1Query('a', 'X3', { className: 'BPCUSTOMER', folder: 'SEED', count: 2 })) seen.push(...batch.map((r) => String(r['BPCNUM'])));
    expect(seen).to.deep.equal(['C1', 'C2', 'C3']);
    expect(calls[1]).to.deep.include({ body: 'http_request' });
    expect((calls[1] as Extract<CommandBody, { body: 'http_request' }>).http_request.path).to.equal('/api1/x3/erp/SEED/BPCUSTOMER?representation=BPCUSTOMER.$query&count=2&key=gt.C2');
    expect(await x3.api1Details('a', 'X3', 'SEED', 'BPCUSTOMER', 'NOPE')).to.equal(undefined);
  });
});
