import { AppError } from '../../shared/errors.js';
import { createLogger } from '../../shared/log.js';
import type { Actor } from '../actor.js';
import type { MessageRecord, Store } from '../ports.js';
import type { SearchDoc, SearchPosition } from './ports.js';
import { snippetOf } from './snippet.js';
import { searchTerms } from './tokenise.js';

const log = createLogger('search');

/** A query of more terms than this is refused: each term is a posting list to intersect. */
export const MAX_QUERY_TERMS = 32;
const BACKFILL_BATCH = 2_000;

export interface SearchParams {
  q: string;
  conv_id?: number;
  sender_id?: number;
  from?: number;
  to?: number;
  limit?: number;
  before?: string;
}

export interface SearchHitView {
  conv_id: number;
  seq: number;
  sender_id: number;
  sender_name: string;
  created_at: number;
  snippet: string;
  highlights: { start: number; end: number }[];
}

export interface SearchResultView {
  hits: SearchHitView[];
  /** Pass as `before` for the next page; null when there is none. */
  next_before: string | null;
}

const textOf = (m: MessageRecord): string | null => {
  if (m.kind !== 'text') return null;
  const body = JSON.parse(m.body) as { text?: unknown };
  return typeof body.text === 'string' ? body.text : null;
};

const docOf = (m: MessageRecord, text: string): SearchDoc => ({
  convId: m.conv_id, seq: m.seq, senderId: m.sender_id, createdAt: m.created_at, terms: searchTerms(text),
});

/**
 * Message search (docs/search.md). Text messages are indexed after their send committed (`indexed`, batched per
 * event-loop turn); recall and edit call `remove` and `reindex`; `backfill` indexes what was stored before.
 * A search sees only the conversations the person is an active member of, and every hit is checked against the
 * message's current text before it is shown.
 */
export class SearchService {
  private queue: SearchDoc[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  /** A message was stored (after commit): index it if it is text. Never throws; a failed write is logged and the backfill or a reindex repairs it. */
  indexed(m: MessageRecord): void {
    const text = textOf(m);
    if (text === null) return;
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push(docOf(m, text));
  }

  /** A message's text changed (an edit): its terms are replaced. */
  async reindex(convId: number, seq: number, text: string): Promise<void> {
    const m = await this.store.conversations.messageBySeq(convId, seq);
    if (!m) return;
    await this.settled();
    await this.store.search.put([{ ...docOf(m, text), convId, seq }]);
  }

  /** A message is gone from view (a recall): it is no longer found. */
  async remove(convId: number, seq: number): Promise<void> {
    await this.settled();
    await this.store.search.remove(convId, seq);
  }

  /** Indexes stored text messages the index does not have, from where the last backfill stopped. */
  async backfill(opts: { batch?: number } = {}): Promise<{ indexed: number; lastId: number }> {
    let afterId = await this.store.search.backfillCursor();
    let indexed = 0;
    for (;;) {
      const { messages, lastId } = await this.store.search.unindexed(afterId, opts.batch ?? BACKFILL_BATCH);
      if (lastId === afterId) break;
      const docs = messages.flatMap((m) => { const t = textOf(m); return t === null ? [] : [docOf(m, t)]; });
      if (docs.length) await this.store.search.put(docs);
      indexed += docs.length;
      afterId = lastId;
      await this.store.search.setBackfillCursor(afterId);
    }
    return { indexed, lastId: afterId };
  }

  /** Index writes of this process that have not committed yet, awaited: a search sees the sender's own sends. */
  async settled(): Promise<void> {
    if (this.queue.length) this.flush();
    await this.writing;
  }

  async search(actor: Actor, p: SearchParams): Promise<SearchResultView> {
    const terms = searchTerms(p.q);
    if (terms.length === 0) throw new AppError('SB_VALIDATION', 'q: has no word to search for', { field: 'q' });
    if (terms.length > MAX_QUERY_TERMS) throw new AppError('SB_VALIDATION', `q: at most ${MAX_QUERY_TERMS} words`, { field: 'q' });
    const limit = p.limit ?? 20;
    const active = (await this.store.conversations.listForUser(actor.userId)).map((r) => r.conversation.id);
    let convIds = active;
    if (p.conv_id !== undefined) {
      // Not found and not a member look the same, as everywhere else.
      if (!active.includes(p.conv_id)) throw new AppError('SB_NOT_MEMBER');
      convIds = [p.conv_id];
    }
    await this.settled();
    const refs = await this.store.search.query({
      terms, convIds, senderId: p.sender_id, from: p.from, to: p.to, before: p.before ? parsePosition(p.before) : undefined, limit,
    });
    const messages = await this.store.conversations.messagesBySeqs(refs.map((r) => ({ convId: r.convId, seq: r.seq })));
    const byKey = new Map(messages.map((m) => [`${m.conv_id}:${m.seq}`, m]));
    const senders = await this.store.users.byIds([...new Set(refs.map((r) => r.senderId))]);
    const names = new Map(senders.map((u) => [u.id, u.name]));
    const hits: SearchHitView[] = [];
    for (const r of refs) {
      const m = byKey.get(`${r.convId}:${r.seq}`);
      const text = m ? textOf(m) : null;
      const snippet = text === null ? null : snippetOf(text, terms);
      if (!m || !snippet) continue;
      hits.push({
        conv_id: m.conv_id, seq: m.seq, sender_id: m.sender_id, sender_name: names.get(m.sender_id) ?? '', created_at: m.created_at,
        snippet: snippet.text, highlights: snippet.highlights,
      });
    }
    const last = refs[refs.length - 1];
    return { hits, next_before: refs.length === limit && last ? `${last.createdAt}.${last.convId}.${last.seq}` : null };
  }

  private flush(): void {
    const docs = this.queue;
    if (docs.length === 0) return;
    this.queue = [];
    const write = this.writing.then(() => this.store.search.put(docs))
      .catch((err: unknown) => log.error({ err, count: docs.length }, 'search index write failed; a backfill or reindex repairs it'));
    this.writing = write;
  }
}

/** `before`: "created_at.conv_id.seq", as next_before gives it. */
function parsePosition(s: string): SearchPosition {
  const [createdAt, convId, seq] = s.split('.').map(Number);
  return { createdAt: createdAt!, convId: convId!, seq: seq! };
}
