/**
 * What an X3 answer means for the caller, read from the status and the body, since X3 reports many
 * failures inside bodies (Syracuse `$diagnoses`, GraphQL `errors`, or error diagnoses beside a
 * committed result).
 */
export type X3Outcome =
  | { kind: 'ok' }
  /** The web-service pool could not take the call ("No Web services accepted"): try again later. */
  | { kind: 'no-pool'; message: string }
  /** The licence's web-service volume is exhausted (or the server is overloaded): try again later. */
  | { kind: 'throttled'; message: string }
  /** Another session holds the record's lock: try again later. */
  | { kind: 'locked'; message: string }
  /** X3 refused the request on business grounds, or saved it but reported errors: a person must look. */
  | { kind: 'business'; message: string; applied: boolean }
  /** Credentials refused even after renewing the token. */
  | { kind: 'unauthorized'; message: string }
  /** The request itself is wrong (bad GraphQL, bad where clause...). */
  | { kind: 'invalid'; message: string }
  /** Any other server failure. */
  | { kind: 'server'; message: string };

type Json = Record<string, unknown>;

const LOCK = /\block(ed)?\b|being modified by another/i;

function syracuseErrors(body: unknown): string[] {
  const list = (body as Json | undefined)?.['$diagnoses'];
  if (!Array.isArray(list)) return [];
  return list.filter((d: Json) => d['$severity'] === 'error').map((d: Json) => String(d['$message'] ?? ''));
}

function graphqlErrors(body: unknown): string[] {
  const list = (body as Json | undefined)?.['errors'];
  return Array.isArray(list) ? list.map((e: Json) => String(e['message'] ?? '')) : [];
}

function diagnosisErrors(body: unknown): string[] {
  const list = ((body as Json | undefined)?.['extensions'] as Json | undefined)?.['diagnoses'];
  return Array.isArray(list) ? list.filter((d: Json) => d['severity'] === 'error').map((d: Json) => String(d['message'] ?? '')) : [];
}

/** Classifies one answer (after the client's own 401 handling). `body` is the parsed JSON, if any. */
export function classifyX3Response(status: number, body: unknown): X3Outcome {
  const messages = [...syracuseErrors(body), ...graphqlErrors(body)];
  const message = messages.join('; ') || `HTTP ${status}`;
  if (status === 401 || status === 403) return { kind: 'unauthorized', message };
  if (status === 429 || status === 503) return { kind: 'throttled', message };
  if (status >= 500) {
    if (/no web ?services accepted|no pool/i.test(message)) return { kind: 'no-pool', message };
    // An unknown property in an api1 where clause is a 500 too: the request is at fault.
    if (/where|orderBy|unknown property/i.test(message)) return { kind: 'invalid', message };
    return { kind: 'server', message };
  }
  if (status >= 400) return { kind: status === 404 ? 'business' : 'invalid', message, ...(status === 404 ? { applied: false } : {}) } as X3Outcome;
  if (messages.length > 0) {
    if (messages.some((m) => LOCK.test(m))) return { kind: 'locked', message };
    return { kind: 'business', message, applied: false };
  }
  const afterwards = diagnosisErrors(body);
  if (afterwards.length > 0) return { kind: 'business', message: afterwards.join('; '), applied: true };
  return { kind: 'ok' };
}
