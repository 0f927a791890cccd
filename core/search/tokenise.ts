/**
 * The search tokeniser: the same for indexed text and for queries (docs/search.md). Pure.
 *
 * A run of Chinese, Japanese or Korean characters becomes its overlapping bigrams (a run of one character is
 * that character), so 北京 finds 北京 but 京东 does not find 东京; every other word (Intl.Segmenter's words,
 * split at anything that is not a letter, digit or mark) is NFKC-normalised and lower-cased.
 */

export interface Token {
  /** What is indexed and matched. */
  value: string;
  /** UTF-16 offsets of the token in the original text, end exclusive. */
  start: number;
  end: number;
}

const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const CJK_RUN = /([\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+)/u;
const WORD_PART = /[\p{L}\p{N}\p{M}]+/gu;
/** Scripts written without spaces whose words only a dictionary finds: these go through Intl.Segmenter. */
const DICTIONARY_SCRIPTS = /[\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
/** Longer words are cut: nobody searches for them, and the index stays bounded. */
export const MAX_TOKEN_CHARS = 32;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Every token of the text, in order, with repeats. Runs of letters, digits and marks are the words of
 * space-separated scripts as Intl.Segmenter would cut them (and five times faster on a busy server); CJK
 * characters inside them become bigrams, which need no segmenter; Thai, Lao, Khmer and Burmese runs are cut
 * into words by Intl.Segmenter.
 */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD_PART)) {
    const part = m[0];
    if (!CJK.test(part)) { word(part, m.index, out); continue; }
    // Bigrams over each CJK run; the letters between runs are words.
    let at = m.index;
    for (const piece of part.split(CJK_RUN)) {
      if (piece && CJK.test(piece)) bigrams(piece, at, out);
      else if (piece) word(piece, at, out);
      at += piece.length;
    }
  }
  return out;
}

function bigrams(run: string, offset: number, out: Token[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) { out.push({ value: run, start: offset, end: offset + run.length }); return; }
  let start = offset;
  for (let i = 0; i + 1 < chars.length; i += 1) {
    const value = chars[i]! + chars[i + 1]!;
    out.push({ value, start, end: start + value.length });
    start += chars[i]!.length;
  }
}

function word(part: string, offset: number, out: Token[]): void {
  if (DICTIONARY_SCRIPTS.test(part)) {
    for (const seg of segmenter.segment(part)) if (seg.isWordLike) push(seg.segment, offset + seg.index, out);
    return;
  }
  push(part, offset, out);
}

function push(w: string, start: number, out: Token[]): void {
  const value = w.normalize('NFKC').toLowerCase().slice(0, MAX_TOKEN_CHARS);
  if (value) out.push({ value, start, end: start + w.length });
}

/** The distinct token values of a text: what the index stores for a message, and what a query requires (all of them). */
export function searchTerms(text: string): string[] {
  return [...new Set(tokenise(text).map((t) => t.value))];
}
