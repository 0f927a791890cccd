import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gatherFacts, install, planPreflight, SKIP_BROWSER } from './preflight.js';

/**
 * Runs tap over the compiled suites named on the command line (unit,
 * integration, contract, cluster, browser, fuzz) and ends with the plain line
 * "N passed, N failed" that CI reads. A preflight first makes sure the
 * machine has what the suites need (scripts/preflight.ts). The fuzz suite runs
 * last and alone: it measures latency.
 *
 * A file that fails is run once more, alone, after the others: on a loaded
 * two-core machine a browser wait can run out where nothing is wrong. A file
 * that passes alone is still named at the end as flaky, with what failed the
 * first time, so the flake is seen and fixed rather than hidden; a file that
 * fails again counts as failed.
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
/** Suites that measure latency run after the others, one file at a time, so that no other test shares the cores. */
const ALONE = new Set(['fuzz']);
const alone = (f: string) => ALONE.has(f.split(/[\\/]/)[2] ?? '');

interface Counts { passed: number; failed: number; skipped: number; code: number; failedFiles: Map<string, string[]> }

/** The files with a failing test in tap's report, each with its failing lines ("not ok …", indented as tap nests them). */
function failuresIn(report: string): Map<string, string[]> {
  const failed = new Map<string, string[]>();
  let lines: string[] = [];
  for (const line of report.split('\n')) {
    if (/^\s+not ok /.test(line)) lines.push(line.trim());
    const file = /^(not )?ok \d+ - (\S+\.test\.js)/.exec(line);
    if (file) {
      if (file[1]) failed.set(file[2]!, lines.length ? lines : ['(the file ended with an error)']);
      lines = [];
    }
  }
  return failed;
}

function tap(files: string[], jobCount: string): Promise<Counts> {
  const child = spawn(process.execPath, [join('node_modules', 'tap', 'dist', 'esm', 'run.mjs'), '--disable-coverage', '-R', 'tap', '-j', jobCount, '-t', '300', ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_LOG_LEVEL ?? 'warn' },
  });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    report += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => {
    const summary = /# \{([^}]*)\}\s*$/m.exec(report.split('\n').filter((l) => l.startsWith('# {')).pop() ?? '');
    const count = (key: string) => Number(new RegExp(`${key}: (\\d+)`).exec(summary?.[1] ?? '')?.[1] ?? 0);
    const failed = count('fail');
    resolve({ passed: count('pass'), failed: code !== 0 && failed === 0 ? 1 : failed, skipped: count('skip') + count('todo'), code: code ?? 1, failedFiles: failuresIn(report) });
  }));
}

const runs: Counts[] = [];
const together = list.filter((f) => !alone(f));
if (together.length) runs.push(await tap(together, jobs));
const separate = list.filter(alone);
if (separate.length) runs.push(await tap(separate, '1'));

// Failed files once more, one at a time. A file that passes now replaces its first counts.
const flaky: string[] = [];
const stillFailing: string[] = [];
for (const run of runs) {
  if (run.code === 0 || run.failedFiles.size === 0) continue;
  let passedAgain = 0;
  for (const [file, first] of run.failedFiles) {
    say(`\nrunning ${file} again, alone, after: ${first.join('; ')}\n`);
    const again = await tap([file], '1');
    if (again.code === 0) {
      flaky.push(`${file}: failed with others (${first.join('; ')}), passed alone (${again.passed} passed)`);
      passedAgain++;
    } else {
      stillFailing.push(`${file}: ${[...(again.failedFiles.get(file) ?? first)].join('; ')}`);
    }
  }
  if (passedAgain === run.failedFiles.size) {
    // Every failure of this run passed alone: its failing tests count as passed, and the run as green.
    run.passed += run.failed;
    run.failed = 0;
    run.code = 0;
  }
}
const sum = (key: 'passed' | 'failed' | 'skipped') => runs.reduce((n, r) => n + r[key], 0);
for (const note of plan.notes) say(`\n${note}`);
if (flaky.length) say(`\nflaky (fix these): ${flaky.length}\n${flaky.map((f) => `  - ${f}\n`).join('')}`);
if (stillFailing.length) say(`\nfailed:\n${stillFailing.map((f) => `  - ${f}\n`).join('')}`);
say(`\n${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}${flaky.length ? `, ${flaky.length} flaky` : ''}\n`);
process.exit(runs.find((r) => r.code !== 0)?.code ?? 0);
