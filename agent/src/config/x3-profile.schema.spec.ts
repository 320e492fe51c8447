import { expect } from 'chai';
import { policySchema, profilesSchema } from './sap-profile.schema.js';

const JWT_PROFILE = {
  name: 'X3-PROD', kind: 'sage-x3', server: 'https://x3.example.local', port: 8124, folder: 'SEED',
  auth: { mode: 'jwt', clientId: 'mlc', user: 'API_USER', secret: 'mlc-enc:v1:x' },
};

describe('agent.json Sage X3 profiles and policy', () => {
  it('reads a sage-x3 profile beside sap-rfc ones, with defaults', () => {
    const [profile] = profilesSchema.parse([JWT_PROFILE]);
    expect(profile).to.deep.include({ kind: 'sage-x3', maxConcurrent: 8, requestTimeoutSeconds: 60 });
    expect(profile.kind === 'sage-x3' && profile.auth.mode === 'jwt' && profile.auth.lifetimeSeconds).to.equal(300);
  });

  it('refuses a server with a path, an unknown auth mode and a policy rule it cannot read, naming the field', () => {
    const issues = (value: unknown): string[] => profilesSchema.safeParse(value).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(issues([{ ...JWT_PROFILE, server: 'https://x3.example.local/api1' }])).to.deep.equal(['0.server']);
    expect(issues([{ ...JWT_PROFILE, auth: { mode: 'saml' } }])).to.deep.equal(['0.auth.mode']);
    const policy = policySchema.safeParse({ x3: { 'X3-PROD': { http: ['GET api1'], graphql: ['mutation:x3Sales.salesOrder'] } } });
    expect(policy.error?.issues.map((i) => i.path.join('.'))).to.deep.equal(['x3.X3-PROD.http.0', 'x3.X3-PROD.graphql.0']);
  });
});
