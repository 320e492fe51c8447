import { Injectable, RequestMethod, type CanActivate, type Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { ConsoleSessionGuard } from '../console/console-session.guard.js';
import { API_ROUTE, type ApiRouteDoc } from './api-route.decorator.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** One HTTP route as Nest registered it. */
export interface DiscoveredRoute {
  method: RouteConfig['method'];
  /** Express syntax, e.g. `/console/api/tenants/:tenant/agents`. */
  path: string;
  handler: string;
  guards: Array<Type<CanActivate>>;
  status: number;
  sse: boolean;
  doc: ApiRouteDoc | undefined;
}

const METHODS: Partial<Record<RequestMethod, RouteConfig['method']>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
};

// relay/package.json, from src/openapi or dist/openapi alike.
const RELAY_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const errorBody = z.object({ error: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() });

/**
 * The relay's OpenAPI 3.1 document, built from the routes Nest actually registered: every
 * controller method becomes an operation, its auth read from its guards and its parameters from its
 * path; `@ApiRoute` adds a summary and the zod schemas the handler really parses with. A route
 * without `@ApiRoute` is still listed, so the document can lag in detail but never in coverage.
 */
@Injectable()
export class OpenApiDocumentService {
  private document: OpenApiDocument | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  routes(): DiscoveredRoute[] {
    return this.discovery.getControllers().flatMap(({ metatype, instance }) => {
      if (!metatype || !instance) return [];
      const bases = pathsOf(Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined);
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, metatype) as Array<Type<CanActivate>> | undefined) ?? [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, object>;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name] as object;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const own = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (!method || own === undefined) return [];
        const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as Array<Type<CanActivate>> | undefined) ?? [])];
        const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? 201 : 200);
        const sse = Boolean(Reflect.getMetadata(SSE_METADATA, handler));
        const doc = Reflect.getMetadata(API_ROUTE, handler) as ApiRouteDoc | undefined;
        return bases.flatMap((base) => pathsOf(own).map((suffix) => ({ method, path: joinPath(base, suffix), handler: `${metatype.name}.${name}`, guards, status, sse, doc })));
      });
    });
  }

  openApi(): OpenApiDocument {
    this.document ??= this.build();
    return this.document;
  }

  private build(): OpenApiDocument {
    const registry = new OpenAPIRegistry();
    registry.registerComponent('securitySchemes', 'consoleSession', {
      type: 'apiKey',
      in: 'cookie',
      name: 'mlc_session',
      description: "A signed-in browser; state-changing calls also need the session's CSRF token in `x-csrf-token` (from GET /console/api/me).",
    });
    registry.registerComponent('securitySchemes', 'apiToken', { type: 'http', scheme: 'bearer', description: 'A per-tenant API token (`mlc_at_...`) an owner made in the console; it acts with its role in its tenant only.' });
    registry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer', description: 'The operator token RELAY_ADMIN_TOKEN.' });
    for (const route of this.routes()) registry.registerPath(operationOf(route));
    return new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'ml-connector relay API', version: RELAY_VERSION, description: "The REST API behind the admin console, and the operator's admin API, generated from the routes the relay serves." },
    });
  }
}

function operationOf(route: DiscoveredRoute): RouteConfig {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const doc = route.doc;
  const success = route.sse
    ? { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } }
    : { description: 'Success', ...(doc?.response ? { content: { 'application/json': { schema: doc.response } } } : {}) };
  return {
    method: route.method,
    path: route.path.replace(/:(\w+)/g, '{$1}'),
    operationId: route.handler,
    summary: doc?.summary,
    description: doc?.description,
    tags: [tagOf(route.path)],
    security: securityOf(route.guards),
    request: {
      ...(params.length > 0 ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
      ...(doc?.query ? { query: doc.query } : {}),
      ...(doc?.body ? { body: { content: { 'application/json': { schema: doc.body } } } } : {}),
    },
    responses: {
      [route.status]: success,
      default: { description: 'An error: `error` is the code, `message` says what to do', content: { 'application/json': { schema: errorBody } } },
    },
  };
}

function securityOf(guards: Array<Type<CanActivate>>): RouteConfig['security'] {
  if (guards.includes(ConsoleSessionGuard)) return [{ consoleSession: [] }, { apiToken: [] }];
  if (guards.includes(AdminTokenGuard)) return [{ adminToken: [] }];
  return [];
}

function tagOf(path: string): string {
  if (path.startsWith('/console/api')) return 'console';
  if (path.startsWith('/v1')) return 'admin';
  return 'relay';
}

function pathsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

function joinPath(base: string, suffix: string): string {
  return `/${[base, suffix].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}
