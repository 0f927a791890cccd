import { AppError } from '../../shared/errors.js';
import type { ApiClient } from '../../shared/sdk/api.js';
import { importFile } from './import-files.js';
import type { Rng } from './random.js';
import type { Tally } from './tally.js';
import { sleep } from './ws-fuzz.js';

/** The slowest import call of each shape, so that a slow refusal shows even when it succeeds. */
export type ImportTimes = Map<string, { n: number; maxMs: number; bytes: number }>;

/**
 * Uploads a hostile file as an administrator and asks the directory to import it (mostly as a dry run; a
 * small well-formed org for real now and then). A quick refusal (SB_IMPORT_INVALID) or a quick import are
 * both fine: what matters is that the node stays up and keeps answering everyone else.
 */
export async function hostileImport(r: Rng, admin: ApiClient, tally: Tally, times: ImportTimes): Promise<void> {
  const file = importFile(r);
  tally.send('import');
  const input = () => `${file.shape}: ${file.bytes.length} bytes as ${file.format}`;
  const started = Date.now();
  try {
    const up = await admin.upload(`fuzz.${file.format === 'rtx' ? 'xml' : file.format}`, 'application/octet-stream', file.bytes);
    const dryRun = !file.shape.startsWith('csv small org') || r.chance(0.5);
    const report = await admin.callUnchecked<{ ok: boolean }>('admin.dir.import', { file_id: up.id, format: file.format, dry_run: dryRun, org_id: r.chance(0.9) ? 1 : r.pick([0, 2, 99, -1]) });
    tally.outcome('import', report.ok ? 'ok' : 'issues-reported', input);
  } catch (e) {
    tally.outcome('import', e instanceof AppError ? e.code : 'client-error', () => `${input()} → ${(e as Error).message}`);
  } finally {
    const shape = times.get(file.shape) ?? { n: 0, maxMs: 0, bytes: 0 };
    times.set(file.shape, { n: shape.n + 1, maxMs: Math.max(shape.maxMs, Date.now() - started), bytes: Math.max(shape.bytes, file.bytes.length) });
  }
  // An administrator's console, not a load generator: a hostile file every two seconds or so. (Parsing is
  // synchronous in central: a file refused at the row cap holds it up for about 0.1 s; see docs/security.md.)
  await sleep(r.int(1_000, 3_000));
}
