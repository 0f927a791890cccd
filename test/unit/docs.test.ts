import t from 'tap';
import { readFileSync } from 'node:fs';

t.test('every coded error is documented in docs/protocol.md', async (t) => {
  const { ERRORS } = await import('../../shared/errors.js');
  const doc = readFileSync('docs/protocol.md', 'utf8');
  const missing = Object.keys(ERRORS).filter((code) => !doc.includes(`\`${code}\``));
  t.same(missing, [], 'add a row to the Errors table for each new code');
});
