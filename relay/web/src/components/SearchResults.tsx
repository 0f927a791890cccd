import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { convTitle } from '../format.js';

interface Hit {
  conv_id: number; seq: number; sender_id: number; sender_name: string; created_at: number;
  snippet: string; highlights: { start: number; end: number }[];
}

/** Waits this long after the last keystroke before asking the server. */
const DEBOUNCE_MS = 250;

/**
 * Messages that match the search box (msg.search), below the matching conversations. The snippet is text:
 * highlight ranges become <mark> elements around text nodes, never markup from the message.
 */
export function SearchResults({ q }: { q: string }) {
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  void session.rev.value;
  const [state, setState] = useState<{ q: string; hits: Hit[] | null }>({ q: '', hits: null });
  useEffect(() => {
    if (!q) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      session.client.api.callUnchecked<{ hits: Hit[] }>('msg.search', { q, limit: 20 })
        .then((r) => { if (!cancelled) setState({ q, hits: r.hits }); }, () => { if (!cancelled) setState({ q, hits: [] }); });
    }, DEBOUNCE_MS);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [q]);
  if (!q) return null;
  const hits = state.q === q ? state.hits : null;
  return (
    <section class="search-results" aria-label={t('messagesFound')}>
      <h3 class="search-head">{t('messagesFound')}</h3>
      {hits === null ? <p class="empty-note">{t('searching')}</p> : null}
      {hits !== null && hits.length === 0 ? <p class="empty-note">{t('noMessagesFound')}</p> : null}
      <ul class="hit-list">
        {(hits ?? []).map((h) => {
          const c = session.conv(h.conv_id);
          return (
            <li key={`${h.conv_id}:${h.seq}`}>
              <a class="hit" href={`#/chat/${h.conv_id}/m/${h.seq}`} data-hit={`${h.conv_id}:${h.seq}`}>
                <span class="conv-top">
                  <span class="conv-title">{c ? convTitle(session, i18n, c) : ''}</span>
                  <time class="conv-time">{i18n.fmtTime(h.created_at)}</time>
                </span>
                <span class="hit-text"><span class="hit-sender">{h.sender_name}: </span>{highlighted(h.snippet, h.highlights)}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The snippet as text nodes, with each range in a <mark>. */
function highlighted(text: string, ranges: { start: number; end: number }[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start < at || r.end > text.length) continue;
    if (r.start > at) out.push(text.slice(at, r.start));
    out.push(<mark key={r.start}>{text.slice(r.start, r.end)}</mark>);
    at = r.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
