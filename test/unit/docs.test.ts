import t from 'tap';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../shared/protocol/openapi.js';
import { API } from '../../shared/protocol/api.js';
import { version } from '../../scripts/roles.js';

t.test('the committed OpenAPI document matches the operation table', async (t) => {
  const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
  t.same(committed, openApiDocument(version()), 'run `npm run openapi` after changing shared/protocol/api.ts');
});

t.test('every operation appears once in the document with its HTTP verb', async (t) => {
  const doc = openApiDocument('x') as { paths: Record<string, Record<string, { operationId: string }>> };
  const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
  t.same(ids.sort(), [...Object.keys(API), 'files.upload', 'files.download', 'dir.snapshot'].sort());
});

t.test('every coded error is documented in docs/protocol.md', async (t) => {
  const { ERRORS } = await import('../../shared/errors.js');
  const doc = readFileSync('docs/protocol.md', 'utf8');
  const missing = Object.keys(ERRORS).filter((code) => !doc.includes(`\`${code}\``));
  t.same(missing, [], 'add a row to the Errors table for each new code');
});
