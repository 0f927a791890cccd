import { runFuzz } from './fuzz/engine.js';

/**
 * `npm run fuzz -- [--minutes N] [--seconds N] [--seed S] [--rate R] [--workers ws=2,http=2,upload=1,import=1] [--data-root DIR]`:
 * the bounded fuzz suite for as long as asked. Prints the report as JSON on stdout (progress on stderr) and exits 1
 * if an invariant broke. The same seed and workers replay the same inputs.
 */
function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number, got ${JSON.stringify(args[i + 1])}`);
  return v;
}

function text(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function workers(args: string[]): Record<string, number> | undefined {
  const i = args.indexOf('--workers');
  if (i < 0) return undefined;
  return Object.fromEntries((args[i + 1] ?? '').split(',').map((kv) => {
    const [k, v] = kv.split('=');
    if (!['ws', 'http', 'upload', 'import'].includes(k ?? '') || !/^\d+$/.test(v ?? '')) throw new Error(`--workers: expected e.g. ws=3,http=3,upload=1,import=1, got ${JSON.stringify(kv)}`);
    return [k, Number(v)];
  }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seconds = flag(args, '--seconds') ?? (flag(args, '--minutes') ?? 1) * 60;
  const seed = flag(args, '--seed') ?? Math.floor(Math.random() * 2 ** 32);
  const report = await runFuzz({
    seed, durationMs: seconds * 1000, bystanderRatePerS: flag(args, '--rate'), workers: workers(args), dataRoot: text(args, '--data-root'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(report.violations.length ? `FAILED (seed ${seed}):\n  ${report.violations.join('\n  ')}\n` : `all invariants held (seed ${seed})\n`);
  process.exit(report.violations.length ? 1 : 0);
}

main().catch((e: unknown) => {
  process.stderr.write(`fuzz: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
