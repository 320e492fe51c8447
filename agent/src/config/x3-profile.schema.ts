import { z } from 'zod';

const PROFILE_NAME = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64');
/** `mlc-enc:v1:...` from `mlc-agent secret encrypt`. */
const encrypted = z.string().min(1);

const basicAuth = z.object({ mode: z.literal('basic'), user: z.string().min(1), password: encrypted }).strict();

/**
 * A connected application (Administration > Authentication > Connected applications): the agent
 * signs HS256 JWTs with its secret, for its allowed user, valid `lifetimeSeconds` (the app's
 * "tokens validity"; 300 unless the customer set another).
 */
const jwtAuth = z
  .object({
    mode: z.literal('jwt'),
    clientId: z.string().min(1),
    user: z.string().min(1),
    secret: encrypted,
    lifetimeSeconds: z.number().int().min(30).max(86_400).default(300),
    /** The application's URL (the JWT audience); default {server}:{port}/xtrem/api. */
    audience: z.url().optional(),
  })
  .strict();

/** Sage's token API: the refresh token (30 days) from pairing; the 5-minute access tokens are the agent's to get. */
const oauthAuth = z
  .object({
    mode: z.literal('oauth'),
    clientId: z.string().min(1),
    clientSecret: encrypted,
    refreshToken: encrypted,
    /** Default {server}:{port}/v1/token. */
    tokenUrl: z.url().optional(),
  })
  .strict();

/**
 * A Sage X3 server and folder the agent can reach over HTTP. The relay knows it only by `name`;
 * server, credentials and tokens stay here. `auth` is used for GraphQL (and for api1 unless `api1`
 * gives Basic credentials of its own: api1 takes Basic auth only).
 */
export const sageX3ProfileSchema = z
  .object({
    name: PROFILE_NAME,
    kind: z.literal('sage-x3'),
    /** Scheme and host, e.g. https://x3.example.local */
    server: z.url().refine((url) => /^https?:\/\/[^/]+\/?$/.test(url), 'scheme and host only, e.g. https://x3.example.local (the port and folder have their own fields)'),
    port: z.number().int().min(1).max(65_535),
    /** The X3 folder (api1 endpoint and x-xtrem-endpoint), e.g. SEED. */
    folder: z.string().regex(/^[A-Za-z0-9_]{1,30}$/, 'an X3 folder name'),
    auth: z.discriminatedUnion('mode', [basicAuth, jwtAuth, oauthAuth]),
    api1: basicAuth.omit({ mode: true }).strict().optional(),
    /** Requests to this server at once; more wait their turn. */
    maxConcurrent: z.number().int().min(1).max(64).default(8),
    requestTimeoutSeconds: z.number().int().min(1).max(600).default(60),
  })
  .strict();

export type SageX3Profile = z.infer<typeof sageX3ProfileSchema>;

const HTTP_RULE = /^(GET|POST|PUT|PATCH|DELETE) \/[^\s?#]*\*?$/;
const GRAPHQL_RULE = /^(query:[A-Za-z0-9_]+\.[A-Za-z0-9_]+|mutation:[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+)$/;

/**
 * Per sage-x3 profile: `http` rules "METHOD /path" (exact) or "METHOD /prefix*" for http_request,
 * matched on the decoded path without its query; `graphql` operations for x3_graphql, as
 * "query:x3BusinessPartners.customer" or "mutation:x3Sales.salesOrder.create" (under `sage`).
 */
export const x3PolicySchema = z.record(
  PROFILE_NAME,
  z
    .object({
      http: z.array(z.string().regex(HTTP_RULE, 'METHOD /path or METHOD /prefix*, e.g. "GET /api1/x3/erp/SEED/BPCUSTOMER*"')).default([]),
      graphql: z.array(z.string().regex(GRAPHQL_RULE, 'query:module.node or mutation:module.node.action')).default([]),
    })
    .strict(),
);

export type X3Policy = z.infer<typeof x3PolicySchema>;
