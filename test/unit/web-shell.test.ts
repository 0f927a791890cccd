import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'relay/web/dist';
const entry = join(dist, 'relay/web/src/main.js');
const bundle = join(dist, 'app.js');
const lazyBundle = join(dist, 'lazy.js');

/** Every compiled module reachable from main.js, following its import and export-from statements. */
function reachable(): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)\s*(?:\{[^}]*\}\s*from\s*)?["'](\.[^"']+)["']/g)) visit(normalize(join(dirname(file), m[1]!)));
  };
  visit(normalize(entry));
  return [...seen];
}

/** One request for the whole client: the modules joined at build time (scripts/web-bundle.ts). */
t.test('the app shell loads one joined module holding every module reachable from main.js', async (t) => {
  if (!existsSync(bundle)) { t.fail('relay/web/dist missing: run npm run build'); return; }
  const html = readFileSync('relay/web/index.html', 'utf8');
  t.same([...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]), ['/dist/app.js'], 'one module script');
  t.notMatch(html, /modulepreload/, 'nothing else to preload');
  const joined = readFileSync(bundle, 'utf8');
  const modules = reachable().map((f) => relative(dist, f).split('\\').join('/'));
  t.ok(modules.length >= 30, `${modules.length} modules reachable`);
  const missing = modules.filter((m) => !joined.includes(`\n// ${m}\n`));
  t.same(missing, [], 'each of them is in app.js');
  t.notMatch(joined, /(?:^|[;}])\s*import\s*[{"']/m, 'app.js imports nothing');
});

/** Screens opened now and then (relay/web/src/screens.ts, imported dynamically through lazy.tsx) are joined into lazy.js. */
t.test('the screens loaded when first shown are in lazy.js, outside the first screen', async (t) => {
  if (!existsSync(lazyBundle)) { t.fail('relay/web/dist/lazy.js missing: run npm run build'); return; }
  const joined = readFileSync(bundle, 'utf8');
  const lazy = readFileSync(lazyBundle, 'utf8');
  const screens = join(dist, 'relay/web/src/screens.js');
  const views = [...readFileSync(screens, 'utf8').matchAll(/export\s*\{[^}]*\}\s*from\s*["'](\.[^"']+)["']/g)].map((m) => normalize(join(dirname(screens), m[1]!)));
  t.ok(views.length >= 5, `${views.length} screens`);
  for (const view of views) {
    const name = relative(dist, view).split('\\').join('/');
    t.ok(lazy.includes(`\n// ${name}\n`), `${name} is in lazy.js`);
    t.notOk(joined.includes(`\n// ${name}\n`), 'and not in app.js');
  }
  t.match(lazy, /export function load\(/, 'app.js hands it the modules they share through load()');
  t.notMatch(lazy, /(?:^|[;}])\s*import\s*[{"']/m, 'lazy.js imports nothing');
  const html = readFileSync('relay/web/index.html', 'utf8');
  t.match(html, /<link rel="prefetch" href="\/dist\/lazy.js">/, 'prefetched when idle, so the service worker keeps it for offline use');
  const gz = gzipSync(readFileSync(lazyBundle)).length;
  t.ok(gz < 30 * 1024, `lazy.js: ${gz} bytes gzipped`);
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

/** Shipped JavaScript stays under 60 KB gzipped: every script the shell loads. */
t.test('shipped JavaScript is under 60 KB gzipped', async (t) => {
  if (!existsSync(bundle)) { t.fail('relay/web/dist missing: run npm run build'); return; }
  const html = readFileSync('relay/web/index.html', 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*\ssrc="\/([^"]+)"/g)].map((m) => join('relay/web', m[1]!));
  const gz = scripts.reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0);
  t.same(scripts.sort(), ['relay/web/branding.js', bundle].sort(), 'the early branding request and the client');
  t.ok(gz < 60 * 1024, `${gz} bytes gzipped (limit 61440)`);
});

/** Browsers resolve no bare names ('preact'): the build rewrites them to the copies under dist/vendor/. */
t.test('every compiled module imports by relative path, and the vendored libraries are there', async (t) => {
  if (!existsSync(entry)) { t.fail('relay/web/dist missing: run npm run build'); return; }
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.js') ? [join(dir, n)] : []));
  const bare = files(dist).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![\w.$'"])(?:from|import)\s*\(?\s*["'](@?[a-z][\w.-]*(?:\/[\w.-]+)*)["']/g)].map((m) => `${f}: ${m[1]}`));
  t.same(bare, [], 'no bare import specifiers left');
  for (const name of ['preact.js', 'preact-hooks.js', 'preact-jsx-runtime.js', 'signals.js', 'signals-core.js']) t.ok(existsSync(join(dist, 'vendor', name)), `vendor/${name}`);
});

/** The administration console is joined into a file of its own that app.js loads on first use, so it costs nobody else. */
t.test('the admin console is a separate joined module, loaded by app.js through one import(), under its own budget', async (t) => {
  const lazy = join(dist, 'console.js');
  if (!existsSync(lazy)) { t.fail('relay/web/dist/console.js missing: run npm run build'); return; }
  const app = readFileSync(bundle, 'utf8');
  const console = readFileSync(lazy, 'utf8');
  t.match(app, /import\("\.\/console\.js"\)\.then\(\(?\w+\)?=>\w+\.load\(\{/, 'app.js imports it on demand and hands it the shared modules');
  t.notMatch(app, /\n\/\/ relay\/web\/src\/views\/admin\//, 'none of the console\'s modules is in app.js');
  for (const m of ['relay/web/src/views/admin/Console.js', 'relay/web/src/views/admin/People.js', 'relay/web/src/i18n-admin.js']) {
    t.ok(console.includes(`\n// ${m}\n`), `${m} is in console.js`);
  }
  t.notMatch(console, /\n\/\/ (?:vendor\/|relay\/web\/src\/(?:context|store|session)\.js)/, 'the modules app.js has are not joined again');
  t.notMatch(console, /(?:^|[;}])\s*import\s*[{"'(]/m, 'console.js imports nothing');
  const gz = gzipSync(console).length;
  t.ok(gz < 30 * 1024, `${gz} bytes gzipped (limit 30720)`);
});
