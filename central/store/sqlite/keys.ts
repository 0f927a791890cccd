import type { DataKeyRecord, DataKeyStore } from '../../../core/ports.js';
import type { SqliteDb } from './db.js';

/** Wrapped data keys of encryption at rest on SQLite. */
export function sqliteDataKeyStore(db: SqliteDb): DataKeyStore {
  const one = (k: Pick<DataKeyRecord, 'scope' | 'owner' | 'version'>) =>
    db.stmt('SELECT * FROM data_keys WHERE scope = ? AND owner = ? AND version = ?').get(k.scope, k.owner, k.version) as DataKeyRecord;
  return {
    list: async (scope, owner) => db.stmt('SELECT * FROM data_keys WHERE scope = ? AND owner = ? ORDER BY version').all(scope, owner) as DataKeyRecord[],
    add: (k) => db.writes.run(() => {
      db.stmt('INSERT OR IGNORE INTO data_keys (scope, owner, version, master_id, wrapped, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(k.scope, k.owner, k.version, k.master_id, k.wrapped, k.created_at);
      return one(k);
    }),
    wrappedOtherThan: async (masterId, after, limit) => db.stmt(`SELECT * FROM data_keys WHERE master_id <> ? AND (scope, owner, version) > (?, ?, ?)
        ORDER BY scope, owner, version LIMIT ?`).all(masterId, after?.scope ?? '', after?.owner ?? 0, after?.version ?? 0, limit) as DataKeyRecord[],
    rewrap: (k, fromMaster) => db.writes.run(() => db.stmt('UPDATE data_keys SET master_id = ?, wrapped = ? WHERE scope = ? AND owner = ? AND version = ? AND master_id = ?')
      .run(k.master_id, k.wrapped, k.scope, k.owner, k.version, fromMaster).changes > 0),
  };
}
