import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../shared/protocol/openapi.js';
import { version } from './roles.js';

/** Writes docs/openapi.json from the operation table (a test checks it is current). */
writeFileSync('docs/openapi.json', `${JSON.stringify(openApiDocument(version()), null, 2)}\n`);
process.stdout.write('wrote docs/openapi.json\n');
