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

export interface SearchHit { id: number; score: number; field: SearchField | 'dept' }

/**
 * In-memory search over 100,000 people: one substring pass over a joined key
 * string per person, then ranking of the hits by field and match kind (exact,
 * prefix, substring). Kept current change by change; pinyin is cached by name.
 */
export class SearchIndex {
  private entries = new Map<number, Entry>();
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
    const entry: Entry = { id: p.id, keys: live, all: live.map(([, v]) => v).join(SEP), public: '', hidden: new Set(), nameLength: p.name.length };
    this.entries.set(p.id, entry);
    this.rehide(p);
  }

  /** Recomputes which keys the public may search (after a policy or department change). */
  rehide(p: DirPerson): void {
    const e = this.entries.get(p.id);
    if (!e) return;
    const hidden = this.hiddenOf(p);
    e.hidden = new Set(e.keys.map(([f]) => f).filter((f) => HIDEABLE[f] !== undefined && hidden.has(HIDEABLE[f]!)));
    e.public = e.hidden.size === 0 ? e.all : e.keys.filter(([f]) => !e.hidden.has(f)).map(([, v]) => v).join(SEP);
  }

  remove(id: number): void { this.entries.delete(id); }

  /**
   * Best matches first. `full(id)` says whether the viewer may match this person's
   * hidden fields; `deptHits` are people found through a department name.
   */
  search(query: string, opts: { limit: number; full: (id: number) => boolean; anyFull: boolean; deptHits?: Iterable<number> }): SearchHit[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits: SearchHit[] = [];
    const seen = new Set<number>();
    for (const e of this.entries.values()) {
      if (!(opts.anyFull ? e.all : e.public).includes(q)) continue;
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
