import type { FavouriteRecord, FavouriteStore, NotifySettingsRecord, NotifySettingsStore } from '../../../core/ports.js';
import type { Row, Tx } from './batcher.js';
import type { MysqlDb } from './db.js';

const NUMERIC = ['id', 'user_id', 'file_id', 'src_conv_id', 'src_seq', 'src_sender_id', 'src_at', 'created_at', 'pos'] as const;
const toFav = (r: Row | null | undefined): FavouriteRecord | null => {
  if (!r) return null;
  const out = { ...r, removed: Number(r.removed) === 1 } as Row;
  for (const k of NUMERIC) if (out[k] !== null) out[k] = Number(out[k]);
  return out as FavouriteRecord;
};

/** Favourites (收藏): rows are copies; a removal keeps a tombstone (with a new position) for the person's other devices. */
export function mysqlFavouriteStore(db: MysqlDb): FavouriteStore {
  const txById = async (tx: Tx, id: number) => toFav((await tx.q('SELECT * FROM favourites WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined);
  return {
    add: (f) => db.writes.run(async (tx) => {
      const existing = toFav((await tx.q('SELECT * FROM favourites WHERE user_id = ? AND source_key = ? FOR UPDATE', [f.user_id, f.source_key]))[0] as Row | undefined);
      if (existing) return { favourite: existing, created: false };
      const r = await tx.q(`INSERT INTO favourites (user_id, source_key, kind, body, search_text, file_id, src_conv_id, src_seq, src_sender_id,
          src_sender_name, src_conv_title, src_at, created_at, removed, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      [f.user_id, f.source_key, f.kind, f.body, f.search_text, f.file_id, f.src_conv_id, f.src_seq, f.src_sender_id,
        f.src_sender_name, f.src_conv_title, f.src_at, f.created_at, tx.nextPos()]);
      return { favourite: (await txById(tx, Number(r.insertId)))!, created: true };
    }),
    remove: (userId, id) => db.writes.run(async (tx) => {
      const f = await txById(tx, id);
      if (!f || f.user_id !== userId) return null;
      if (f.removed) return { favourite: f, changed: false };
      const pos = tx.nextPos();
      await tx.q('UPDATE favourites SET removed = 1, source_key = ?, pos = ? WHERE id = ?', [`x:${id}`, pos, id], { last: true });
      return { favourite: { ...f, removed: true, source_key: `x:${id}`, pos }, changed: true };
    }),
    list: async (userId, { beforeId, limit, query }) => (await db.rows(
      'SELECT * FROM favourites WHERE user_id = ? AND removed = 0 AND id < ? AND (? IS NULL OR INSTR(search_text, ?) > 0) ORDER BY id DESC LIMIT ?',
      [userId, beforeId ?? Number.MAX_SAFE_INTEGER, query ?? null, query ?? null, limit])).map((r) => toFav(r)!),
    changedSince: async (userId, since) => (await db.rows('SELECT * FROM favourites WHERE user_id = ? AND pos > ? ORDER BY id', [userId, since]))
      .map((r) => toFav(r)!),
  };
}

export function mysqlNotifySettingsStore(db: MysqlDb): NotifySettingsStore {
  return {
    get: async (userId) => {
      const r = await db.one('SELECT * FROM notify_settings WHERE user_id = ?', [userId]);
      return r ? { user_id: Number(r.user_id), settings: String(r.settings), updated_at: Number(r.updated_at), pos: Number(r.pos) } satisfies NotifySettingsRecord : null;
    },
    set: (userId, settings, at) => db.writes.run(async (tx) => {
      const old = (await tx.q('SELECT settings FROM notify_settings WHERE user_id = ? FOR UPDATE', [userId]))[0] as Row | undefined;
      if (old?.settings === settings) return { changed: false };
      await tx.q(`INSERT INTO notify_settings (user_id, settings, updated_at, pos) VALUES (?, ?, ?, ?)
          ON DUPLICATE KEY UPDATE settings = VALUES(settings), updated_at = VALUES(updated_at), pos = VALUES(pos)`,
      [userId, settings, at, tx.nextPos()], { last: true });
      return { changed: true };
    }),
  };
}
