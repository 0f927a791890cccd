import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { parseMysqlUrl } from '../../central/store/mysql/index.js';

/** The machine's MariaDB and Redis, as CI provides them; override with env. */
export const MYSQL_SERVER = process.env.SWITCHBOARD_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** Null when MariaDB answers, else the reason it does not. */
export async function mysqlReachable(): Promise<string | null> {
  const u = new URL(MYSQL_SERVER);
  try {
    const c = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), connectTimeout: 2_000 });
    await c.query('SELECT 1');
    await c.end();
    return null;
  } catch (e) {
    return (e as Error).message || String((e as { code?: string }).code);
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { host, port, user, password, database } = parseMysqlUrl(url);
  const c = await mysql.createConnection({ host, port, user, password });
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await c.end();
  }
}

/** Null when Redis answers PING, else the reason it does not. */
export async function redisReachable(url = REDIS_URL): Promise<string | null> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    r.disconnect();
  }
}
