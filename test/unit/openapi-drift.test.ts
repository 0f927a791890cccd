import t from 'tap';
import { readFileSync } from 'node:fs';
import { OPERATIONS } from '../../core/operations.js';
import { openApiDocument, routesModule } from '../../shared/protocol/openapi.js';
import { API } from '../../shared/protocol/api.js';
import { version } from '../../scripts/roles.js';

t.test('the committed OpenAPI document is the one the operation table generates', async (t) => {
  const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
  t.same(committed, openApiDocument(version(), OPERATIONS), 'run `npm run openapi` after changing an operations.ts');
});

t.test('the browser\'s route list is the one the operation table generates', async (t) => {
  t.equal(readFileSync('shared/protocol/routes.ts', 'utf8'), routesModule(OPERATIONS), 'run `npm run openapi` after changing an operations.ts');
  const routed = Object.entries(OPERATIONS).filter(([, op]) => op.http).map(([name]) => name);
  t.same(Object.keys(API), routed, 'every operation with a route, and only those');
});

t.test('every operation appears once in the document, with its parameters and result from its schemas', async (t) => {
  const doc = openApiDocument('x', OPERATIONS) as {
    paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>>;
    components: { schemas: Record<string, { properties?: Record<string, { enum?: string[]; anyOf?: { const: string }[] }> }> };
  };
  const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
  t.same(ops.map((o) => o.operationId).sort(), [...Object.keys(API), 'files.upload', 'files.download', 'dir.snapshot'].sort());
  const send = ops.find((o) => o.operationId === 'msg.send')!;
  t.same(send.parameters.map((p) => [p.name, p.in]), [['conv_id', 'path']], 'path parameters from the route');
  t.same(Object.keys(send.requestBody!.content['application/json']!.schema.properties).sort(), ['body', 'cmid'], 'the rest is the body');
  const history = ops.find((o) => o.operationId === 'msg.history')!;
  t.same(history.parameters.map((p) => p.in), ['path', 'query', 'query', 'query'], 'GET parameters go in the query string');
  const kinds = doc.components.schemas.Message!.properties!.kind!.anyOf!.map((k) => k.const);
  t.same(kinds, ['text', 'file', 'system', 'broadcast', 'bundle', 'recalled'], 'results come from the same schemas as the types (Message.kind has file, broadcast, bundle and recalled)');
});
