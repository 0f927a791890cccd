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
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') && full !== BUNDLE && full !== join(DIST, 'lazy.js') ? [full] : [];
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

// 2. Join, dependencies first: app.js holds what main.js reaches by static imports; the targets of dynamic
// `import('./…')` (screens opened now and then, relay/web/src/lazy.tsx) and what only they use go into lazy.js,
// loaded the first time one of them is shown.
const DYNAMIC = /(?<![\w.$'"])import\(\s*(["'])(\.[^"']+)\1\s*\)/g;
const LAZY_BUNDLE = join(DIST, 'lazy.js');
const order: string[] = [];
const state = new Map<string, 'visiting' | 'done'>();
const visit = (file: string, from: string, into: string[], skip: ReadonlySet<string>): void => {
  if (skip.has(file) || state.get(file) === 'done') return;
  if (state.get(file) === 'visiting') throw new Error(`${from} → ${file}: import cycle; the join needs an acyclic graph`);
  state.set(file, 'visiting');
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) visit(normalize(join(dirname(file), m[3]!)), file, into, skip);
  for (const m of readFileSync(file, 'utf8').matchAll(EXPORT_LIST)) if (m[3]) visit(normalize(join(dirname(file), m[3])), file, into, skip);
  state.set(file, 'done');
  into.push(file);
};
visit(normalize(ENTRY), ENTRY, order, new Set());
const inMain = new Set(order);
const lazyOrder: string[] = [];
for (const file of order) {
  for (const m of readFileSync(file, 'utf8').matchAll(DYNAMIC)) visit(normalize(join(dirname(file), m[2]!)), file, lazyOrder, inMain);
}
const nameOf = (file: string) => relative(DIST, file).split(sep).join('/');
const ids = new Map([...order, ...lazyOrder].map((f, i) => [f, `$m${i}`]));
// Modules of app.js that lazy.js imports from, and every lazy module, are found by name in one registry.
const shared = new Set<string>();
for (const file of lazyOrder) {
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) { const dep = normalize(join(dirname(file), m[3]!)); if (inMain.has(dep)) shared.add(dep); }
}
const REGISTRY = 'globalThis.__switchboardModules';
const lazyTargets = new Set<string>();
const body = (file: string) => {
  const idOf = (spec: string) => ids.get(normalize(join(dirname(file), spec)))!;
  const source = readFileSync(file, 'utf8').replace(DYNAMIC, (_all, _q, spec: string) => {
    const target = normalize(join(dirname(file), spec));
    lazyTargets.add(target);
    return `__loadLazy(${JSON.stringify(nameOf(target))})`;
  });
  return joinable(file, source, idOf);
};
const parts = order.map((file) => {
  const { body: code, exports } = body(file);
  const name = nameOf(file);
  // The entry runs at the top level: it may await (main.js awaits the store's boot).
  if (file === normalize(ENTRY)) return `// ${name}\n${code.trim()}\n`;
  const register = shared.has(file) ? `${REGISTRY}[${JSON.stringify(name)}] = ${ids.get(file)};\n` : '';
  return `// ${name}\nconst ${ids.get(file)} = (() => {\n${code.trim()}\nreturn { ${exports.join(', ')} };\n})();\n${register}`;
});
const loader = lazyOrder.length
  ? `${REGISTRY} = {};\nlet __lazy = null;\nconst __loadLazy = (name) => (__lazy ??= import('./lazy.js')).then(() => ${REGISTRY}[name]);\n`
  : '';
const lazyParts = lazyOrder.map((file) => {
  const { body: code, exports } = body(file);
  const name = nameOf(file);
  // What this module imports from app.js is read from the registry once, under the id app.js gave it.
  const fromMain = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => normalize(join(dirname(file), m[3]!))).filter((d) => inMain.has(d));
  const reads = [...new Set(fromMain)].map((d) => `const ${ids.get(d)} = ${REGISTRY}[${JSON.stringify(nameOf(d))}];\n`).join('');
  return `// ${name}\nconst ${ids.get(file)} = (() => {\n${reads}${code.trim()}\nreturn { ${exports.join(', ')} };\n})();\n${REGISTRY}[${JSON.stringify(name)}] = ${ids.get(file)};\n`;
});
for (const target of lazyTargets) if (!lazyOrder.includes(target)) throw new Error(`${nameOf(target)}: imported dynamically but also statically, so it is in app.js; import it one way`);
// Minified: the readable modules stay beside it in dist/, and shipped JavaScript has a budget (60 KB gzipped for
// the first screen, test/unit/web-shell.test.ts). Class names are kept so errors in the console still name what threw.
const { minify } = await import('terser');
const write = async (file: string, modules: string[], code: string, what: string) => {
  const small = await minify(code, { module: true, compress: true, mangle: true, keep_classnames: true, format: { comments: false } });
  if (!small.code) throw new Error(`minifying ${file} produced nothing`);
  // The header names every module joined, in the order they run (the minified code no longer says).
  const manifest = modules.map((m) => `// ${nameOf(m)}\n`).join('');
  writeFileSync(file, `// ${what} (scripts/web-bundle.ts), of these modules:\n${manifest}${small.code}\n`);
};
await write(BUNDLE, order, loader + parts.join(''), 'The web client, the SDK and Preact in one module');
if (lazyOrder.length) await write(LAZY_BUNDLE, lazyOrder, lazyParts.join(''), 'The screens the web client loads when first shown');
