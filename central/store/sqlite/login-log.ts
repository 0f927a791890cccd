import type { LoginEventRecord, LoginLogStore } from '../../../core/ports.js';
import type { OnlineSample } from '../../../shared/protocol/signins.js';
import { loginLogQuery } from '../login-log-query.js';
import type { Row, SqliteDb } from './db.js';

export function sqliteLoginLogStore(db: SqliteDb): LoginLogStore {
  return {
    record: (e) => db.writes.run(() => {
      db.stmt('INSERT INTO login_events (at, account, user_id, ip, device_type, device_name, result) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(e.at, e.account, e.user_id, e.ip, e.device_type, e.device_name, e.result);
    }),
    list: async (opts) => {
      const q = loginLogQuery(opts);
      return q ? db.sqlite.prepare(q.sql).all(...q.params) as LoginEventRecord[] : [];
    },
    sampleOnline: (s) => db.writes.run(() => {
      db.stmt('INSERT OR IGNORE INTO online_samples (at, total, by_device) VALUES (?, ?, ?)').run(s.at, s.total, JSON.stringify(s.by_device));
    }),
    onlineSamples: async ({ since, until, limit }) => (db.stmt('SELECT at, total, by_device FROM online_samples WHERE at >= ? AND at < ? ORDER BY at LIMIT ?')
      .all(since, until, limit) as Row[]).map((r) => ({ at: r.at, total: r.total, by_device: JSON.parse(r.by_device as string) }) as OnlineSample),
  };
}
