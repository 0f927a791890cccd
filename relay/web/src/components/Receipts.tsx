import { useEffect, useState } from 'preact/hooks';
import type { ConversationView, MessageView, ReceiptPage } from '../../../../shared/protocol/types.js';
import { receiptCounter } from '../../../../shared/sdk/state.js';
import { useI18n, useSession } from '../context.js';

/** One counter per conversation and state revision, shared by every bubble on screen. */
const counters = new Map<number, { rev: number; count: (m: MessageView) => { read: number; of: number } }>();

/** How many members other than the sender have read `m` (receiptCounter: one sort per change, a binary search per bubble). */
export function receiptCount(c: ConversationView, m: MessageView, rev: number): { read: number; of: number } {
  let entry = counters.get(c.id);
  if (!entry || entry.rev !== rev) {
    entry = { rev, count: receiptCounter(c) };
    counters.set(c.id, entry);
  }
  return entry.count(m);
}

/** Who has read a message and who has not (opened on demand). */
export function ReadersList({ c, m }: { c: ConversationView; m: MessageView }) {
  const { t, sep } = useI18n();
  // Where the client holds everyone's cursor the lists come from them; in a large conversation, a page at a time from central.
  if (c.cursors_shared !== false) {
    const others = c.members.filter((x) => x.user_id !== m.sender_id);
    const names = (read: boolean) => others.filter((x) => (x.read_seq >= m.seq) === read).map((x) => x.name).join(sep) || '—';
    return (
      <div class="readers">
        <div data-state="read"><strong>{t('readBy')}</strong> {names(true)}</div>
        <div data-state="unread"><strong>{t('notReadBy')}</strong> {names(false)}</div>
      </div>
    );
  }
  return (
    <div class="readers">
      <ReaderPage convId={c.id} seq={m.seq} state="read" label={t('readBy')} />
      <ReaderPage convId={c.id} seq={m.seq} state="unread" label={t('notReadBy')} />
    </div>
  );
}

function ReaderPage({ convId, seq, state, label }: { convId: number; seq: number; state: 'read' | 'unread'; label: string }) {
  const session = useSession();
  const { t, sep } = useI18n();
  const [names, setNames] = useState<string[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loaded, setLoaded] = useState(false);
  const load = async (after?: number) => {
    try {
      const page: ReceiptPage = await session.client.api.call('msg.receipts', { conv_id: convId, seq, state, limit: 50, ...(after ? { after } : {}) });
      setNames((old) => [...(after ? old : []), ...page.users.map((u) => u.name)]);
      setNext(page.next);
    } catch {
      // offline: the list shows what it has
    }
    setLoaded(true);
  };
  useEffect(() => { void load(); }, [convId, seq]);
  return (
    <div data-state={state}>
      <strong>{label}</strong> {loaded ? names.join(sep) || '—' : '…'}
      {next !== null ? <button type="button" class="link-btn" onClick={() => void load(next)}>{t('more')}</button> : null}
    </div>
  );
}
