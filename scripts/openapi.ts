import { writeFileSync } from 'node:fs';
import { OPERATIONS } from '../core/operations.js';
import { openApiDocument, routesModule } from '../shared/protocol/openapi.js';
import { version } from './roles.js';

/** Writes docs/openapi.json and shared/protocol/routes.ts from the operation table (a test checks both are current). */
writeFileSync('docs/openapi.json', `${JSON.stringify(openApiDocument(version(), OPERATIONS), null, 2)}\n`);
writeFileSync('shared/protocol/routes.ts', routesModule(OPERATIONS));
process.stdout.write('wrote docs/openapi.json and shared/protocol/routes.ts\n');
