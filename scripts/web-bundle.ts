import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The web client's build step after tsc, in two parts.
 *
 * 1. Vendor: copies the ES module builds of Preact and its signals into relay/web/dist/vendor/ and rewrites
 *    every bare import ('preact', 'preact/hooks', …) to a relative path, so each compiled module loads in a
 *    browser as it is.
 * 2. Join: writes relay/web/dist/app.js (minified with terser), every module reachable from main.js in one file, which is what
 *    index.html loads. Forty modules are forty requests over HTTP/1.1's six connections per host, and the
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
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') && full !== BUNDLE ? [full] : [];
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
const order: string[] = [];
const state = new Map<string, 'visiting' | 'done'>();
const visit = (file: string, from: string): void => {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'visiting') throw new Error(`${from} → ${file}: import cycle; the join needs an acyclic graph`);
  state.set(file, 'visiting');
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) visit(normalize(join(dirname(file), m[3]!)), file);
  for (const m of readFileSync(file, 'utf8').matchAll(EXPORT_LIST)) if (m[3]) visit(normalize(join(dirname(file), m[3])), file);
  state.set(file, 'done');
  order.push(file);
};
visit(normalize(ENTRY), ENTRY);
const ids = new Map(order.map((f, i) => [f, `$m${i}`]));
const parts = order.map((file) => {
  const idOf = (spec: string) => ids.get(normalize(join(dirname(file), spec)))!;
  const { body, exports } = joinable(file, readFileSync(file, 'utf8'), idOf);
  const name = relative(DIST, file).split(sep).join('/');
  // The entry runs at the top level: it may await (main.js awaits the store's boot).
  if (file === normalize(ENTRY)) return `// ${name}\n${body.trim()}\n`;
  return `// ${name}\nconst ${ids.get(file)} = (() => {\n${body.trim()}\nreturn { ${exports.join(', ')} };\n})();\n`;
});
// Minified: the readable modules stay beside it in dist/, and shipped JavaScript has a budget (60 KB gzipped,
// test/unit/web-shell.test.ts). Class names are kept so errors in the console still name what threw.
const { minify } = await import('terser');
const joined = parts.join('');
const small = await minify(joined, { module: true, compress: true, mangle: true, keep_classnames: true, format: { comments: false } });
if (!small.code) throw new Error('minifying the web client produced nothing');
// The header names every module joined, in the order they run (the minified code no longer says).
const manifest = order.map((file) => `// ${relative(DIST, file).split(sep).join('/')}\n`).join('');
writeFileSync(BUNDLE, `// The web client, the SDK and Preact in one module (scripts/web-bundle.ts), of these modules:\n${manifest}${small.code}\n`);
