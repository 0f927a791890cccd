/**
 * The search tokeniser: the same for indexed text and for queries (docs/search.md). Pure.
 *
 * Words come from Intl.Segmenter; a run of Chinese, Japanese or Korean characters becomes its overlapping
 * bigrams (a run of one character is that character), so 北京 finds 北京 but 京东 does not find 东京; every
 * other word is NFKC-normalised and lower-cased, then split at anything that is not a letter, digit or mark.
 */

export interface Token {
  /** What is indexed and matched. */
  value: string;
  /** UTF-16 offsets of the token in the original text, end exclusive. */
  start: number;
  end: number;
}

const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const WORD_PART = /[\p{L}\p{N}\p{M}]+/gu;
/** Longer words are cut: nobody searches for them, and the index stays bounded. */
export const MAX_TOKEN_CHARS = 32;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Every token of the text, in order, with repeats. */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  // A CJK run may span several segments (the segmenter cuts 北京大学 into words); bigrams cross those cuts.
  let run: { chars: string[]; starts: number[] } = { chars: [], starts: [] };
  const endRun = (): void => {
    const { chars, starts } = run;
    if (chars.length === 1) out.push({ value: chars[0]!, start: starts[0]!, end: starts[0]! + chars[0]!.length });
    for (let i = 0; i + 1 < chars.length; i += 1) {
      out.push({ value: chars[i]! + chars[i + 1]!, start: starts[i]!, end: starts[i + 1]! + chars[i + 1]!.length });
    }
    run = { chars: [], starts: [] };
  };
  for (const seg of segmenter.segment(text)) {
    if (!seg.isWordLike) { endRun(); continue; }
    let latinStart = -1;
    const flushLatin = (endAt: number): void => {
      if (latinStart < 0) return;
      latinWords(seg.segment.slice(latinStart, endAt), seg.index + latinStart, out);
      latinStart = -1;
    };
    let i = 0;
    for (const ch of seg.segment) {
      if (CJK.test(ch)) {
        flushLatin(i);
        run.chars.push(ch);
        run.starts.push(seg.index + i);
      } else {
        endRun();
        if (latinStart < 0) latinStart = i;
      }
      i += ch.length;
    }
    flushLatin(i);
  }
  endRun();
  return out;
}

function latinWords(part: string, offset: number, out: Token[]): void {
  for (const m of part.matchAll(WORD_PART)) {
    const value = m[0].normalize('NFKC').toLowerCase().slice(0, MAX_TOKEN_CHARS);
    if (value) out.push({ value, start: offset + m.index, end: offset + m.index + m[0].length });
  }
}

/** The distinct token values of a text: what the index stores for a message, and what a query requires (all of them). */
export function searchTerms(text: string): string[] {
  return [...new Set(tokenise(text).map((t) => t.value))];
}
