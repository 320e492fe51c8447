import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { applyObservedDeviations } from './oas-deviations.js';

/** The $id the spec files use to point at each other; each local file is registered under it. */
const UPSTREAM = 'https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/';
/** Files searched first when a path appears in several. */
const PREFERRED = ['record.json', 'notifications.json', 'coql.json', 'org.json'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export interface OasValidation {
  readonly valid: boolean;
  readonly errors: string[];
  /** file#path method, e.g. record.json#/crm/v8/{module_api_name}/upsert post */
  readonly operation: string | null;
  /** Where the check had to step outside the spec, e.g. a status code the spec does not declare. */
  readonly notes: string[];
}

type Json = Record<string, unknown>;

interface SpecIndex {
  readonly ajv: Ajv;
  readonly docs: Map<string, Json>;
  readonly paths: { file: string; template: string; segments: string[] }[];
  readonly compiled: Map<string, ValidateFunction>;
}

/** The operator must provide the spec files; nothing can be validated without them. */
export class ZohoOasNotFoundError extends Error {
  constructor() {
    super('Zoho CRM OAS files not found: set ZOHO_OAS_DIR or clone shared/ beside the repository');
    this.name = 'ZohoOasNotFoundError';
  }
}

/**
 * The spec folder: $ZOHO_OAS_DIR, else `shared/zoho-crm-oas/v8.0` beside the repository (CI clones
 * shared/ next to the repo), found by walking up from this file.
 */
export function zohoOasDir(): string {
  const fromEnv = process.env.ZOHO_OAS_DIR;
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth += 1) {
    for (const candidate of [join(dir, 'shared/zoho-crm-oas/v8.0'), join(dir, '../shared/zoho-crm-oas/v8.0')]) {
      if (existsSync(join(candidate, 'record.json'))) return resolve(candidate);
    }
    dir = dirname(dir);
  }
  throw new ZohoOasNotFoundError();
}

let index: SpecIndex | undefined;

function loadIndex(): SpecIndex {
  if (index) return index;
  const dir = zohoOasDir();
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
  const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
  const ordered = [...PREFERRED.filter((name) => files.includes(name)), ...files.filter((name) => !PREFERRED.includes(name))];
  const docs = new Map<string, Json>();
  const paths: SpecIndex['paths'] = [];
  for (const file of ordered) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    applyObservedDeviations(file, doc);
    docs.set(file, doc);
    ajv.addSchema(doc, UPSTREAM + file);
    for (const template of Object.keys((doc.paths as Json | undefined) ?? {})) {
      if (template.startsWith('/crm/')) paths.push({ file, template, segments: template.split('/').filter(Boolean) });
    }
  }
  index = { ajv, docs, paths, compiled: new Map() };
  return index;
}

function pointer(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function findOperation(spec: SpecIndex, method: string, path: string): { file: string; template: string; op: Json } | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { file: string; template: string; op: Json; score: number } | undefined;
  for (const candidate of spec.paths) {
    if (candidate.segments.length !== segments.length) continue;
    let score = 0;
    const fits = candidate.segments.every((segment, at) => {
      if (segment.startsWith('{')) return true;
      score += 1;
      return segment === segments[at];
    });
    const op = ((spec.docs.get(candidate.file)?.paths as Json)[candidate.template] as Json)[method] as Json | undefined;
    if (fits && op && (!best || score > best.score)) best = { file: candidate.file, template: candidate.template, op, score };
  }
  return best;
}

/** The JSON pointer (within its file) of the JSON schema of one response, following a components/responses $ref. */
function responseSchemaRef(spec: SpecIndex, file: string, template: string, method: string, status: string): string | null | undefined {
  const op = ((spec.docs.get(file)?.paths as Json)[template] as Json)[method] as Json;
  const response = (op.responses as Json | undefined)?.[status] as Json | undefined;
  if (!response) return undefined;
  let base = `#/${pointer('paths', template, method, 'responses', status)}`;
  let target = response;
  if (typeof response.$ref === 'string' && response.$ref.startsWith('#/')) {
    base = `#/${pointer(...response.$ref.slice(2).split('/'))}`;
    target = response.$ref
      .slice(2)
      .split('/')
      .reduce<Json>((node, key) => node[key] as Json, spec.docs.get(file) as Json);
  }
  const content = target.content as Json | undefined;
  if (!content?.['application/json']) return null;
  return `${UPSTREAM}${file}${base}/content/application~1json/schema`;
}

