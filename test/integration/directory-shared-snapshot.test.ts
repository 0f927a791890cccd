import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DiskBlobStore } from '../../central/files/disk-blobs.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { systemClock, type EventSink } from '../../core/ports.js';
import { createServices } from '../../core/services.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { loadConfig } from '../../shared/config.js';

/**
 * Several central processes share one store and one cache. A relay asks one of
 * them for a directory snapshot and fetches its parts from whichever answers:
 * every central must hand out the same bytes.
 */
t.test('a snapshot built by one central is served in parts by another', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-dir-shared-'));
  const store = new SqliteStore(join(dir, 'switchboard.db'));
  t.teardown(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  const config = loadConfig({ role: 'central', env: {}, overrides: { dataDir: dir } });
  const events: EventSink = { emit: () => {}, sessionsEnded: () => {}, located: () => {}, accessRevoked: () => {}, filesRevoked: () => {} };
  const cache = new MemoryCache();
  const central = () => createServices({ store, blobs: new DiskBlobStore(join(dir, 'files')), cache, events, clock: systemClock, config });
  const a = central();
  const b = central();

  await a.admin.ensureInitialAdmin('admin', 'admin-password-123');
  const admin = { userId: (await store.users.byAccount('admin'))!.id, sessionId: 'test' };
  const dept = await a.directory.createDept(admin, { org_id: 1, name: '研发部' }) as { id: number };
  for (let i = 0; i < 20; i++) await a.directory.createPerson(admin, { account: `p${i}`, name: `员工${i}`, depts: [dept.id] });

  const meta = await a.directory.snapshotMeta(admin);
  const fromA = Buffer.from((await a.directory.snapshotPart(admin, { key: meta.key, offset: 0 })).data, 'base64');
  const fromB = Buffer.from((await b.directory.snapshotPart(admin, { key: meta.key, offset: 0 })).data, 'base64');
  t.equal(fromB.length, meta.size, 'the other central serves the whole part');
  t.ok(fromB.equals(fromA), 'with the same bytes');
  const people = (JSON.parse(gunzipSync(fromB).toString('utf8')) as { people: unknown[] }).people;
  t.ok(people.length >= 20, `the snapshot holds the people (${people.length})`);

  // Without the shared copy the other central says so plainly; the relay then starts over.
  await cache.del(`dir:snap:${meta.key}:0`);
  await t.rejects(b.directory.snapshotPart(admin, { key: meta.key, offset: 0 }), { code: 'SB_CONFLICT' }, 'a missing shared copy is a coded conflict');
  await t.rejects(b.directory.snapshotPart(admin, { key: `${meta.key}x`, offset: 0 }), { code: 'SB_CONFLICT' }, 'a key for another view is refused');
});
