import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/log.js';

/** A master key of encryption at rest; `id` is a fingerprint, stored beside what it wraps. */
export interface MasterKey { id: string; key: Buffer }

/** The known master keys: several during a rotation; the last one given is current (new wrapping uses it). */
export interface MasterKeys { current: MasterKey; byId: Map<string, MasterKey> }

export const masterIdOf = (key: Buffer): string => createHash('sha256').update('switchboard master key id\n').update(key).digest('hex').slice(0, 16);

/** Base64 keys of 32 bytes, separated by whitespace or commas; `source` names where they came from in errors. */
export function parseMasterKeys(text: string, source: string): MasterKey[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new Error(`${source}: no master key (base64 of 32 random bytes, e.g. from \`openssl rand -base64 32\`)`);
  return parts.map((p, i) => {
    const key = Buffer.from(p, 'base64');
    if (key.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(p)) throw new Error(`${source}: key ${i + 1} is not base64 of 32 bytes`);
    return { id: masterIdOf(key), key };
  });
}

export function masterKeysOf(list: MasterKey[]): MasterKeys {
  return { current: list[list.length - 1]!, byId: new Map(list.map((k) => [k.id, k])) };
}

/** Where the all-in-one keeps the master key it made itself: the data directory, outside the database. */
export const generatedKeyFile = (dataDir: string): string => join(dataDir, 'master.key');

/**
 * The master keys from atRest.masterKeyFile, then atRest.masterKey (SWITCHBOARD_MASTER_KEY), the last one
 * current. With neither, the all-in-one makes a key file in its data directory (mode 0600) on first start and
 * reads it afterwards; a central of a cluster refuses to start, since its peers must share the same key.
 */
export function loadMasterKeys(config: Pick<Config, 'role' | 'dataDir' | 'atRest'>, log: Logger): MasterKeys {
  const list: MasterKey[] = [];
  const { masterKeyFile, masterKey } = config.atRest;
  if (masterKeyFile) list.push(...parseMasterKeys(readFileSync(masterKeyFile, 'utf8'), `atRest.masterKeyFile (${masterKeyFile})`));
  if (masterKey) list.push(...parseMasterKeys(masterKey, 'atRest.masterKey (SWITCHBOARD_MASTER_KEY)'));
  if (list.length) return masterKeysOf(list);
  if (config.role !== 'all-in-one') {
    throw new Error('encryption at rest needs a master key: set SWITCHBOARD_MASTER_KEY (base64 of 32 bytes, `openssl rand -base64 32`) '
      + 'or atRest.masterKeyFile, the same on every central (docs/security.md)');
  }
  const file = generatedKeyFile(config.dataDir);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    log.warn({ file }, 'generated the master key of encryption at rest; back it up apart from the database: without it nothing stored can be read');
  }
  return masterKeysOf(parseMasterKeys(readFileSync(file, 'utf8'), file));
}