function compile(spec: SpecIndex, refs: string[]): ValidateFunction {
  const key = refs.join('|');
  let validate = spec.compiled.get(key);
  if (!validate) {
    validate = spec.ajv.compile(refs.length === 1 ? { $ref: refs[0] } : { anyOf: refs.map(($ref) => ({ $ref })) });
    spec.compiled.set(key, validate);
  }
  return validate;
}

/**
 * Validates one Zoho CRM response (status and JSON body) against the v8 OpenAPI files. `path` may be a
 * full URL or just the path; anything before /crm/ (an api_domain, a simulator DC prefix) is ignored.
 */
export function validateAgainstZohoOas(method: string, path: string, status: number, body: unknown): OasValidation {
  const spec = loadIndex();
  const pathname = new URL(path, 'http://x').pathname;
  const crmPath = pathname.slice(Math.max(0, pathname.indexOf('/crm/')));
  const lower = method.toLowerCase();
  const found = METHODS.includes(lower) ? findOperation(spec, lower, crmPath) : undefined;
  if (!found) return { valid: false, errors: [`no operation for ${method} ${crmPath} in the OAS`], operation: null, notes: [] };
  const operation = `${found.file}#${found.template} ${lower}`;
  const notes: string[] = [];
  let refs: string[];
  const declared = responseSchemaRef(spec, found.file, found.template, lower, String(status));
  const empty = body === undefined || body === null || body === '';
  if (declared === null) {
    return { valid: empty, errors: empty ? [] : [`status ${status} is declared without a body`], operation, notes };
  }
  if (declared === undefined && empty && (status === 204 || status === 304)) {
    // Zoho answers "no records" with 204 (and If-Modified-Since with 304) where the files declare only 200.
    return { valid: true, errors: [], operation, notes: [`status ${status} without a body, not declared for ${operation}`] };
  }
  if (declared !== undefined) refs = [declared];
  else {
    // Zoho answers 201/207/400/401/429 where the files declare only 200 (API-FACTS); accept any
    // declared shape of the operation, or the common record error shape.
    notes.push(`status ${status} not declared for ${operation}; checked against its declared responses and API_Exception`);
    const statuses = Object.keys((found.op.responses as Json | undefined) ?? {});
    refs = statuses.map((other) => responseSchemaRef(spec, found.file, found.template, lower, other)).filter((ref): ref is string => typeof ref === 'string');
    refs.push(`${UPSTREAM}record.json#/components/schemas/API_Exception`);
  }
  const validate = compile(spec, refs);
  if (validate(body)) return { valid: true, errors: [], operation, notes };
  const errors = (validate.errors ?? []).slice(0, 20).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
  return { valid: false, errors, operation, notes };
}

/**
 * Validates the JSON body of a request a client sends to Zoho CRM against the operation's
 * `requestBody` schema in the v8 OpenAPI files (the same deviations as for responses apply).
 */
export function validateRequestAgainstZohoOas(method: string, path: string, body: unknown): OasValidation {
  const spec = loadIndex();
  const pathname = new URL(path, 'http://x').pathname;
  const crmPath = pathname.slice(Math.max(0, pathname.indexOf('/crm/')));
  const lower = method.toLowerCase();
  const found = METHODS.includes(lower) ? findOperation(spec, lower, crmPath) : undefined;
  if (!found) return { valid: false, errors: [`no operation for ${method} ${crmPath} in the OAS`], operation: null, notes: [] };
  const operation = `${found.file}#${found.template} ${lower}`;
  const requestBody = found.op.requestBody as Json | undefined;
  const empty = body === undefined || body === null;
  if (!requestBody) return { valid: empty, errors: empty ? [] : [`${operation} declares no request body`], operation, notes: [] };
  if (empty) return { valid: requestBody.required !== true, errors: requestBody.required === true ? [`${operation} requires a body`] : [], operation, notes: [] };
  let base = `#/${pointer('paths', found.template, lower, 'requestBody')}`;
  let target = requestBody;
  if (typeof requestBody.$ref === 'string' && requestBody.$ref.startsWith('#/')) {
    base = `#/${pointer(...requestBody.$ref.slice(2).split('/'))}`;
    target = requestBody.$ref
      .slice(2)
      .split('/')
      .reduce<Json>((node, key) => node[key] as Json, spec.docs.get(found.file) as Json);
  }
  if (!(target.content as Json | undefined)?.['application/json']) return { valid: false, errors: [`${operation} takes no JSON body`], operation, notes: [] };
  const validate = compile(spec, [`${UPSTREAM}${found.file}${base}/content/application~1json/schema`]);
  if (validate(body)) return { valid: true, errors: [], operation, notes: [] };
  const errors = (validate.errors ?? []).slice(0, 20).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
  return { valid: false, errors, operation, notes: [] };
}
