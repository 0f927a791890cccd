import mysql from 'mysql2/promise';
import { join } from 'node:path';
import { startCentral } from '../../central/node.js';
import { mysqlDirectoryStore } from '../../central/store/mysql/directory.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { startRelay } from '../../relay/server.js';
import { MemoryBus } from '../../shared/bus/memory.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/log.js';
import { MIGRATIONS, migrationSql } from '../../central/store/schema.js';
import { version } from '../roles.js';

/**
 * All-in-one node for the directory benchmark. With SB_BENCH_MYSQL=<database>
 * the directory tables live in MariaDB (mysqlDirectoryStore) while the rest of
 * the store stays on SQLite, so the directory's own SQL is what gets measured.
 */
async function main(): Promise<void> {
  const config = loadConfig({ role: 'all-in-one' });
  const log = createLogger('bench-directory', config.logLevel);
  const store = new SqliteStore(join(config.dataDir, 'switchboard.db'), { synchronous: config.store.kind === 'sqlite' ? config.store.synchronous : 'FULL' });
  const database = process.env.SB_BENCH_MYSQL;
  let pool: mysql.Pool | null = null;
  if (database) {
    pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database, connectionLimit: 8 });
    for (const m of MIGRATIONS) for (const sql of migrationSql(m, 'mysql')) await pool.query(sql);
    // The users rows the directory links to live next to it.
    const [rows] = await pool.query('SELECT COUNT(*) AS n FROM users') as unknown as [{ n: number }[]];
    if (Number(rows[0]!.n) === 0) await pool.query("INSERT INTO users (id, account, name, password_hash, is_admin, disabled, created_at, updated_at) VALUES (1, 'admin', 'Administrator', '', 1, 0, 0, 0)");
    store.directory = mysqlDirectoryStore(pool);
  }
  const bus = new MemoryBus();
  const central = await startCentral({ config, bus, cache: new MemoryCache(), log, store });
  const relay = await startRelay({ config, bus, log, version: version() });
  process.stderr.write(`directory bench server on ${relay.port} (${database ? `MariaDB ${database}` : 'SQLite'})\n`);
  const stop = () => { void relay.stop().then(() => central.stop()).then(() => pool?.end()).then(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
