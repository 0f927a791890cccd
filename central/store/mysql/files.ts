import type { FileRecord, FileStore } from '../../../core/ports.js';
import type { MysqlWriteBatcher, Row } from './batcher.js';

export function mysqlFileStore(read: (sql: string, params: unknown[]) => Promise<Row[]>, writes: MysqlWriteBatcher): FileStore {
  const get = async (id: number): Promise<FileRecord | null> => {
    const rows = await read('SELECT * FROM files WHERE id = ?', [id]);
    return (rows[0] as FileRecord | undefined) ?? null;
  };
  return {
    create: async (rec) => {
      const id = await writes.run(async (tx) => {
        const r = await tx.q('INSERT INTO files (sha256, size, name, mime, uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          [rec.sha256, rec.size, rec.name, rec.mime, rec.uploader_id, rec.created_at]);
        return Number(r.insertId);
      });
      return { id, ...rec };
    },
    get,
    attach: (fileId, convId) => writes.run(async (tx) => {
      await tx.q('INSERT IGNORE INTO file_refs (file_id, conv_id) VALUES (?, ?)', [fileId, convId]);
    }),
    canAccess: async (userId, fileId) => {
      const rows = await read(`SELECT 1 AS ok FROM files f WHERE f.id = ? AND (f.uploader_id = ? OR EXISTS (
        SELECT 1 FROM file_refs r JOIN members m ON m.conv_id = r.conv_id WHERE r.file_id = f.id AND m.user_id = ? AND m.active = 1)
        OR EXISTS (SELECT 1 FROM favourites v WHERE v.file_id = f.id AND v.user_id = ? AND v.removed = 0))`,
      [fileId, userId, userId, userId]);
      return rows.length > 0;
    },
  };
}
