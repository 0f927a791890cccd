import type { ImportBudget } from './limits.js';

/**
 * A forward-only XML scanner for the formats imports read (xlsx parts, RTX
 * exports). Each character is looked at a bounded number of times: tags end at
 * the first unquoted ">", comments, CDATA and declarations are skipped with
 * indexOf, so hostile input (unclosed tags, long attribute runs) stays linear.
 * No DTD is read and no entity beyond the XML five and character references is
 * expanded. Names are given without their namespace prefix ("x:row" → "row").
 */
export interface XmlHandlers {
  open?(name: string, rawAttrs: string, offset: number, selfClosing: boolean): void;
  close?(name: string, offset: number): void;
  /** Text between tags, already unescaped; CDATA as written. */
  text?(text: string, offset: number): void;
}

export function scanXml(xml: string, handlers: XmlHandlers, budget: ImportBudget): void {
  const n = xml.length;
  let i = 0;
  while (i < n) {
    budget.time();
    const lt = xml.indexOf('<', i);
    if (lt < 0) { emitText(xml, i, n, handlers); return; }
    if (lt > i) emitText(xml, i, lt, handlers);
    if (xml.startsWith('<!--', lt)) { i = skipPast(xml, '-->', lt + 4); continue; }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      handlers.text?.(xml.slice(lt + 9, end < 0 ? n : end), lt);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (xml[lt + 1] === '?') { i = skipPast(xml, '?>', lt + 2); continue; }
    const gt = tagEnd(xml, lt + 1);
    if (gt < 0) return; // a tag that never ends: nothing after it can be read
    i = gt + 1;
    if (xml[lt + 1] === '!') continue; // <!DOCTYPE …>: not read
    if (xml[lt + 1] === '/') { handlers.close?.(localName(xml.slice(lt + 2, gt).trim()), lt); continue; }
    const selfClosing = xml[gt - 1] === '/';
    const body = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
    const nameEnd = firstSpace(body);
    handlers.open?.(localName(body.slice(0, nameEnd)), body.slice(nameEnd), lt, selfClosing);
  }
}

/** name="value" pairs of a tag, unescaped; malformed stretches are skipped one character at a time. */
export function parseAttrs(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const n = raw.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(raw.charCodeAt(i))) i++;
    const eq = raw.indexOf('=', i);
    if (eq < 0) break;
    const name = raw.slice(i, eq).trim().split(/\s+/).pop()!;
    let q = eq + 1;
    while (q < n && isSpace(raw.charCodeAt(q))) q++;
    const quote = raw[q];
    if (quote !== '"' && quote !== "'") { i = eq + 1; continue; }
    const close = raw.indexOf(quote, q + 1);
    if (close < 0) break;
    if (name) attrs[name] = unescapeXml(raw.slice(q + 1, close));
    i = close + 1;
  }
  return attrs;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five named entities and character references; anything else (or an invalid code point) stays as written. */
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,8}|#[0-9]{1,10}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function emitText(xml: string, from: number, to: number, handlers: XmlHandlers): void {
  if (handlers.text) handlers.text(unescapeXml(xml.slice(from, to)), from);
}

function skipPast(xml: string, marker: string, from: number): number {
  const end = xml.indexOf(marker, from);
  return end < 0 ? xml.length : end + marker.length;
}

/** The ">" closing a tag, skipping quoted attribute values; -1 when there is none. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let j = from; j < xml.length; j++) {
    const c = xml.charCodeAt(j);
    if (quote) { if (c === quote) quote = 0; } else if (c === 34 || c === 39) quote = c; else if (c === 62) return j;
  }
  return -1;
}

function firstSpace(s: string): number {
  for (let j = 0; j < s.length; j++) if (isSpace(s.charCodeAt(j))) return j;
  return s.length;
}

function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 10 || c === 13; }

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
