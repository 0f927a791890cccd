import type { VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { nameOf, recalledText, systemText } from '../format.js';
import { Bubble, DaySeparator, Pending } from './Bubble.js';
import { BroadcastCard } from './BroadcastCard.js';
import { UploadProgress } from './UploadProgress.js';

/** Messages rendered at the bottom of a conversation; scrolling up widens the window by a page. */
const WINDOW = 60;
const PAGE = 50;
/** Within this many pixels of the bottom, the list follows new messages and marks them read. */
const PIN_SLACK = 40;

/**
 * A bounded window of the newest loaded messages, keyed by seq so a bubble is made once and reused. Older
 * pages load when the reader nears the top (the place is kept while they are prepended); back at the
 * bottom the window shrinks again, so the DOM stays small however far someone scrolled.
 */
export function MessageList({ convId, sent, at }: { convId: number; sent: number; at?: number }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  const failed = session.failed.value[convId] ?? [];
  const uploads = session.uploads.value[convId] ?? [];
  const [shown, setShown] = useState(WINDOW);
  const [loading, setLoading] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  /** Read by the scroll handler and the layout effect, which must not wait for a render. */
  // Opened at a message (a search hit): not pinned to the bottom; `focus` is the seq to scroll to and flash once shown.
  const view = useRef({ pinned: !at, initial: !at, firstKey: '', shown: WINDOW, loading: false, sent, focus: at ?? 0 });
  const v = view.current;
  v.shown = shown;
  v.loading = loading;
  if (sent !== v.sent) { v.sent = sent; v.pinned = true; }

  const c = session.conv(convId);
  const all = c ? session.client.messages(convId) : [];
  const msgs = all.slice(Math.max(0, all.length - shown));
  const first = msgs[0] ? `m${msgs[0].seq}` : '';
  // Measured before this render reaches the DOM: the distance from the bottom, kept when older messages are prepended.
  const el = scroller.current;
  const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;

  useLayoutEffect(() => {
    const s = scroller.current!;
    const prepended = v.firstKey !== '' && first !== v.firstKey;
    v.firstKey = first;
    if (v.initial || v.pinned) s.scrollTop = s.scrollHeight;
    else if (prepended) s.scrollTop = s.scrollHeight - fromBottom;
    v.initial = false;
    const target = v.focus ? s.querySelector<HTMLElement>(`[data-seq="${v.focus}"]`) : null;
    if (target) {
      v.focus = 0;
      target.scrollIntoView({ block: 'center' });
      target.classList.add('flash');
      setTimeout(() => target.classList.remove('flash'), 2_500);
    }
    if (v.pinned) session.markRead(convId);
  });

  // The message asked for may be older than what is loaded: load pages back to it, then widen the window to it.
  useEffect(() => {
    if (!at) return;
    let cancelled = false;
    void (async () => {
      for (let pages = 0; pages < 40 && !cancelled; pages += 1) {
        const loaded = session.client.messages(convId);
        if (loaded.length && loaded[0]!.seq <= at) break;
        try {
          if (!await session.client.loadOlder(convId, PAGE)) break;
        } catch {
          break; // offline: the newest messages stay shown
        }
      }
      if (cancelled) return;
      const loaded = session.client.messages(convId);
      const index = loaded.findIndex((m) => m.seq >= at);
      if (index >= 0) widen(Math.max(0, loaded.length - index + 10 - v.shown));
    })();
    return () => { cancelled = true; };
  }, [at]);

  const widen = (by: number) => { v.shown += by; setShown(v.shown); };
  const setLoadingNow = (on: boolean) => { v.loading = on; setLoading(on); };
  /** Shows more of the loaded history, fetching older pages from the server when everything loaded is shown. */
  const older = async () => {
    const loaded = session.client.messages(convId);
    if (v.shown < loaded.length) { widen(PAGE); return; }
    if (!loaded.length || loaded[0]!.seq <= 1) return;
    setLoadingNow(true);
    try {
      widen(await session.client.loadOlder(convId, PAGE));
    } catch {
      // offline: scrolling up again retries
    }
    setLoadingNow(false);
  };
  const onScroll = () => {
    const s = scroller.current!;
    v.pinned = s.scrollHeight - s.scrollTop - s.clientHeight < PIN_SLACK;
    if (v.pinned) {
      session.markRead(convId);
      if (v.shown > WINDOW) widen(WINDOW - v.shown);
    }
    if (s.scrollTop < 120 && !v.loading) void older();
  };

  const items: VNode[] = [];
  const delivered = new Set<string>();
  let lastDay = '';
  let lastSender = -1;
  for (const m of msgs) {
    delivered.add(m.cmid);
    const day = new Date(m.created_at).toDateString();
    if (day !== lastDay) {
      lastDay = day;
      lastSender = -1;
      items.push(<DaySeparator key={`d${day}`} label={i18n.fmtDay(m.created_at)} />);
    }
    if (m.kind === 'recalled') {
      lastSender = -1;
      items.push(<div key={`m${m.seq}`} class="system recalled" data-seq={m.seq}>{recalledText(session, i18n, m, c)}</div>);
      continue;
    }
    if (m.kind === 'system') {
      lastSender = -1;
      items.push(<div key={`m${m.seq}`} class="system">{systemText(session, i18n, m, c)}</div>);
      continue;
    }
    if (m.kind === 'broadcast') {
      lastSender = -1;
      items.push(<BroadcastCard key={`m${m.seq}`} m={m} />);
      continue;
    }
    const showName = c!.kind === 'group' && m.sender_id !== session.me && m.sender_id !== lastSender;
    lastSender = m.sender_id;
    items.push(<Bubble key={`m${m.seq}`} m={m} mine={m.sender_id === session.me} group={c!.kind === 'group'} showName={showName} name={nameOf(session, i18n, m.sender_id, c)} />);
  }
  for (const q of session.client.queued(convId)) {
    if (!delivered.has(q.cmid) && 'text' in q.body) items.push(<Pending key={`p${q.cmid}`} cmid={q.cmid} text={q.body.text} state={t('sending')} />);
  }
  for (const u of uploads) if (!delivered.has(u.cmid)) items.push(<UploadProgress key={`u${u.cmid}`} name={u.name} progress={u.progress} />);
  for (const f of failed) items.push(<Pending key={`f${f.cmid}`} text={f.text} state={t('failed')} failed />);

  const atStart = all.length > 0 && all[0]!.seq <= 1 && msgs.length === all.length;
  return (
    <div class="messages" role="log" aria-live="polite" tabIndex={0} ref={scroller} onScroll={onScroll}>
      <div key="status" class="history-status">{loading ? t('loadingOlder') : atStart ? t('beginning') : ''}</div>
      {items}
    </div>
  );
}
