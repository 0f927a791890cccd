import type { ComponentChildren } from 'preact';
import type { TextBody } from '../../../../shared/protocol/types.js';

/** http and https only; a link ends before whitespace, angle brackets, quotes and full-width punctuation. */
const LINK = /https?:\/\/[^\s<>"'`，。、；：！？（）【】《》]+/g;
/** Trailing punctuation belongs to the sentence, not the link. */
const TRAILING = /[.,;:!?)\]}]+$/;
/** How "@everyone" reads in each language the client speaks. */
const EVERYONE = ['@所有人', '@Everyone'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A link's address if it is a well-formed http(s) URL, else null (then it stays text). */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null; // not a URL after all: shown as text
  }
}

/**
 * A text message as Preact nodes, never as HTML: clickable http(s) links (new tab, rel=noopener), the
 * mentions the message carries highlighted (mine more so), line breaks kept by the bubble's pre-wrap.
 * Only the names of people the message references are highlighted, so typing "@someone" highlights nothing.
 */
export function RichText({ body, me, nameOf }: { body: TextBody; me: number; nameOf(userId: number): string | undefined }) {
  const tokens: { text: string; userId: number | 'all' }[] = [];
  for (const id of body.mentions ?? []) {
    const name = nameOf(id);
    if (name) tokens.push({ text: `@${name}`, userId: id });
  }
  if (body.mention_all) for (const text of EVERYONE) tokens.push({ text, userId: 'all' });
  tokens.sort((a, b) => b.text.length - a.text.length);
  const mention = tokens.length ? new RegExp(tokens.map((x) => escape(x.text)).join('|'), 'g') : null;

  const out: ComponentChildren[] = [];
  const plain = (s: string) => {
    if (!mention) { if (s) out.push(s); return; }
    let at = 0;
    for (const m of s.matchAll(mention)) {
      if (m.index! > at) out.push(s.slice(at, m.index));
      const token = tokens.find((x) => x.text === m[0])!;
      const mine = token.userId === 'all' || token.userId === me;
      out.push(<span class={`mention${mine ? ' mention-me' : ''}`} data-mention={String(token.userId)}>{m[0]}</span>);
      at = m.index! + m[0].length;
    }
    if (at < s.length) out.push(s.slice(at));
  };
  let at = 0;
  for (const m of body.text.matchAll(LINK)) {
    const raw = m[0].replace(TRAILING, '');
    const href = safeHref(raw);
    if (!href) continue;
    plain(body.text.slice(at, m.index));
    out.push(<a href={href} target="_blank" rel="noopener noreferrer" class="link">{raw}</a>);
    at = m.index! + raw.length;
  }
  plain(body.text.slice(at));
  return <>{out}</>;
}

/** True when the message mentions me (or everyone): the bubble is marked for me. */
export function mentionsMe(body: TextBody, me: number): boolean {
  return body.mention_all === true || (body.mentions ?? []).includes(me);
}
