import type { AppendInput, MessageRecord, MessageRevision, NewConversation, Store } from '../../core/ports.js';
import type { SearchDoc, SearchIndex, SearchQuery } from '../../core/search/ports.js';
import type { Keyring } from './keyring.js';

/** Marks a sealed store, so a store handed on (a second central over the same store) is not sealed twice. */
const SEALED = Symbol('sealed');

/**
 * Encryption at rest over any Store (docs/security.md): message bodies are sealed with their conversation's key
 * before they reach the database and opened on every read; the search index gets keyed hashes of the words,
 * never the words. Both backends get it the same way; the stores below stay unaware of it.
 */
export function sealedStore(inner: Store, ring: Keyring): Store {
  if ((inner as { [SEALED]?: true })[SEALED]) return inner;
  const open = async (m: MessageRecord): Promise<MessageRecord> => ({ ...m, body: await ring.openText('c', m.conv_id, m.body) });
  const openAll = (ms: MessageRecord[]): Promise<MessageRecord[]> => Promise.all(ms.map(open));
  const openOrNull = async (m: MessageRecord | null): Promise<MessageRecord | null> => (m ? open(m) : null);
  let hasher: Promise<(t: string) => string> | null = null;
  const hashed = async (terms: string[]): Promise<string[]> => {
    hasher ??= ring.tokenHasher();
    const h = await hasher.catch((e: unknown) => { hasher = null; throw e; });
    return terms.map(h);
  };

  const c = inner.conversations;
  const conversations = {
    ...c,
    // The first message of a new conversation (a system line) is written before its key can exist: see docs/security.md.
    create: async (input: NewConversation) => {
      const r = await c.create(input);
      return { ...r, message: await openOrNull(r.message) };
    },
    append: async (input: AppendInput) => {
      const r = await c.append({ ...input, body: await ring.sealText('c', input.convId, input.body) });
      return { ...r, message: await open(r.message) };
    },
    history: async (convId: number, range: Parameters<typeof c.history>[1]) => openAll(await c.history(convId, range)),
    messageBySeq: async (convId: number, seq: number) => openOrNull(await c.messageBySeq(convId, seq)),
    messagesBySeqs: async (pairs: { convId: number; seq: number }[]) => openAll(await c.messagesBySeqs(pairs)),
  };

  const a = inner.messageActions;
  const messageActions = {
    ...a,
    revise: async (input: MessageRevision) => {
      const r = await a.revise({ ...input, body: await ring.sealText('c', input.convId, input.body) });
      return r ? { ...r, message: await open(r.message) } : null;
    },
    changedSince: async (userId: number, since: number, limit: number) => openAll(await a.changedSince(userId, since, limit)),
  };

  const s = inner.search;
  const search: SearchIndex = {
    ...s,
    put: async (docs: SearchDoc[]) => s.put(await Promise.all(docs.map(async (d) => ({ ...d, terms: await hashed(d.terms) })))),
    query: async (q: SearchQuery) => s.query({ ...q, terms: await hashed(q.terms) }),
    unindexed: async (afterId: number, limit: number) => {
      const r = await s.unindexed(afterId, limit);
      return { ...r, messages: await openAll(r.messages) };
    },
  };

  // The store object keeps its own methods (close, kind, the database handle) through the prototype.
  return Object.assign(Object.create(inner) as Store, { conversations, messageActions, search, [SEALED]: true });
}
