import { pinyin } from 'pinyin-pro';
import type { DirPerson } from '../../shared/protocol/directory.js';

/** Full pinyin ("zhangsan") and initials ("zs") of a name; other characters pass through, lower-cased. */
export function pinyinKeys(name: string): { full: string; initials: string } {
  const parts = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
  return { full: parts.join(''), initials: parts.map((s) => s[0]).join('') };
}

/** The searchable fields of one person, in ranking order (better fields first). */
export type SearchField = 'account' | 'name' | 'pinyin' | 'initials' | 'english_name' | 'mobile' | 'email';
const FIELD_WEIGHT: Record<SearchField, number> = { account: 10, name: 10, pinyin: 8, initials: 7, english_name: 6, mobile: 5, email: 5 };
/** Fields a confidentiality policy can hide from search. */
const HIDEABLE: Partial<Record<SearchField, 'english_name' | 'mobile' | 'email'>> = { english_name: 'english_name', mobile: 'mobile', email: 'email' };

interface Entry {
  id: number;
  keys: [SearchField, string][];
  /** Every key joined, for a fast first pass; the `public` one leaves out hidden fields. */
  all: string;
  public: string;
  /** Keys hidden from viewers without full sight of this person. */
  hidden: Set<SearchField>;
  nameLength: number;
}

const SEP = '\u0001';
const END = '\u0002';
/** Changed entries are scanned one by one until this many, then everything is packed again. */
const REPACK_AFTER = 5_000;

interface Packed { text: string; starts: Int32Array; entries: Entry[] }

export interface SearchHit { id: number; score: number; field: SearchField | 'dept' }

/**
 * In-memory search over 100,000 people: one substring pass over a joined key
 * string per person, then ranking of the hits by field and match kind (exact,
 * prefix, substring). Kept current change by change; pinyin is cached by name.
 */
export class SearchIndex {
  private entries = new Map<number, Entry>();
  /** Every entry's keys in one string per audience, for one indexOf pass; rebuilt lazily after changes. */
  private packed: { all: Packed; public: Packed } | null = null;
  private fresh: Entry[] = [];
  private pinyinCache = new Map<string, { full: string; initials: string }>();

  constructor(private readonly hiddenOf: (p: DirPerson) => ReadonlySet<string>) {}

  get size(): number { return this.entries.size; }

  put(p: DirPerson): void {
    let py = this.pinyinCache.get(p.name);
    if (!py) { py = pinyinKeys(p.name); if (this.pinyinCache.size > 200_000) this.pinyinCache.clear(); this.pinyinCache.set(p.name, py); }
    const keys: [SearchField, string][] = [
      ['account', p.account.toLowerCase()], ['name', p.name.toLowerCase()], ['pinyin', py.full], ['initials', py.initials],
      ['english_name', p.english_name.toLowerCase()], ['mobile', p.mobile], ['email', p.email.toLowerCase()],
    ];
    const live = keys.filter(([, v]) => v !== '');
    this.install(p, { id: p.id, keys: live, all: live.map(([, v]) => v).join(SEP), public: '', hidden: new Set(), nameLength: p.name.length });
  }

  /** Recomputes which keys the public may search (after a policy or department change). */
  rehide(p: DirPerson): void {
    const e = this.entries.get(p.id);
    if (e) this.install(p, { ...e });
  }

  /**
   * Entries are immutable once installed: a change installs a new one (scanned from
   * the `fresh` list until the next repack) and the packed copy of the old one is
   * skipped because it is no longer the current entry for its id.
   */
  private install(p: DirPerson, e: Entry): void {
    const hidden = this.hiddenOf(p);
    e.hidden = new Set(e.keys.map(([f]) => f).filter((f) => HIDEABLE[f] !== undefined && hidden.has(HIDEABLE[f]!)));
    e.public = e.hidden.size === 0 ? e.all : e.keys.filter(([f]) => !e.hidden.has(f)).map(([, v]) => v).join(SEP);
    this.entries.set(p.id, e);
    this.fresh.push(e);
  }

  remove(id: number): void { this.entries.delete(id); }

  private pack(): { all: Packed; public: Packed } {
    if (this.packed && this.fresh.length <= REPACK_AFTER) return this.packed;
    const list = [...this.entries.values()];
    const build = (pick: (e: Entry) => string): Packed => {
      const starts = new Int32Array(list.length + 1);
      const parts: string[] = [];
      let at = 0;
      list.forEach((e, i) => { starts[i] = at; const s = pick(e); parts.push(s); at += s.length + 1; });
      starts[list.length] = at;
      return { text: parts.join(END), starts, entries: list };
    };
    this.packed = { all: build((e) => e.all), public: build((e) => e.public) };
    this.fresh = [];
    return this.packed;
  }

  /** Entries whose (audience's) keys contain q: one indexOf pass over the packed string. */
  private *candidates(q: string, packed: Packed): Generator<Entry> {
    const { text, starts, entries } = packed;
    let from = 0;
    for (;;) {
      const at = text.indexOf(q, from);
      if (at < 0) return;
      let lo = 0, hi = entries.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= at) lo = mid; else hi = mid - 1; }
      if (this.entries.get(entries[lo]!.id) === entries[lo]) yield entries[lo]!;
      from = starts[lo + 1]!;
    }
  }

  private *candidatesAll(q: string, full: boolean): Generator<Entry> {
    const packed = this.pack();
    yield* this.candidates(q, full ? packed.all : packed.public);
    for (const e of this.fresh) if (this.entries.get(e.id) === e && (full ? e.all : e.public).includes(q)) yield e;
  }

  /**
   * Best matches first. `full(id)` says whether the viewer may match this person's
   * hidden fields; `deptHits` are people found through a department name.
   */
  search(query: string, opts: { limit: number; full: (id: number) => boolean; anyFull: boolean; deptHits?: Iterable<number> }): SearchHit[] {
    const q = query.trim().toLowerCase().replace(/[\u0001\u0002]/g, '');
    if (!q) return [];
    const hits: SearchHit[] = [];
    const seen = new Set<number>();
    for (const e of this.candidatesAll(q, opts.anyFull)) {
      const full = opts.anyFull && opts.full(e.id);
      if (!full && !e.public.includes(q)) continue;
      let best = 0;
      let field: SearchField = 'name';
      for (const [f, v] of e.keys) {
        if (!full && e.hidden.has(f)) continue;
        const kind = v === q ? 3 : v.startsWith(q) ? 2 : v.includes(q) ? 1 : 0;
        if (kind === 0) continue;
        const score = kind * 100 + FIELD_WEIGHT[f] * 5 - Math.min(e.nameLength, 20) / 10;
        if (score > best) { best = score; field = f; }
      }
      if (best > 0) { hits.push({ id: e.id, score: best, field }); seen.add(e.id); }
    }
    for (const id of opts.deptHits ?? []) if (!seen.has(id) && this.entries.has(id)) { hits.push({ id, score: 50, field: 'dept' }); seen.add(id); }
    hits.sort((a, b) => b.score - a.score || a.id - b.id);
    return hits.slice(0, opts.limit);
  }
}
