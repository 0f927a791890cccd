import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MysqlStore } from '../../central/store/mysql/index.js';
import { storeContract } from './store.js';
import { dropDatabase, mysqlReachable, MYSQL_SERVER } from '../helpers/services.js';

t.test('SQLite store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-contract-'));
  const store = new SqliteStore(join(dir, 'contract.db'));
  t.teardown(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  storeContract(t, async () => ({ store }));
});

const why = await mysqlReachable();
const skip = why ? `MariaDB is not reachable at ${MYSQL_SERVER} (${why}); skipping the MySQL contract run` : false;
t.test('MySQL/MariaDB store', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_contract_${process.pid}`;
  const store = await MysqlStore.open({ url, poolSize: 6 });
  t.teardown(async () => { try { await store.close(); } finally { await dropDatabase(url); } });
  storeContract(t, async () => ({ store, sibling: () => MysqlStore.open({ url, poolSize: 4 }) }));
});
