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

/** Screens opened now and then are imported dynamically (relay/web/src/lazy.tsx) and joined into lazy.js. */
t.test('the screens loaded when first shown are in lazy.js, outside the first screen, and nothing else is', async (t) => {
  if (!existsSync(lazyBundle)) { t.fail('relay/web/dist/lazy.js missing: run npm run build'); return; }
  const joined = readFileSync(bundle, 'utf8');
  const lazy = readFileSync(lazyBundle, 'utf8');
  const inApp = new Set(reachable());
  const targets = [...inApp].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) => normalize(join(dirname(f), m[1]!))));
  t.ok(targets.length >= 5, `${targets.length} screens imported dynamically`);
  for (const target of targets) {
    const name = relative(dist, target).split('\\').join('/');
    t.ok(lazy.includes(`\n// ${name}\n`), `${name} is in lazy.js`);
    t.notOk(joined.includes(`\n// ${name}\n`), `and not in app.js`);
  }
  t.notMatch(lazy, /(?:^|[;}])\s*import\s*[{"']/m, 'lazy.js imports nothing statically: it reads app.js\'s modules from one registry');
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
