import { execute, GraphQLError, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { mutationRoot, rootValue, schema, type GraphqlContext } from './graphql.schema.js';
import { x3Error, type JsonObject, type JsonValue } from './http-kit.js';

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export function readGraphqlRequest(body: JsonObject): GraphqlRequest {
  if (typeof body['query'] !== 'string') throw x3Error(400, 'body.query must be a GraphQL document');
  const variables = body['variables'];
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) throw x3Error(400, 'body.variables must be an object');
  return { query: body['query'], variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: typeof body['operationName'] === 'string' ? body['operationName'] : undefined };
}

/** Parses, validates and runs one request; GraphQL errors come back in the body with HTTP 200, as usual. */
export async function runGraphql(request: GraphqlRequest, context: GraphqlContext): Promise<{ status: number; body: JsonObject }> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return { status: 400, body: { errors: [(error as GraphQLError).toJSON() as unknown as JsonValue] } };
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { status: 400, body: { errors: invalid.map((e) => e.toJSON() as unknown as JsonValue) } };
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (!request.operationName || d.name?.value === request.operationName));
  const result = await execute({
    schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName,
    rootValue: operation?.operation === 'mutation' ? mutationRoot : rootValue,
  });
  const body = JSON.parse(JSON.stringify(result)) as JsonObject;
  if (context.diagnoses.length > 0) body['extensions'] = { ...((body['extensions'] as JsonObject | undefined) ?? {}), diagnoses: context.diagnoses };
  return { status: 200, body };
}
