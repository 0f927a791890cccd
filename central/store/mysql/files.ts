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
        const r = await tx.q(`INSERT INTO files (sha256, size, name, mime, uploader_id, created_at, width, height, thumb_sha256, thumb_size)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [rec.sha256, rec.size, rec.name, rec.mime, rec.uploader_id, rec.created_at, rec.width ?? null, rec.height ?? null, rec.thumb_sha256 ?? null, rec.thumb_size ?? null]);
        return Number(r.insertId);
      });
      return { width: null, height: null, thumb_sha256: null, thumb_size: null, ...rec, id };
    },
    get,
    setThumb: async (id, t) => {
      await writes.run(async (tx) => {
        await tx.q('UPDATE files SET width = ?, height = ?, thumb_sha256 = ?, thumb_size = ? WHERE id = ? AND thumb_sha256 IS NULL',
          [t.width, t.height, t.thumb_sha256, t.thumb_size, id]);
      });
      return get(id);
    },
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
