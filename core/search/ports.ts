/**
 * The message search index (docs/search.md). Central's SQLite store keeps it in FTS5, the MySQL/MariaDB store in
 * an inverted-index table; both pass test/contract/search-index.ts. The index holds tokens (core/search/tokenise.ts)
 * and the few fields filters need, never the text: hits are read back from the messages and checked against them.
 */
import type { MessageRecord } from '../ports.js';

export interface SearchDoc {
  convId: number;
  seq: number;
  senderId: number;
  createdAt: number;
  /** Distinct token values (searchTerms). */
  terms: string[];
}

export interface SearchQuery {
  /** Every one is required (AND); at least one. */
  terms: string[];
  /** Only these conversations (the searcher's active ones); at least one. */
  convIds: number[];
  senderId?: number;
  /** created_at bounds in ms, both inclusive. */
  from?: number;
  to?: number;
  /** Only hits strictly older than this position in the order below. */
  before?: SearchPosition;
  limit: number;
}

/** Hits come newest first: created_at descending, then conv_id and seq descending. */
export interface SearchPosition {
  createdAt: number;
  convId: number;
  seq: number;
}

export interface SearchHitRef extends SearchPosition {
  senderId: number;
}

export interface SearchIndex {
  /** Adds the documents, replacing any already indexed under the same (conv_id, seq). One transaction. */
  put(docs: SearchDoc[]): Promise<void>;
  /** Drops a message from the index; nothing happens when it is not there. */
  remove(convId: number, seq: number): Promise<void>;
  /** At most `limit` hits, in the order of SearchPosition. */
  query(q: SearchQuery): Promise<SearchHitRef[]>;
  /**
   * The backfill's walk over stored messages: text messages with id > afterId, ascending by id, at most `limit`,
   * leaving out those already indexed; `lastId` is the last id looked at (afterId when there were none).
   */
  unindexed(afterId: number, limit: number): Promise<{ messages: MessageRecord[]; lastId: number }>;
  /** Where the backfill stopped (0 before the first one), kept in the store. */
  backfillCursor(): Promise<number>;
  setBackfillCursor(id: number): Promise<void>;
  /** Bytes the index takes on disk (an estimate where the database gives one). */
  sizeBytes(): Promise<number>;
}

/** The order of hits: SearchPosition descending. */
export function newestFirst(a: SearchPosition, b: SearchPosition): number {
  return b.createdAt - a.createdAt || b.convId - a.convId || b.seq - a.seq;
}
