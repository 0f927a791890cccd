import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context.js';
import { Avatar } from './Avatar.js';
import { insertAtCaret } from './EmojiPicker.js';

/** Names picked in the composer (as inserted, without "@") → the person, or everyone. */
export type Picked = Map<string, number | 'all'>;

/**
 * The references to send with `text`: those picked whose "@name" is still in it. Typing "@name" by hand
 * mentions nobody; a mention is what was picked from the list. Clears the picks.
 */
export function takeRefs(picked: Picked, text: string): { mentions?: number[]; mention_all?: boolean } {
  const ids = new Set<number>();
  let all = false;
  for (const [name, ref] of picked) {
    if (!text.includes(`@${name}`)) continue;
    if (ref === 'all') all = true; else ids.add(ref);
  }
  picked.clear();
  return { ...(ids.size ? { mentions: [...ids] } : {}), ...(all ? { mention_all: true } : {}) };
}

interface Candidate { id: number | 'all'; name: string }

/** "@" and what follows it up to the caret, when the "@" does not end a word (so e-mail addresses open nothing). */
function typedQuery(el: HTMLTextAreaElement): { at: number; query: string } | null {
  const before = el.value.slice(0, el.selectionStart);
  const m = /(^|[^A-Za-z0-9])@([^\s@]{0,20})$/.exec(before);
  return m ? { at: before.length - m[2]!.length - 1, query: m[2]! } : null;
}

/**
 * Typing "@" in the composer opens the conversation's members (and 所有人 for those allowed), filtered by
 * name and, through the directory's search, by pinyin and initials ("zs" finds 张三). Arrows move, Enter or
 * Tab picks, Escape closes; a pick inserts "@姓名 " and records the reference in `picked`.
 */
export function MentionPicker({ convId, input, picked }: { convId: number; input: RefObject<HTMLTextAreaElement>; picked: Picked }) {
  const session = useSession();
  const { t } = useI18n();
  const [typed, setTyped] = useState<{ at: number; query: string } | null>(null);
  const [found, setFound] = useState<number[]>([]);
  const [active, setActive] = useState(0);
  const state = useRef({ typed, list: [] as Candidate[], active });

  const c = session.conv(convId);
  const q = typed?.query.toLowerCase() ?? '';
  const list: Candidate[] = [];
  if (c && typed) {
    const me = c.members.find((m) => m.user_id === session.me);
    const mayAll = c.kind === 'group' && (me?.role !== 'member' || c.discussion || c.mention_all_policy === 'everyone');
    const all = t('mentionAll');
    if (mayAll && (!q || all.toLowerCase().includes(q) || '所有人'.includes(q) || 'suoyouren'.startsWith(q) || 'syr'.startsWith(q) || 'all'.startsWith(q))) {
      list.push({ id: 'all', name: all });
    }
    const others = c.members.filter((m) => m.user_id !== session.me);
    const seen = new Set<number>();
    for (const m of others) if (!q || m.name.toLowerCase().includes(q)) { list.push({ id: m.user_id, name: m.name }); seen.add(m.user_id); }
    const byId = new Map(others.map((m) => [m.user_id, m]));
    for (const id of found) {
      const m = byId.get(id);
      if (m && !seen.has(id)) { list.push({ id, name: m.name }); seen.add(id); }
    }
    list.splice(50);
  }
  const current = Math.min(active, Math.max(0, list.length - 1));
  state.current = { typed, list, active: current };

  // Pinyin and initials: the directory's search, narrowed to this conversation's members.
  useEffect(() => {
    if (!typed || !/[a-z]/i.test(typed.query)) { setFound([]); return; }
    let live = true;
    const timer = setTimeout(() => {
      session.directory.search(typed.query).then((people) => {
        if (live) setFound(people.map((p) => p.userId).filter((id): id is number => id !== null));
      }, () => { /* offline: names alone */ });
    }, 120);
    return () => { live = false; clearTimeout(timer); };
  }, [typed?.query]);

  const pick = (cand: Candidate) => {
    const el = input.current;
    const s = state.current.typed;
    if (!el || !s) return;
    picked.set(cand.name, cand.id);
    setTyped(null);
    insertAtCaret(el, `@${cand.name} `, s.at, el.selectionStart);
    el.focus();
  };

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    const onInput = () => { setTyped(typedQuery(el)); setActive(0); };
    const onKey = (e: KeyboardEvent) => {
      const { typed: open, list: cands, active: at } = state.current;
      if (!open || !cands.length || e.isComposing) return;
      let handled = true;
      if (e.key === 'ArrowDown') setActive((at + 1) % cands.length);
      else if (e.key === 'ArrowUp') setActive((at - 1 + cands.length) % cands.length);
      else if (e.key === 'Enter' || e.key === 'Tab') pick(cands[at]!);
      else if (e.key === 'Escape') setTyped(null);
      else handled = false;
      // Before the composer's own handler: Enter picks here instead of sending.
      if (handled) { e.preventDefault(); e.stopImmediatePropagation(); }
    };
    const onBlur = () => setTimeout(() => setTyped(null), 150);
    el.addEventListener('input', onInput);
    el.addEventListener('click', onInput);
    el.addEventListener('keydown', onKey, true);
    el.addEventListener('blur', onBlur);
    return () => {
      el.removeEventListener('input', onInput);
      el.removeEventListener('click', onInput);
      el.removeEventListener('keydown', onKey, true);
      el.removeEventListener('blur', onBlur);
    };
  }, [convId]);

  if (!typed || !list.length) return null;
  return (
    <ul class="mention-picker" role="listbox" aria-label={t('mentionPicker')}>
      {list.map((cand, i) => (
        <li key={String(cand.id)} role="option" aria-selected={i === current} class={i === current ? 'active' : ''} data-user={String(cand.id)}
          onMouseDown={(e) => { e.preventDefault(); pick(cand); }} onMouseEnter={() => setActive(i)}>
          <Avatar name={cand.name} size="sm" /><span class="name">{cand.id === 'all' ? `@${cand.name}` : cand.name}</span>
        </li>
      ))}
    </ul>
  );
}
