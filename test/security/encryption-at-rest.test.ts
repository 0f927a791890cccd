import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connectedPair, startServer, type TestServer } from '../helpers/server.js';
import { mariadbMissing, ownMariadb } from '../helpers/mariadb-server.js';

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const s = statSync(p);
    return s.isDirectory() ? filesUnder(p) : s.isFile() ? [p] : [];
  });
}

/** Windows of `size` bytes of `needle`, every `step` bytes: a long piece of it found anywhere counts. */
const windows = (needle: Buffer, size: number, step: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i + size <= needle.length; i += step) out.push(needle.subarray(i, i + size));
  return out;
};

/** The files that hold any piece of the needle. */
function holders(dirs: string[], needle: Buffer, size: number, step: number): string[] {
  const pieces = windows(needle, size, step);
  return dirs.flatMap(filesUnder).filter((f) => {
    const bytes = readFileSync(f);
    return pieces.some((p) => bytes.includes(p));
  });
}

const uniqueText = (): string => randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x');

/**
 * Sends a unique text (and an edit of it) and a unique file through the real relay, checks members still read,
 * find and download them, then scans `dirs`: neither text nor any 32 bytes of the file are in any file, while
 * the group's title (stored as it is) is, so the scan sees what was written.
 */
async function sendAndScan(t: Test, server: TestServer, dirs: () => Promise<string[]>): Promise<void> {
  const { alice, bob, a } = await connectedPair(t, server);
  const title = `title${uniqueText()}`;
  const group = await a.createGroup(title, [bob.user.id]);
  const text = uniqueText();
  const edited = uniqueText();
  const sent = await a.send(group.id, `${text} 预算会议`);
  const other = await a.send(group.id, `${edited.slice(0, 4)} first`);
  await alice.api.call('msg.edit', { conv_id: group.id, seq: other.seq, text: edited });

  const history = await bob.api.call('msg.history', { conv_id: group.id, limit: 50 });
  const texts = history.messages.map((m) => (m.body as { text?: string }).text);
  t.ok(texts.includes(`${text} 预算会议`), 'a member reads the text');
  t.ok(texts.includes(edited), 'and the edit');
  const hits = (await bob.api.call('msg.search', { q: text.toLowerCase() })).hits;
  t.same(hits.map((h) => h.seq), [sent.seq], 'search finds the message by its word');
  t.match(hits[0]!.snippet, text, 'with its text in the snippet');
  t.equal((await bob.api.call('msg.search', { q: '预算' })).hits.length, 1, 'and by a Chinese word');
  t.equal((await bob.api.call('msg.search', { q: edited.toLowerCase() })).hits.length, 1, 'the edit is found');

  // A unique file, shared, downloaded twice by a member (the second time from the relay's cache).
  const fileName = `name${uniqueText()}.bin`;
  const content = randomBytes(300_000);
  const file = await alice.api.upload(fileName, 'application/octet-stream', content);
  await alice.api.call('msg.send', { conv_id: group.id, cmid: `f-${randomBytes(6).toString('hex')}`, body: { file_id: file.id } });
  for (const time of ['first', 'second']) {
    const r = await fetch(`${server.url}/api/v1/files/${file.id}`, { headers: { authorization: `Bearer ${bob.token}` } });
    t.ok(Buffer.from(await r.arrayBuffer()).equals(content), `a member downloads the file's bytes (${time} time)`);
  }
  const health = await (await fetch(`${server.url}/healthz`)).json() as { files: { cache_hits: number } };
  t.ok(health.files.cache_hits >= 1, "the relay's cache served it");
  const last = (await bob.api.call('msg.history', { conv_id: group.id, limit: 50 })).messages.at(-1)!;
  t.equal((last.body as { file: { name: string } }).file.name, fileName, "the file message's name reads back");

  const where = await dirs();
  t.same(holders(where, content, 32, 4096), [], "no 32 bytes of the file's content in any file (database, origin, relay cache)");
  t.not(holders(where, Buffer.from(title), 16, 4).length, 0, 'control: the title, stored as it is, is found by the scan');
  for (const [name, needle] of [['text', text], ['edit', edited]] as const) {
    t.same(holders(where, Buffer.from(needle), 12, 3), [], `no 12 characters of the ${name} in any file`);
    t.same(holders(where, Buffer.from(needle.toLowerCase()), 12, 3), [], `nor of its lower-cased search word`);
  }
}

t.test('SQLite: the database, its WAL and shared memory hold no message text', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  await sendAndScan(t, server, async () => {
    const names = readdirSync(server.dataDir);
    t.ok(names.includes('switchboard.db-wal'), 'the WAL is there, unchecked, and scanned too');
    return [server.dataDir];
  });
});

const missing = mariadbMissing();
t.test('MariaDB: table spaces, redo and undo logs hold no message text', { skip: missing ?? false }, async (t) => {
  const db = await ownMariadb();
  t.teardown(() => db.stop());
  const admin = await db.admin();
  await admin.query("CREATE USER 'sb'@'127.0.0.1' IDENTIFIED BY 'at-rest'; GRANT ALL ON *.* TO 'sb'@'127.0.0.1'");
  const [[row]] = await admin.query('SELECT @@datadir AS dir') as unknown as [{ dir: string }[]];
  const server = await startServer({ store: { kind: 'mysql', url: `mysql://sb:at-rest@127.0.0.1:${db.port}/switchboard_at_rest`, poolSize: 4 } });
  t.teardown(() => server.stop());
  await sendAndScan(t, server, async () => {
    // Pages reach the table spaces as well as the redo log before the scan.
    await admin.query('SET GLOBAL innodb_max_dirty_pages_pct = 0');
    await admin.query('FLUSH TABLES');
    const names = filesUnder(row!.dir).map((f) => f.slice(row!.dir.length));
    t.ok(names.some((n) => n.endsWith('messages.ibd')), 'the messages table space is scanned');
    t.ok(names.some((n) => n.startsWith('ib_logfile')), 'and the redo log');
    return [row!.dir, server.dataDir];
  });
});
