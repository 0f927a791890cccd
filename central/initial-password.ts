import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a generated password goes when nobody is at a terminal to read it. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Shows a generated first-administrator password once, never through the logger. At a terminal it is
 * printed there; otherwise stdout is a service log (journald, docker logs), so the password goes to a file
 * only this user can read and stdout names the file. Returns that file, or null when printed.
 */
export function showInitialPassword(opts: { account: string; password: string; dataDir: string; port: number; out?: Output }): string | null {
  const out = opts.out ?? process.stdout;
  const signIn = `Sign in at http://localhost:${opts.port}/ or with: npx switchboard admin login`;
  if (out.isTTY) {
    out.write(`\n  Initial administrator: ${opts.account}\n  Password: ${opts.password}\n  ${signIn}\n  It is shown only this once.\n\n`);
    return null;
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, INITIAL_PASSWORD_FILE);
  // A fresh file, so the mode applies (an existing file would keep its own).
  rmSync(file, { force: true });
  writeFileSync(file, `${opts.password}\n`, { mode: 0o600, flag: 'wx' });
  out.write(`\n  Initial administrator: ${opts.account}\n  Password: in ${file} (readable by this user only; delete it once signed in)\n  ${signIn}\n\n`);
  return file;
}
