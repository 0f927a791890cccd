import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

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

/** The relay will send script-src 'self' without unsafe-inline: the shell may hold no inline code. */
t.test('the app shell has no inline script, event handler or style attribute', async (t) => {
  const html = readFileSync('relay/web/index.html', 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  t.ok(scripts.length >= 2, 'scripts present');
  for (const [, attrs, body] of scripts) {
    t.match(attrs, /\ssrc="\/[^"]+\.js"/, `script loads a file: <script${attrs}>`);
    t.equal(body!.trim(), '', 'no inline body');
  }
  t.notMatch(html, /\son[a-z]+\s*=/i, 'no on*= handlers');
  t.notMatch(html, /\sstyle\s*=/i, 'no style= attributes');
});

/** Shipped JavaScript stays under 60 KB gzipped: every script the shell loads and every module they import. */
t.test('shipped JavaScript is under 60 KB gzipped', async (t) => {
  const dist = 'relay/web/dist';
  const entry = join(dist, 'relay/web/src/main.js');
  if (!existsSync(entry)) { t.fail('relay/web/dist missing: run npm run build'); return; }
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\s*['"](\.[^'"]+)['"]/g)) visit(normalize(join(dirname(file), m[1] ?? m[2]!)));
  };
  visit(entry);
  const html = readFileSync('relay/web/index.html', 'utf8');
  for (const m of html.matchAll(/<script\b[^>]*\ssrc="\/([^"]+)"/g)) if (!m[1]!.startsWith('dist/')) seen.add(join('relay/web', m[1]!));
  const gz = [...seen].reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0);
  t.ok(seen.size >= 10, `${seen.size} scripts`);
  t.ok(gz < 60 * 1024, `${gz} bytes gzipped (limit 61440)`);
});

/** Browsers resolve no bare names ('preact'): the build rewrites them to the copies under dist/vendor/. */
t.test('every shipped module imports by relative path, and the vendored libraries are there', async (t) => {
  const dist = 'relay/web/dist';
  if (!existsSync(join(dist, 'relay/web/src/main.js'))) { t.fail('relay/web/dist missing: run npm run build'); return; }
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.js') ? [join(dir, n)] : []));
  const all = files(dist);
  const bare = all.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![\w.$'"])(?:from|import)\s*\(?\s*["'](@?[a-z][\w.-]*(?:\/[\w.-]+)*)["']/g)].map((m) => `${f}: ${m[1]}`));
  t.same(bare, [], 'no bare import specifiers left');
  for (const name of ['preact.js', 'preact-hooks.js', 'preact-jsx-runtime.js', 'signals.js', 'signals-core.js']) t.ok(existsSync(join(dist, 'vendor', name)), `vendor/${name}`);
});
