/** The store ports of favourites (gathered in core/ports.ts). */
/** A favourite (收藏) as stored: a copy of what was starred, so it stays readable whatever happens to the source. */
export interface FavouriteRecord {
  id: number;
  user_id: number;
  /** What was starred, unique per person while starred: "m:<conv_id>:<seq>" or "f:<file_id>". */
  source_key: string;
  kind: 'text' | 'file';
  /** JSON text of the copied body ({text} or {file}). */
  body: string;
  /** Lower-cased text searched by `list` (the message text, or the file name). */
  search_text: string;
  /** The file a file favourite keeps readable for its owner (FileStore.canAccess). */
  file_id: number | null;
  src_conv_id: number | null;
  src_seq: number | null;
  src_sender_id: number | null;
  src_sender_name: string;
  src_conv_title: string;
  src_at: number | null;
  created_at: number;
  /** Removed favourites stay as tombstones so that other devices learn of the removal by sync. */
  removed: boolean;
  pos: number;
}

export type NewFavourite = Omit<FavouriteRecord, 'id' | 'removed' | 'pos'>;

export interface FavouriteStore {
  /** Stars; when the same source is already starred (and not removed), returns that one with created false. */
  add(input: NewFavourite): Promise<{ favourite: FavouriteRecord; created: boolean }>;
  /** Removes the user's own favourite; null when it is not theirs or does not exist; changed false when already removed. */
  remove(userId: number, id: number): Promise<{ favourite: FavouriteRecord; changed: boolean } | null>;
  /** The user's favourites that are not removed, newest first, ids below `beforeId`; `query` matches search_text by substring. */
  list(userId: number, opts: { beforeId?: number; limit: number; query?: string }): Promise<FavouriteRecord[]>;
  /** The user's favourites (removed ones too) whose position is after `since`. */
  changedSince(userId: number, since: number): Promise<FavouriteRecord[]>;
}
