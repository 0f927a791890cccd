import type { FavouriteRecord, FavouriteStore, NotifySettingsRecord, NotifySettingsStore } from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';

const toFav = (r: Row | undefined): FavouriteRecord | null => (r ? { ...r, removed: r.removed === 1 } as FavouriteRecord : null);

/** Favourites (收藏): rows are copies; a removal keeps a tombstone (with a new position) for the person's other devices. */
export function sqliteFavouriteStore(db: SqliteDb): FavouriteStore {
  const byKey = (userId: number, key: string) => toFav(db.stmt('SELECT * FROM favourites WHERE user_id = ? AND source_key = ?').get(userId, key) as Row | undefined);
  const byId = (id: number) => toFav(db.stmt('SELECT * FROM favourites WHERE id = ?').get(id) as Row | undefined);
  return {
    add: (f) => db.writes.run(() => {
      const existing = byKey(f.user_id, f.source_key);
      if (existing) return { favourite: existing, created: false };
      const r = db.stmt(`INSERT INTO favourites (user_id, source_key, kind, body, search_text, file_id, src_conv_id, src_seq, src_sender_id,
          src_sender_name, src_conv_title, src_at, created_at, removed, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`)
        .run(f.user_id, f.source_key, f.kind, f.body, f.search_text, f.file_id, f.src_conv_id, f.src_seq, f.src_sender_id,
          f.src_sender_name, f.src_conv_title, f.src_at, f.created_at, db.nextPos());
      return { favourite: byId(Number(r.lastInsertRowid))!, created: true };
    }),
    remove: (userId, id) => db.writes.run(() => {
      const f = byId(id);
      if (!f || f.user_id !== userId) return null;
      if (f.removed) return { favourite: f, changed: false };
      db.stmt('UPDATE favourites SET removed = 1, source_key = ?, pos = ? WHERE id = ?').run(`x:${id}`, db.nextPos(), id);
      return { favourite: byId(id)!, changed: true };
    }),
    list: async (userId, { beforeId, limit, query }) => (db.stmt(
      'SELECT * FROM favourites WHERE user_id = ? AND removed = 0 AND id < ? AND (? IS NULL OR INSTR(search_text, ?) > 0) ORDER BY id DESC LIMIT ?',
    ).all(userId, beforeId ?? Number.MAX_SAFE_INTEGER, query ?? null, query ?? null, limit) as Row[]).map((r) => toFav(r)!),
    changedSince: async (userId, since) => (db.stmt('SELECT * FROM favourites WHERE user_id = ? AND pos > ? ORDER BY id')
      .all(userId, since) as Row[]).map((r) => toFav(r)!),
  };
}

export function sqliteNotifySettingsStore(db: SqliteDb): NotifySettingsStore {
  return {
    get: async (userId) => (db.stmt('SELECT * FROM notify_settings WHERE user_id = ?').get(userId) as NotifySettingsRecord | undefined) ?? null,
    set: (userId, settings, at) => db.writes.run(() => {
      const old = db.stmt('SELECT settings FROM notify_settings WHERE user_id = ?').get(userId) as Row | undefined;
      if (old?.settings === settings) return { changed: false };
      db.stmt(`INSERT INTO notify_settings (user_id, settings, updated_at, pos) VALUES (?, ?, ?, ?)
          ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at, pos = excluded.pos`)
        .run(userId, settings, at, db.nextPos());
      return { changed: true };
    }),
  };
}
