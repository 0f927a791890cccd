import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gatherFacts, install, planPreflight, SKIP_BROWSER } from './preflight.js';

/**
 * Runs tap over the compiled suites named on the command line (unit,
 * integration, contract, cluster, browser) and ends with the plain line
 * "N passed, N failed" that CI reads. A preflight first makes sure the
 * machine has what the suites need (scripts/preflight.ts).
 */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.test.js') ? [full] : [];
  });
}

const say = (line: string) => process.stdout.write(line);
const stop = (why: string[], commands: string[]): never => {
  say(`\npreflight: the tests cannot start:\n${why.map((w) => `  - ${w}\n`).join('')}`);
  if (commands.length) say(`Run:\n${commands.map((c) => `  ${c}\n`).join('')}`);
  say('\n0 passed, 1 failed\n');
  process.exit(1);
};

const plan = planPreflight(await gatherFacts(process.argv.slice(2)));
if (plan.problems.length) stop(plan.problems, plan.commands);
if (plan.install.length) {
  say('preflight: Chromium is missing at /usr/bin/chromium; installing it from Debian (a minute or so)\n');
  const failed = install(plan.install, say);
  if (failed || !existsSync('/usr/bin/chromium')) {
    stop([`Chromium could not be installed: ${failed ?? 'apt-get finished but /usr/bin/chromium is still missing'}`],
      [plan.install.map((c) => c.join(' ')).join(' && '), `or skip the browser suite: ${SKIP_BROWSER}=1 npm test`]);
  }
}
for (const note of plan.notes) say(`preflight: ${note}\n`);

const suites = plan.suites;
if (suites.length === 0 && plan.notes.length) {
  say('\n0 passed, 0 failed\n');
  process.exit(0);
}
const list = suites.flatMap((s) => files(join('dist', 'test', s))).sort();
if (list.length === 0) {
  process.stdout.write('no test files found\n0 passed, 1 failed\n');
  process.exit(1);
}

const jobs = process.env.SWITCHBOARD_TEST_JOBS ?? '2';
const child = spawn(process.execPath, [join('node_modules', 'tap', 'dist', 'esm', 'run.mjs'), '--disable-coverage', '-R', 'tap', '-j', jobs, '-t', '300', ...list], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_LOG_LEVEL ?? 'warn' },
});
let tail = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const summary = /# \{([^}]*)\}\s*$/m.exec(tail.split('\n').filter((l) => l.startsWith('# {')).pop() ?? '');
  const count = (key: string) => Number(new RegExp(`${key}: (\\d+)`).exec(summary?.[1] ?? '')?.[1] ?? 0);
  const passed = count('pass');
  let failed = count('fail');
  if (code !== 0 && failed === 0) failed = 1;
  const skipped = count('skip') + count('todo');
  for (const note of plan.notes) say(`\n${note}`);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code ?? 1);
});
