import type Database from 'better-sqlite3';
import type { FileRecord, FileStore } from '../../../core/ports.js';
import type { WriteBatcher } from './batcher.js';

export function sqliteFileStore(db: Database.Database, writes: WriteBatcher): FileStore {
  const get = db.prepare('SELECT * FROM files WHERE id = ?');
  return {
    create: (rec) => writes.run(() => {
      const r = db.prepare(`INSERT INTO files (sha256, size, name, mime, uploader_id, created_at, width, height, thumb_sha256, thumb_size)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(rec.sha256, rec.size, rec.name, rec.mime, rec.uploader_id, rec.created_at, rec.width ?? null, rec.height ?? null, rec.thumb_sha256 ?? null, rec.thumb_size ?? null);
      return get.get(r.lastInsertRowid) as FileRecord;
    }),
    get: async (id) => (get.get(id) as FileRecord | undefined) ?? null,
    setThumb: (id, t) => writes.run(() => {
      db.prepare('UPDATE files SET width = ?, height = ?, thumb_sha256 = ?, thumb_size = ? WHERE id = ? AND thumb_sha256 IS NULL')
        .run(t.width, t.height, t.thumb_sha256, t.thumb_size, id);
      return (get.get(id) as FileRecord | undefined) ?? null;
    }),
    attach: (fileId, convId, seq) => writes.run(() => {
      db.prepare('INSERT OR IGNORE INTO file_refs (file_id, conv_id) VALUES (?, ?)').run(fileId, convId);
      db.prepare('INSERT OR IGNORE INTO file_uses (file_id, conv_id, seq) VALUES (?, ?, ?)').run(fileId, convId, seq);
    }),
    detach: (convId, seq, fileIds) => writes.run(() => {
      const closed: number[] = [];
      for (const fileId of new Set(fileIds)) {
        db.prepare('DELETE FROM file_uses WHERE file_id = ? AND conv_id = ? AND seq = ?').run(fileId, convId, seq);
        if (db.prepare('SELECT 1 FROM file_uses WHERE file_id = ? AND conv_id = ? LIMIT 1').get(fileId, convId)) continue;
        if (db.prepare('DELETE FROM file_refs WHERE file_id = ? AND conv_id = ?').run(fileId, convId).changes > 0) closed.push(fileId);
      }
      return closed;
    }),
    usesIn: async (convId, { beforeSeq, limit }) => (db.prepare(`SELECT file_id, seq FROM file_uses WHERE conv_id = ?${beforeSeq === undefined ? '' : ' AND seq < ?'} ORDER BY seq DESC, file_id LIMIT ?`)
      .all(...(beforeSeq === undefined ? [convId, limit] : [convId, beforeSeq, limit])) as { file_id: number; seq: number }[]),
    canAccess: async (userId, fileId) => {
      const row = db.prepare(`SELECT 1 FROM files f WHERE f.id = ? AND (f.uploader_id = ? OR EXISTS (
        SELECT 1 FROM file_refs r JOIN members m ON m.conv_id = r.conv_id WHERE r.file_id = f.id AND m.user_id = ? AND m.active = 1)
        OR EXISTS (SELECT 1 FROM favourites v WHERE v.file_id = f.id AND v.user_id = ? AND v.removed = 0))`)
        .get(fileId, userId, userId, userId);
      return row !== undefined;
    },
  };
}
