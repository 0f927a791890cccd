import type { LoginEventRecord, LoginLogStore } from '../../../core/ports.js';
import type { OnlineSample } from '../../../shared/protocol/signins.js';
import { loginLogQuery } from '../login-log-query.js';
import type { MysqlDb } from './db.js';

/** Sign-ins and samples are independent rows: plain pool writes, outside the stream lock that orders messages. */
export function mysqlLoginLogStore(db: MysqlDb): LoginLogStore {
  return {
    record: async (e) => {
      await db.pool.query('INSERT INTO login_events (at, account, user_id, ip, device_type, device_name, result) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [e.at, e.account, e.user_id, e.ip, e.device_type, e.device_name, e.result]);
    },
    list: async (opts) => {
      const q = loginLogQuery(opts);
      return q ? (await db.rows(q.sql, q.params)).map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }) as LoginEventRecord) : [];
    },
    sampleOnline: async (s) => {
      await db.pool.query('INSERT IGNORE INTO online_samples (at, total, by_device) VALUES (?, ?, ?)', [s.at, s.total, JSON.stringify(s.by_device)]);
    },
    onlineSamples: async ({ since, until, limit }) => (await db.rows('SELECT at, total, by_device FROM online_samples WHERE at >= ? AND at < ? ORDER BY at LIMIT ?',
      [since, until, limit])).map((r) => ({
      at: Number(r.at), total: Number(r.total), by_device: typeof r.by_device === 'string' ? JSON.parse(r.by_device) : r.by_device,
    }) as OnlineSample),
  };
}
