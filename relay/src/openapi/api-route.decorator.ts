import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const API_ROUTE = Symbol('mlc:api-route');

/** What a route's handler signature cannot tell the OpenAPI document: its purpose and its schemas. */
export interface ApiRouteDoc {
  summary: string;
  description?: string;
  /** The zod schema the handler parses its body with (the same object, so the two cannot drift). */
  body?: z.ZodType;
  /** The zod schema of a success answer. */
  response?: z.ZodType;
  query?: z.ZodObject;
}

/** Documents a route for GET /api/openapi.json; path, method, parameters and auth come from Nest itself. */
export const ApiRoute = (doc: ApiRouteDoc): MethodDecorator => SetMetadata(API_ROUTE, doc);
