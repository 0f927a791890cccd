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
    attach: (fileId, convId, seq) => writes.run(async (tx) => {
      await tx.q('INSERT IGNORE INTO file_refs (file_id, conv_id) VALUES (?, ?)', [fileId, convId]);
      await tx.q('INSERT IGNORE INTO file_uses (file_id, conv_id, seq) VALUES (?, ?, ?)', [fileId, convId, seq]);
    }),
    detach: (convId, seq, fileIds) => writes.run(async (tx) => {
      const closed: number[] = [];
      for (const fileId of new Set(fileIds)) {
        // The conversation's reference row is locked first, so a concurrent attach waits for the decision.
        const ref = await tx.q('SELECT 1 AS ok FROM file_refs WHERE file_id = ? AND conv_id = ? FOR UPDATE', [fileId, convId]) as Row[];
        await tx.q('DELETE FROM file_uses WHERE file_id = ? AND conv_id = ? AND seq = ?', [fileId, convId, seq]);
        // A locking read: it sees a use committed since this transaction's snapshot (a send of the same file meanwhile).
        const left = await tx.q('SELECT 1 AS ok FROM file_uses WHERE file_id = ? AND conv_id = ? LIMIT 1 FOR UPDATE', [fileId, convId]) as Row[];
        if (left.length > 0 || ref.length === 0) continue;
        await tx.q('DELETE FROM file_refs WHERE file_id = ? AND conv_id = ?', [fileId, convId]);
        closed.push(fileId);
      }
      return closed;
    }),
    usesIn: async (convId, { beforeSeq, limit }) => (await read(
      `SELECT file_id, seq FROM file_uses WHERE conv_id = ?${beforeSeq === undefined ? '' : ' AND seq < ?'} ORDER BY seq DESC, file_id LIMIT ${Math.max(1, Math.floor(limit))}`,
      beforeSeq === undefined ? [convId] : [convId, beforeSeq])).map((r) => ({ file_id: Number(r.file_id), seq: Number(r.seq) })),
    canAccess: async (userId, fileId) => {
      const rows = await read(`SELECT 1 AS ok FROM files f WHERE f.id = ? AND (f.uploader_id = ? OR EXISTS (
        SELECT 1 FROM file_refs r JOIN members m ON m.conv_id = r.conv_id WHERE r.file_id = f.id AND m.user_id = ? AND m.active = 1)
        OR EXISTS (SELECT 1 FROM favourites v WHERE v.file_id = f.id AND v.user_id = ? AND v.removed = 0))`,
      [fileId, userId, userId, userId]);
      return rows.length > 0;
    },
  };
}
