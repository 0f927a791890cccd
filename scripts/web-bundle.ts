import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The web client's build step after tsc, in two parts.
 *
 * 1. Vendor: copies the ES module builds of Preact and its signals into relay/web/dist/vendor/ and rewrites
 *    every bare import ('preact', 'preact/hooks', …) to a relative path, so each compiled module loads in a
 *    browser as it is.
 * 2. Join: writes relay/web/dist/app.js (minified with terser), every module reachable from main.js in one file, which is what
 *    index.html loads. A module in LAZY (the administration console) is joined into a file of its own instead, with the
 *    modules only it reaches; app.js loads it on first use through its one `import()` and hands it the modules both use,
 *    so they run once and share their state (contexts, signals). Forty modules are forty requests over HTTP/1.1's six connections per host, and the
 *    first screen waited for them (docs/benchmarks.md). Each module becomes a function scope that returns its
 *    exports; modules run in the order ES modules would (dependencies first) and an import reads the exports
 *    of a module that has finished running. That is the ES semantics for an acyclic graph whose exports are
 *    never reassigned, which the join checks: a cycle, an exported `let`, `export default`, `export *`, or an
 *    import or export it does not recognise stops the build.
 */
const DIST = 'relay/web/dist';
const VENDOR = join(DIST, 'vendor');
const ENTRY = join(DIST, 'relay/web/src/main.js');
const BUNDLE = join(DIST, 'app.js');

/** Bare specifier → [the file in node_modules, its name under dist/vendor]. */
const VENDORED: Record<string, [string, string]> = {
  'preact': ['node_modules/preact/dist/preact.module.js', 'preact.js'],
  'preact/hooks': ['node_modules/preact/hooks/dist/hooks.module.js', 'preact-hooks.js'],
  'preact/jsx-runtime': ['node_modules/preact/jsx-runtime/dist/jsxRuntime.module.js', 'preact-jsx-runtime.js'],
  '@preact/signals': ['node_modules/@preact/signals/dist/signals.module.js', 'signals.js'],
  '@preact/signals-core': ['node_modules/@preact/signals-core/dist/signals-core.module.js', 'signals-core.js'],
};

/**
 * Modules loaded on demand: the compiled entry → the joined file beside app.js. The entry's `import('…')` in app.js
 * becomes `import('./<file>').then((m) => m.load(shared))`, and `load` returns the entry's exports.
 */
