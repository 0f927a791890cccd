import t from 'tap';
import mysql from 'mysql2/promise';
import { MysqlStore, parseMysqlUrl } from '../../central/store/mysql/index.js';
import { MIGRATIONS, migrationSql } from '../../central/store/schema.js';
import { verifyAuditChain } from '../../core/admin/audit-chain.js';
import { dropDatabase, mysqlReachable, MYSQL_SERVER } from '../helpers/services.js';

/** What only the MySQL store has to get right: shared databases, several processes, InnoDB locking. */
const why = await mysqlReachable();
const skip = why ? `MariaDB is not reachable at ${MYSQL_SERVER} (${why}); skipping the MySQL store tests` : false;

async function connect(url: string) {
  const { host, port, user, password, database } = parseMysqlUrl(url);
  return mysql.createConnection({ host, port, user, password, database });
}

t.test('centrals starting together create the database and migrate it once', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_boot_${process.pid}`;
  await dropDatabase(url);
  t.teardown(() => dropDatabase(url));
  const stores = await Promise.all([1, 2, 3].map(() => MysqlStore.open({ url, poolSize: 2 })));
  t.teardown(async () => { for (const s of stores) await s.close(); });
  const c = await connect(url);
  t.teardown(() => c.end());
  const [rows] = await c.query('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
  t.same((rows as { version: number; n: number }[]).map((r) => [r.version, Number(r.n)]), MIGRATIONS.map((m) => [m.version, 1]), 'each migration recorded once');
  const [stream] = await c.query('SELECT id, pos FROM stream');
  t.same(stream, [{ id: 1, pos: 0 }], 'one stream row');
  const u = await stores[1]!.users.create({ account: 'boot', name: 'Boot', passwordHash: 'h', isAdmin: false, at: 1 });
  t.same(await stores[2]!.users.byId(u.id), u, 'every handle sees the same data');
  const again = await MysqlStore.open({ url, poolSize: 1 });
  t.equal(await again.users.count(), 1, 'reopening applies nothing twice and keeps the data');
  await again.close();
});

t.test('InnoDB locking: a batch waits for an outside lock and survives being chosen as a deadlock victim', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_locks_${process.pid}`;
  const store = await MysqlStore.open({ url, poolSize: 2 });
  t.teardown(async () => { try { await store.close(); } finally { await dropDatabase(url); } });
  const a = await store.users.create({ account: 'a', name: 'A', passwordHash: 'h', isAdmin: false, at: 1 });
  const { conversation } = await store.conversations.create({
    kind: 'group', title: 'locks', ownerId: a.id, directKey: null, members: [{ userId: a.id, role: 'owner' }],
    first: { senderId: a.id, cmid: 'create', body: '{}', at: 1 },
  });
  const send = (cmid: string) => store.conversations.append({ convId: conversation.id, senderId: a.id, cmid, kind: 'text', body: '{}', at: 2, requireMember: true });

  const outside = await connect(url);
  t.teardown(() => outside.end());
  // 1. Someone holds the stream row: the write waits, then goes through.
  await outside.query('START TRANSACTION');
  await outside.query('SELECT pos FROM stream WHERE id = 1 FOR UPDATE');
  let done = false;
  const waiting = send('wait').then((r) => { done = true; return r; });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(done, false, 'the write waits for the lock');
  await outside.query('COMMIT');
  t.equal((await waiting).message.seq, 2, 'and completes once it is released');

  // 2. A deadlock: the outside transaction (heavier, so InnoDB keeps it) locks the conversation,
  //    the batch locks the stream row and waits for the conversation, the outside then asks for the stream row.
  const before = store.writeStats();
  await outside.query('START TRANSACTION');
  await outside.query('INSERT INTO audit_log (actor_id, action, target, details, at) VALUES ' + Array.from({ length: 200 }, () => "(NULL, 'weight', 'x', 'null', 1)").join(','));
  await outside.query('SELECT id FROM conversations WHERE id = ? FOR UPDATE', [conversation.id]);
  const victim = send('deadlock');
  await new Promise((r) => setTimeout(r, 300));
  await outside.query('SELECT pos FROM stream WHERE id = 1 FOR UPDATE');
  await outside.query('COMMIT');
  const r = await victim;
  t.equal(r.message.seq, 3, 'the append went through after its batch was run again');
  t.ok(store.writeStats().retries > before.retries, `the batch was retried (${store.writeStats().retries - before.retries} time(s))`);
  const [weights] = await outside.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'weight'");
  t.equal(Number((weights as { n: number }[])[0]!.n), 200, 'the outside transaction committed');
  t.same((await store.conversations.history(conversation.id, { afterSeq: 0, limit: 10 })).map((m) => m.seq), [1, 2, 3]);
});

t.test('a database from before the audit chain is chained on upgrade', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_chain_${process.pid}`;
  await dropDatabase(url);
  const { host, port, user, password, database } = parseMysqlUrl(url);
  const setup = await mysql.createConnection({ host, port, user, password });
  await setup.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await setup.end();
  const old = await connect(url);
  await old.query('CREATE TABLE schema_migrations (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL) ENGINE=InnoDB');
  for (const m of MIGRATIONS.filter((x) => x.version < 7)) {
    for (const sql of migrationSql(m, 'mysql')) await old.query(sql);
    await old.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 1)', [m.version]);
  }
  await old.query('INSERT INTO audit_log (actor_id, action, target, details, at) VALUES ' +
    Array.from({ length: 2_345 }, (_, i) => `(${i % 4 || 'NULL'}, 'user.create', 'user:${i}', '{"i":${i},"名":"值"}', ${1_000 + i})`).join(','));
  await old.end();

  const store = await MysqlStore.open({ url, poolSize: 2 });
  t.teardown(async () => { try { await store.close(); } finally { await dropDatabase(url); } });
  t.same(await verifyAuditChain(store.audit, 400), { ok: true, rows: 2_345 }, 'the rows already there are chained in id order');
  await store.audit.append({ actor_id: 1, action: 'after.upgrade', target: 'x', details: {}, at: 9_999 });
  t.same(await verifyAuditChain(store.audit), { ok: true, rows: 2_346 }, 'and new rows carry on the chain');
});
