import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MysqlStore } from '../../central/store/mysql/index.js';
import { storeContract } from './store.js';
import { dropDatabase, mysqlReachable, MYSQL_SERVER } from '../helpers/services.js';
import { mariadbMissing, ownMariadb } from '../helpers/mariadb-server.js';

t.test('SQLite store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-contract-'));
  const store = new SqliteStore(join(dir, 'contract.db'));
  t.teardown(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  storeContract(t, async () => ({ store, raw: async (sql, params = []) => { store.db.prepare(sql).run(...params); } }));
});

const why = await mysqlReachable();
const skip = why ? `MariaDB is not reachable at ${MYSQL_SERVER} (${why}); skipping the MySQL contract run` : false;
t.test('MySQL/MariaDB store', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_contract_${process.pid}`;
  const store = await MysqlStore.open({ url, poolSize: 6 });
  t.teardown(async () => { try { await store.close(); } finally { await dropDatabase(url); } });
  storeContract(t, async () => ({ store, sibling: () => MysqlStore.open({ url, poolSize: 4 }), raw: async (sql, params) => { await store.pool.query(sql, params); } }));
});

// Galera and some replication setups step auto-increment ids (here by 3): ids read back must still be right.
const ownSkip = mariadbMissing();
t.test('MySQL/MariaDB store, auto-increment stepped by 3', { skip: ownSkip ? `${ownSkip}; skipping` : false }, async (t) => {
  const server = await ownMariadb({ serverArgs: ['--auto-increment-increment=3', '--auto-increment-offset=2'] });
  t.teardown(() => server.stop());
  const admin = await server.admin();
  await admin.query("CREATE USER 'sb'@'127.0.0.1' IDENTIFIED BY 'contract'; GRANT ALL ON *.* TO 'sb'@'127.0.0.1'");
  const url = `mysql://sb:contract@127.0.0.1:${server.port}/switchboard_contract`;
  const store = await MysqlStore.open({ url, poolSize: 6 });
  t.teardown(() => store.close());
  storeContract(t, async () => ({ store, sibling: () => MysqlStore.open({ url, poolSize: 4 }), raw: async (sql, params) => { await store.pool.query(sql, params); } }));
});