const LAZY: Record<string, string> = {
  'relay/web/src/views/admin/Console.js': 'console.js',
  // The screens opened now and then (relay/web/src/screens.ts), prefetched by index.html when the browser is idle.
  'relay/web/src/screens.js': 'lazy.js',
};
const LAZY_OUT = new Set(Object.values(LAZY).map((out) => join(DIST, out)));
/** `import('./x.js')` of a module by relative path: only entries of LAZY are accepted. */
const DYNAMIC = /(?<![\w.$'"])import\(\s*(["'])(\.[^"']+)\1\s*\)/g;

/** `from "x"`, `import "x"` and `import("x")` with a specifier that is not a URL or a path. */
const BARE = /((?<![\w.$'"])(?:from|import)\s*\(?\s*)(["'])(@?[a-z][\w.-]*(?:\/[\w.-]+)*)\2/g;
/** The import and export statements tsc and the minified vendor builds write (nothing else is accepted). */
const IMPORT = /(?<![\w.$'"])import\s*\{([^}]*)\}\s*from\s*(["'])([^"']+)\2;?/g;
const EXPORT_LIST = /(?<![\w.$'"])export\s*\{([^}]*)\}(?:\s*from\s*(["'])([^"']+)\2)?;?/g;
const EXPORT_DECL = /^export (?:(async )?function\*? ?|class |const )([\w$]+)/gm;
const ANY_MODULE_SYNTAX = /(?:^|[;}])\s*(?:(?:import|export)\s*[{*"']|export\s+(?:default|let|var|const|function|class|async)\b|import\s+[\w$]+\s*(?:,|from\b))/m;

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') && full !== BUNDLE && !LAZY_OUT.has(full) ? [full] : [];
  });
}

function rewriteBare(file: string, source: string): string {
  return source.replace(BARE, (_all, lead: string, quote: string, spec: string) => {
    const target = VENDORED[spec];
    if (!target) throw new Error(`${file}: import of '${spec}' cannot load in the browser (not vendored in scripts/web-bundle.ts)`);
    let rel = relative(dirname(file), join(VENDOR, target[1])).split(sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

/** `a as b, c` → [['a', 'b'], ['c', 'c']]. */
const names = (list: string): [string, string][] => list.split(',').map((s) => s.trim()).filter(Boolean)
  .map((s) => { const [from, as] = s.split(/\s+as\s+/); return [from!, as ?? from!]; });

/** One module as a function body: imports read earlier modules' exports; returns its own. */
function joinable(file: string, source: string, idOf: (spec: string) => string): { body: string; exports: string[] } {
  const exports: string[] = [];
  let body = source.replace(IMPORT, (_all, list: string, _q, spec: string) =>
    `const { ${names(list).map(([from, as]) => (from === as ? from : `${from}: ${as}`)).join(', ')} } = ${idOf(spec)};`);
  body = body.replace(EXPORT_LIST, (_all, list: string, _q, spec: string | undefined) => {
    for (const [local, as] of names(list)) exports.push(spec ? `${as}: ${idOf(spec)}.${local}` : local === as ? local : `${as}: ${local}`);
    return '';
  });
  body = body.replace(EXPORT_DECL, (all, _async, name: string) => { exports.push(name); return all.slice('export '.length); });
  const left = ANY_MODULE_SYNTAX.exec(body);
  if (left) throw new Error(`${file}: module syntax the join does not handle: …${body.slice(left.index, left.index + 60)}…`);
  return { body, exports };
}

// 1. Vendor copies and relative imports.
mkdirSync(VENDOR, { recursive: true });
for (const [from, name] of Object.values(VENDORED)) {
  // The source maps are not shipped: drop the comment that would make devtools ask for them.
  writeFileSync(join(VENDOR, name), readFileSync(from, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}
for (const file of jsFiles(DIST)) {
  const before = readFileSync(file, 'utf8');
  const after = rewriteBare(file, before);
  if (after !== before) writeFileSync(file, after);
}

// 2. Join, dependencies first.
/** The modules reachable from `entry` (dependencies first), skipping those in `skip`. */
function reachableFrom(entry: string, skip: ReadonlySet<string>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, from: string): void => {
    if (skip.has(file) || state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') throw new Error(`${from} → ${file}: import cycle; the join needs an acyclic graph`);
    state.set(file, 'visiting');
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(IMPORT)) visit(normalize(join(dirname(file), m[3]!)), file);
    for (const m of source.matchAll(EXPORT_LIST)) if (m[3]) visit(normalize(join(dirname(file), m[3])), file);
    state.set(file, 'done');
    order.push(file);
  };
  visit(normalize(entry), entry);
  return order;
}
const nameOf = (file: string) => relative(DIST, file).split(sep).join('/');
const order = reachableFrom(ENTRY, new Set());
const inMain = new Set(order);
const ids = new Map(order.map((f, i) => [f, `$m${i}`]));

/** Each lazy entry: its own modules, and the modules of app.js it imports (handed over by `load`). */
const lazy = Object.entries(LAZY).map(([entry, out], n) => {
  const file = normalize(join(DIST, entry));
  const own = reachableFrom(file, inMain);
  const shared = new Set<string>();
  for (const f of own) {
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const dep = normalize(join(dirname(f), m[3]!));
      if (inMain.has(dep)) shared.add(dep);
    }
  }
  own.forEach((f, i) => ids.set(f, `$l${n}_${i}`));
  return { file, out, own, shared: [...shared].map((f) => ids.get(f)!) };
});
const lazyByFile = new Map(lazy.map((l) => [l.file, l]));

function part(file: string, entry: string): string {
  const idOf = (spec: string) => ids.get(normalize(join(dirname(file), spec)))!;
  const source = readFileSync(file, 'utf8').replace(DYNAMIC, (_all, _q, spec: string) => {
    const target = lazyByFile.get(normalize(join(dirname(file), spec)));
    if (!target) throw new Error(`${file}: import('${spec}') of a module that is not in LAZY (scripts/web-bundle.ts)`);
    if (!inMain.has(file)) throw new Error(`${file}: import('${spec}') from a lazily loaded module`);
    return `import("./${target.out}").then((m) => m.load({ ${target.shared.join(', ')} }))`;
  });
  const { body, exports } = joinable(file, source, idOf);
  // The entry runs at the top level: it may await (main.js awaits the store's boot).
  if (file === normalize(entry)) return `// ${nameOf(file)}\n${body.trim()}\n`;
  return `// ${nameOf(file)}\nconst ${ids.get(file)} = (() => {\n${body.trim()}\nreturn { ${exports.join(', ')} };\n})();\n`;
}

// Minified: the readable modules stay beside it in dist/, and shipped JavaScript has a budget (60 KB gzipped,
// test/unit/web-shell.test.ts). Class names are kept so errors in the console still name what threw.
const { minify } = await import('terser');
async function write(out: string, what: string, files: string[], code: string): Promise<void> {
  const small = await minify(code, { module: true, compress: true, mangle: true, keep_classnames: true, format: { comments: false } });
  if (!small.code) throw new Error(`minifying ${out} produced nothing`);
  // The header names every module joined, in the order they run (the minified code no longer says).
  const manifest = files.map((file) => `// ${nameOf(file)}\n`).join('');
  writeFileSync(out, `// ${what} (scripts/web-bundle.ts), of these modules:\n${manifest}${small.code}\n`);
}
await write(BUNDLE, 'The web client, the SDK and Preact in one module', order, order.map((f) => part(f, ENTRY)).join(''));
for (const l of lazy) {
  const entryId = ids.get(l.file)!;
  const body = l.own.map((f) => part(f, '')).join('');
  // Run once: loading again (the console reopened) returns the same modules.
  const code = `let loaded;\nexport function load({ ${l.shared.join(', ')} }) {\nif (loaded) return loaded;\n${body}return (loaded = ${entryId});\n}\n`;
  await write(join(DIST, l.out), `Loaded by app.js on first use: ${nameOf(l.file)}`, l.own, code);
}
