import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dependency rule that keeps a branch outage in its branch: shared imports
 * none of our folders; core imports only shared; central and relay never import
 * each other. Only scripts/ may wire roles together.
 */
const ALLOWED: Record<string, string[]> = {
  shared: ['shared'],
  core: ['core', 'shared'],
  central: ['central', 'core', 'shared'],
  relay: ['relay', 'core', 'shared'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'web' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

for (const [folder, allowed] of Object.entries(ALLOWED)) {
  t.test(`${folder}/ imports only ${allowed.join(', ')}`, async (t) => {
    const violations: string[] = [];
    for (const file of sources(folder)) {
      const depth = file.split('/').length - 1;
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
        const spec = (m[1] ?? m[2])!;
        const parts = join(file, '..', spec).split('/');
        const top = parts[0]!;
        if (depth >= 1 && !allowed.includes(top)) violations.push(`${file} → ${spec}`);
      }
    }
    t.same(violations, [], 'no forbidden imports');
  });
}
