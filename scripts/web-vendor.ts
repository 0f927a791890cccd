import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * The web client's build step after tsc: copies the ES module builds of Preact and its signals into
 * relay/web/dist/vendor/ and rewrites every bare import ('preact', 'preact/hooks', …) in the compiled
 * modules and in those copies to a relative path. Browsers resolve only relative or absolute URLs, and
 * rewriting keeps the page free of an inline import map, which the Content-Security-Policy would refuse.
 */
const DIST = 'relay/web/dist';
const VENDOR = join(DIST, 'vendor');

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

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') ? [full] : [];
  });
}

/** Rewrites the bare imports of one module; throws on one that is not vendored (it would fail in the browser). */
function rewriteImports(file: string, source: string): string {
  return source.replace(BARE, (_all, lead: string, quote: string, spec: string) => {
    const target = VENDORED[spec];
    if (!target) throw new Error(`${file}: import of '${spec}' cannot load in the browser (not vendored in scripts/web-vendor.ts)`);
    let rel = relative(dirname(file), join(VENDOR, target[1])).split(sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

mkdirSync(VENDOR, { recursive: true });
for (const [from, name] of Object.values(VENDORED)) {
  const out = join(VENDOR, name);
  copyFileSync(from, out);
  // The source maps are not shipped: drop the comment that would make devtools ask for them.
  writeFileSync(out, readFileSync(out, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}
for (const file of jsFiles(DIST)) {
  const before = readFileSync(file, 'utf8');
  const after = rewriteImports(file, before);
  if (after !== before) writeFileSync(file, after);
}
