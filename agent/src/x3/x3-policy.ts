import { TunnelError } from '@mlc/tunnel';
import { Kind, parse, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { Logger } from 'pino';
import type { X3Policy } from '../config/x3-profile.schema.js';

export const GRAPHQL_PATH = /^\/xtrem\/api\/?$/;

/**
 * The local policy for Sage X3 profiles, the last word on what the relay may do there. Denied is the
 * default; every denial is logged here on the agent and names the rule. GraphQL is governed by
 * operation (what the document would run), never by URL, so it is refused as a raw http_request.
 */
export class X3PolicyGuard {
  constructor(private readonly policy: X3Policy) {}

  /** Answers the decoded path the request may use, or throws POLICY_DENIED / INVALID_ARGUMENT. */
  assertHttp(log: Logger, profile: string, method: string, rawPath: string): string {
    const path = decodedPath(rawPath);
    if (GRAPHQL_PATH.test(path)) {
      this.deny(log, profile, 'GraphQL goes through x3_graphql, where policy.x3.<profile>.graphql applies', { rule: 'graphql-only-via-x3_graphql', path });
    }
    const rules = this.rules(profile).http;
    const allowed = rules.some((rule) => {
      const [ruleMethod, rulePath] = rule.split(' ', 2);
      if (ruleMethod !== method) return false;
      return rulePath.endsWith('*') ? path.startsWith(rulePath.slice(0, -1)) : path === rulePath;
    });
    if (!allowed) this.deny(log, profile, `${method} ${path} is not in policy.x3.${profile}.http`, { rule: `policy.x3.${profile}.http`, method, path });
    return path;
  }

  /** Parses the document and checks every operation it would run; answers the parsed document. */
  assertGraphql(log: Logger, profile: string, query: string, operationName: string): DocumentNode {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      throw new TunnelError('INVALID_ARGUMENT', `the GraphQL document does not parse: ${(error as Error).message}`, { detail: { field: 'query' } });
    }
    const allowed = new Set(this.rules(profile).graphql);
    for (const operation of graphqlOperations(document, operationName)) {
      if (!allowed.has(operation)) this.deny(log, profile, `GraphQL ${operation} is not in policy.x3.${profile}.graphql`, { rule: `policy.x3.${profile}.graphql`, operation });
    }
    return document;
  }

  private rules(profile: string): { http: string[]; graphql: string[] } {
    return Object.hasOwn(this.policy, profile) ? this.policy[profile] : { http: [], graphql: [] };
  }

  private deny(log: Logger, profile: string, reason: string, detail: Record<string, string>): never {
    log.warn({ profile, ...detail }, `policy denied: ${reason}`);
    throw new TunnelError('POLICY_DENIED', `the agent's policy denies this: ${reason}`, { detail: { ...detail, profile } });
  }
}

/** The path without its query, percent-decoded once; "." and ".." segments are refused. */
function decodedPath(rawPath: string): string {
  if (!rawPath.startsWith('/')) throw new TunnelError('INVALID_ARGUMENT', 'path must start with "/"', { detail: { field: 'path' } });
  let path: string;
  try {
    path = decodeURIComponent(rawPath.split(/[?#]/, 1)[0]);
  } catch {
    throw new TunnelError('INVALID_ARGUMENT', 'path is not valid percent-encoding', { detail: { field: 'path' } });
  }
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) throw new TunnelError('INVALID_ARGUMENT', 'path must not contain "." or ".." segments', { detail: { field: 'path' } });
  return path;
}

/**
 * The operations a document runs, as policy names: "query:<module>.<node>" for each field two levels
 * under `sage`, "mutation:<module>.<node>.<action>" three levels under. Fragments at those levels
 * would hide what runs, so they are refused; anything outside `sage` is named as it is.
 */
export function graphqlOperations(document: DocumentNode, operationName = ''): string[] {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  if (operations.length === 0) throw new TunnelError('INVALID_ARGUMENT', 'the document has no operation to run', { detail: { field: 'query' } });
  const names: string[] = [];
  for (const operation of operations) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operation.operation === 'subscription') throw new TunnelError('INVALID_ARGUMENT', 'subscriptions are not supported', { detail: { field: 'query' } });
    const depth = operation.operation === 'mutation' ? 3 : 2;
    for (const root of fields(operation.selectionSet)) {
      if (root.name.value === '__typename') continue;
      if (root.name.value !== 'sage') {
        names.push(`${operation.operation}:${root.name.value}`);
        continue;
      }
      for (const path of paths(root.selectionSet, depth)) names.push(`${operation.operation}:${path.join('.')}`);
    }
  }
  return names;
}

function fields(selectionSet: SelectionSetNode | undefined): FieldNode[] {
  return (selectionSet?.selections ?? []).map((selection) => {
    if (selection.kind !== Kind.FIELD) throw new TunnelError('INVALID_ARGUMENT', 'fragments are not allowed above the operation level under sage', { detail: { field: 'query' } });
    return selection;
  });
}

function paths(selectionSet: SelectionSetNode | undefined, depth: number): string[][] {
  if (depth === 0) return [[]];
  const children = fields(selectionSet).filter((field) => field.name.value !== '__typename');
  if (children.length === 0) return [[]];
  return children.flatMap((field) => paths(depth > 1 ? field.selectionSet : undefined, depth - 1).map((rest) => [field.name.value, ...rest]));
}
