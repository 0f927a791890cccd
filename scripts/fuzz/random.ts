/**
 * The fuzzer's one source of randomness (mulberry32): every choice of a run
 * comes from its seed, so a failing run can be replayed with `--seed`.
 */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** One of the entries, each as likely as its weight. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let r = this.next() * table.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of table) if ((r -= w) < 0) return value;
    return table[table.length - 1]![0];
  }

  /** A child generator: a worker draws from its own stream, so the others' timing does not change its choices. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** Text that parsers and validators find awkward: CJK, emoji, right-to-left, combining marks, controls, lone surrogates. */
  text(maxChars: number): string {
    const n = this.int(0, maxChars);
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(ALPHABETS)(this);
    return s;
  }

  /** `text()` without lone surrogates, which encodeURIComponent refuses (the raw bytes are fuzzed in paths separately). */
  wellFormed(maxChars: number): string {
    return this.text(maxChars).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  }

  /** Printable ASCII only (what an HTTP header may carry). */
  ascii(maxChars: number): string {
    const n = this.int(0, maxChars);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0x21, 0x7e));
    return s;
  }
}

const range = (lo: number, hi: number) => (r: Rng) => String.fromCodePoint(r.int(lo, hi));
const ALPHABETS: ((r: Rng) => string)[] = [
  range(0x61, 0x7a), range(0x30, 0x39), range(0x20, 0x7e),
  range(0x4e00, 0x9fff), // CJK
  range(0x1f600, 0x1f64f), // emoji (astral: surrogate pairs in UTF-16)
  range(0x0590, 0x05ff), // Hebrew (right to left)
  range(0x0300, 0x036f), // combining marks
  range(0x00, 0x1f), // controls, NUL included
  (r) => r.pick(['\u200b', '\u200e', '\u202e', '\ufeff', '\ufffd', '\u2028']),
  (r) => String.fromCharCode(r.int(0xd800, 0xdfff)), // a lone surrogate
  (r) => r.pick(['"', '\\', '\'', '<', '>', '&', '%', '/', '?', '#', ',', '\n', '\r']),
];
