import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { generatedKeyFile, loadMasterKeys, masterIdOf, parseMasterKeys } from '../../central/at-rest/master-keys.js';

const log = pino({ level: 'silent' });
const atRest = (more: { masterKey?: string; masterKeyFile?: string } = {}) => ({ enabled: true, masterKey: more.masterKey ?? null, masterKeyFile: more.masterKeyFile ?? null });

t.test('master keys: given, generated once for the all-in-one, refused missing in a cluster', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-master-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const k1 = Buffer.alloc(32, 1).toString('base64');
  const k2 = Buffer.alloc(32, 2).toString('base64');

  const given = loadMasterKeys({ role: 'central', dataDir: dir, atRest: atRest({ masterKey: `${k1},${k2}` }) }, log);
  t.equal(given.current.id, masterIdOf(Buffer.alloc(32, 2)), 'the last one given is current');
  t.equal(given.byId.size, 2, 'both are known');
  const file = join(dir, 'keys');
  writeFileSync(file, `${k1}\n`);
  const both = loadMasterKeys({ role: 'central', dataDir: dir, atRest: atRest({ masterKeyFile: file, masterKey: k2 }) }, log);
  t.equal(both.current.id, given.current.id, "the variable's keys come after the file's");

  t.throws(() => loadMasterKeys({ role: 'central', dataDir: dir, atRest: atRest() }, log), /SWITCHBOARD_MASTER_KEY/, 'a cluster central without a key does not start');
  t.throws(() => parseMasterKeys('c2hvcnQ=', 'SWITCHBOARD_MASTER_KEY'), /key 1 is not base64 of 32 bytes/);
  t.throws(() => parseMasterKeys('  ', 'f'), /no master key/);

  const own = loadMasterKeys({ role: 'all-in-one', dataDir: join(dir, 'data'), atRest: atRest() }, log);
  const path = generatedKeyFile(join(dir, 'data'));
  t.equal(statSync(path).mode & 0o777, 0o600, 'the generated key file is private');
  t.equal(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').length, 32);
  t.equal(loadMasterKeys({ role: 'all-in-one', dataDir: join(dir, 'data'), atRest: atRest() }, log).current.id, own.current.id, 'and read, not remade, at the next start');
});
