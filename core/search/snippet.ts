import { tokenise } from './tokenise.js';

export interface Snippet {
  /** Part of the message text around the first match ('…' marks a cut). */
  text: string;
  /** UTF-16 offsets into `text`, end exclusive, ascending and not overlapping. */
  highlights: { start: number; end: number }[];
}

const BEFORE = 30;
const LENGTH = 160;
const ELLIPSIS = '…';

/**
 * The snippet of a hit and the ranges to highlight: every token of the text that is one of the query's terms.
 * Null when the text no longer has every term (an edit the index has not seen yet): such a hit is dropped.
 */
export function snippetOf(text: string, terms: readonly string[]): Snippet | null {
  const wanted = new Set(terms);
  const matched = tokenise(text).filter((t) => wanted.has(t.value));
  if (new Set(matched.map((t) => t.value)).size < wanted.size || matched.length === 0) return null;
  let from = Math.max(0, matched[0]!.start - BEFORE);
  let to = Math.min(text.length, from + LENGTH);
  // Never cut a surrogate pair in half.
  if (from > 0 && isLow(text.charCodeAt(from))) from -= 1;
  if (to < text.length && isLow(text.charCodeAt(to))) to += 1;
  const head = from > 0 ? ELLIPSIS : '';
  const shift = head.length - from;
  const ranges: { start: number; end: number }[] = [];
  for (const t of matched) {
    if (t.end <= from || t.start >= to) continue;
    const start = Math.max(t.start, from) + shift;
    const end = Math.min(t.end, to) + shift;
    const last = ranges[ranges.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else ranges.push({ start, end });
  }
  return { text: head + text.slice(from, to) + (to < text.length ? ELLIPSIS : ''), highlights: ranges };
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
