import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdmin } from '../../scripts/admin-cli.js';

/**
 * The admin CLI run in-process, with its credentials in a scratch directory
 * (`dir`, removed at teardown, free for the test's own files too).
 */
export function adminCli(t: { teardown(fn: () => unknown): void }, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.env.SWITCHBOARD_CREDENTIALS = join(dir, 'credentials.json');
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }); delete process.env.SWITCHBOARD_CREDENTIALS; });
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runAdmin(args, (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };
  const json = async <T>(...args: string[]) => JSON.parse((await run(...args, '--json')).out) as T;
  return { dir, run, json };
}
