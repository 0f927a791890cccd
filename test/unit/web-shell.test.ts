import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** index.html preloads every module the web client loads, so the browser never discovers them one import at a time. */
t.test('the app shell preloads every module reachable from the entry', async (t) => {
  const dist = 'relay/web/dist';
  const entry = join(dist, 'relay/web/src/main.js');
  if (!existsSync(entry)) { t.fail('relay/web/dist missing: run npm run build'); return; }
  // Follow the compiled import statements (type-only imports are gone after compiling).
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\s*['"](\.[^'"]+)['"]/g)) visit(normalize(join(dirname(file), m[1] ?? m[2]!)));
  };
  visit(entry);
  const modules = [...seen].filter((f) => f !== normalize(entry)).map((f) => `/dist/${relative(dist, f).split('\\').join('/')}`).sort();
  const html = readFileSync('relay/web/index.html', 'utf8');
  const preloaded = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!).sort();
  t.ok(modules.length >= 10, `${modules.length} modules reachable`);
  t.same(preloaded, modules, 'one <link rel="modulepreload"> per module the client loads');
  t.match(html, /src="\/dist\/relay\/web\/src\/main\.js"/, 'entry module');
});
