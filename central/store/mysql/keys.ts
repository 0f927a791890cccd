import type { DataKeyRecord, DataKeyStore } from '../../../core/ports.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

const record = (r: Row): DataKeyRecord => ({
  scope: r.scope as DataKeyRecord['scope'], owner: Number(r.owner), version: Number(r.version), master_id: r.master_id as string,
  wrapped: r.wrapped as string, created_at: Number(r.created_at),
});

/** Wrapped data keys of encryption at rest on MySQL/MariaDB. */
export function mysqlDataKeyStore(db: MysqlDb): DataKeyStore {
  const list = async (scope: string, owner: number) =>
    (await db.rows('SELECT * FROM data_keys WHERE scope = ? AND owner = ? ORDER BY version', [scope, owner])).map(record);
  return {
    list,
    add: async (k) => {
      await db.writes.run(async (tx) => {
        await tx.q('INSERT IGNORE INTO data_keys (scope, owner, version, master_id, wrapped, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          [k.scope, k.owner, k.version, k.master_id, k.wrapped, k.created_at]);
      });
      return (await list(k.scope, k.owner)).find((r) => r.version === k.version)!;
    },
    wrappedOtherThan: async (masterId, after, limit) => (await db.rows(`SELECT * FROM data_keys WHERE master_id <> ? AND (scope, owner, version) > (?, ?, ?)
        ORDER BY scope, owner, version LIMIT ?`, [masterId, after?.scope ?? '', after?.owner ?? 0, after?.version ?? 0, limit])).map(record),
    rewrap: async (k, fromMaster) => db.writes.run(async (tx) => {
      const r = await tx.q('UPDATE data_keys SET master_id = ?, wrapped = ? WHERE scope = ? AND owner = ? AND version = ? AND master_id = ?',
        [k.master_id, k.wrapped, k.scope, k.owner, k.version, fromMaster]);
      return Number(r.affectedRows) > 0;
    }),
  };
}
