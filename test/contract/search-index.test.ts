import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MysqlStore } from '../../central/store/mysql/index.js';
import { searchIndexContract } from './search-index.js';
import { dropDatabase, mysqlReachable, MYSQL_SERVER } from '../helpers/services.js';

t.test('SQLite search index (FTS5)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-search-'));
  const store = new SqliteStore(join(dir, 'search.db'));
  t.teardown(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  searchIndexContract(t, async () => store);
});

const why = await mysqlReachable();
t.test('MySQL/MariaDB search index (inverted-index table)', { skip: why ? `MariaDB is not reachable at ${MYSQL_SERVER} (${why})` : false }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_search_${process.pid}`;
  const store = await MysqlStore.open({ url, poolSize: 6 });
  t.teardown(async () => { try { await store.close(); } finally { await dropDatabase(url); } });
  searchIndexContract(t, async () => store);
});
