import type { TSchema } from '@sinclair/typebox';
import type { OperationContract } from './operation.js';
import { DirSnapshotSchema, ErrorSchema, FileSchema } from './schemas.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A schema as OpenAPI JSON: every subschema with an `$id` becomes a named component and a `$ref` to it.
 * (TypeBox's own markers are symbols and do not survive; what is left is plain JSON Schema.)
 */
function emit(schema: unknown, components: Json, top = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => emit(s, components));
  if (!isObject(schema)) return schema;
  const { $id, ...rest } = schema;
  if (typeof $id === 'string' && !top) {
    if (!($id in components)) {
      components[$id] = null; // claimed first, so a schema that contains itself ends
      components[$id] = emit(schema, components, true);
    }
    return { $ref: `#/components/schemas/${$id}` };
  }
  // A recursive schema refers to itself by its bare $id.
  if (typeof rest.$ref === 'string' && !rest.$ref.startsWith('#')) return { $ref: `#/components/schemas/${rest.$ref}` };
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'properties' && isObject(v)
    ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, emit(s, components)]))
    : emit(v, components)]));
}

function response(schema: unknown, contentType = 'application/json'): Json {
  return { description: 'OK', content: { [contentType]: { schema } } };
}

/** One operation's path item: path and query parameters and the JSON body from its params schema, the result from its result schema. */
function operationObject(name: string, op: OperationContract, components: Json): Json {
  const [verb, path] = op.http!;
  const params = emit(op.params, components, true) as { properties?: Record<string, Json>; required?: string[] };
  const properties = { ...(params.properties ?? {}) };
  const required = new Set(params.required ?? []);
  const parameters: Json[] = [];
  for (const [, pathName] of path.matchAll(/:(\w+)/g)) {
    parameters.push({ name: pathName, in: 'path', required: true, schema: properties[pathName!] ?? { type: 'string' } });
    delete properties[pathName!];
  }
  const operation: Json = { operationId: name, summary: op.summary, tags: [name.split('.')[0]], parameters };
  if (verb === 'GET' || verb === 'DELETE') {
    for (const [param, schema] of Object.entries(properties)) {
      const { description, ...rest } = schema;
      // Lists travel as one comma-separated value (user_ids=1,2,3), as the SDK sends them.
      const style = rest.type === 'array' ? { style: 'form', explode: false } : {};
      parameters.push({ name: param, in: 'query', required: required.has(param), ...(description ? { description } : {}), ...style, schema: rest });
    }
  } else {
    const body: Json = { type: 'object', properties };
    const bodyRequired = [...required].filter((r) => r in properties);
    if (bodyRequired.length) body.required = bodyRequired;
    operation.requestBody = { required: bodyRequired.length > 0, content: { 'application/json': { schema: body } } };
  }
  operation.responses = { 200: response(emit(op.result, components)), default: errorResponse(components) };
  if (op.auth !== 'none') operation.security = [{ bearer: [] }];
  return operation;
}

function errorResponse(components: Json): Json {
  return { description: 'Coded error', content: { 'application/json': { schema: emit(ErrorSchema, components) } } };
}

/** The relay's own routes, outside the table: raw bytes in and out, and the snapshot it assembles from parts. */
function relayRoutes(components: Json): Record<string, Json> {
  const schema = (s: TSchema) => emit(s, components);
  const binary = { type: 'string', format: 'binary' };
  return {
    '/api/v1/files': {
      post: {
        operationId: 'files.upload', summary: 'Upload a file (raw bytes as the body); share it with msg.send body { file_id }', tags: ['files'],
        security: [{ bearer: [] }],
        parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' }, description: 'file name' }],
        requestBody: { content: { 'application/octet-stream': { schema: binary } } },
        responses: { 200: response(schema(FileSchema)), default: errorResponse(components) },
      },
    },
    '/api/v1/files/{file_id}': {
      get: {
        operationId: 'files.download', summary: 'Download a file I uploaded or that was shared in one of my conversations (served from the relay cache)', tags: ['files'],
        security: [{ bearer: [] }],
        parameters: [{ name: 'file_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { 200: { description: 'The bytes', content: { '*/*': { schema: binary } } }, default: errorResponse(components) },
      },
    },
    '/api/v1/directory/snapshot': {
      get: {
        operationId: 'dir.snapshot', summary: 'The whole directory as I may see it, at one version (sent gzip-compressed; ETag = version and view); then follow with dir.changes', tags: ['dir'],
        security: [{ bearer: [] }],
        parameters: [],
        responses: { 200: response(schema(DirSnapshotSchema)), default: errorResponse(components) },
      },
    },
  };
}

/** Generates the OpenAPI 3.1 document from the operation table (committed as docs/openapi.json). */
export function openApiDocument(version: string, operations: Record<string, OperationContract>): Json {
  const components: Json = {};
  const paths: Record<string, Json> = {};
  for (const [name, op] of Object.entries(operations)) {
    if (!op.http) continue;
    const [verb, path] = op.http;
    (paths[path.replace(/:(\w+)/g, '{$1}')] ??= {})[verb.toLowerCase()] = operationObject(name, op, components);
  }
  Object.assign(paths, relayRoutes(components));
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard HTTP API', version, description: 'Data API served by every relay. Push travels over the WebSocket (docs/protocol.md).' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Session token from auth.login' } },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/**
 * The browser's view of the table (shared/protocol/routes.ts): names, routes and policies, no schemas, so
 * the web client loads no schema library. Generated with the OpenAPI document and checked with it.
 */
export function routesModule(operations: Record<string, OperationContract>): string {
  const lines = Object.entries(operations).filter(([, op]) => op.http).map(([name, op]) =>
    `  '${name}': { http: ['${op.http![0]}', '${op.http![1]}'], auth: '${op.auth}' },`);
  return [
    '// Generated from core/operations.ts by `npm run openapi`; test/unit/openapi-drift.test.ts checks it is current.',
    "import type { AuthLevel, HttpMethod } from './api.js';",
    '',
    '/** Every public operation: its HTTP route and who may call it. */',
    'export const ROUTES = {',
    ...lines,
    '} as const satisfies Record<string, { http: readonly [HttpMethod, string]; auth: AuthLevel }>;',
    '',
  ].join('\n');
}
