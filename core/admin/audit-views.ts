import type { AuditEntry } from '../../shared/protocol/types.js';
import type { AdminActor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { ScopeView } from '../directory/scope-view.js';
import type { AuditQuery, Store } from '../ports.js';
import type { AuditView } from '../roles/schemas.js';

/** The audit log's filters as an administrator gives them (times in ms since the epoch, both ends included). */
export interface AuditFilter {
  limit?: number;
  before?: number;
  actor_id?: number;
  action?: string;
  target?: string;
  since?: number;
  until?: number;
}

/** At most this many rows in one CSV export. */
export const EXPORT_MAX_ROWS = 10_000;
const PAGE = 500;

/**
 * The readable audit log: entries filtered by actor, action, target and time, with the names of who acted and
 * what it touched beside the ids, cut to the auditor's scope, and as CSV. An auditor with a scope sees entries
 * about the people and departments in it, and the entries acted by people in it about anything else.
 */
export class AuditReader {
  constructor(private readonly store: Store, private readonly directory: DirectoryService) {}

  async list(actor: AdminActor, p: AuditFilter): Promise<AuditView[]> {
    return this.read(actor, p, p.limit ?? 100);
  }

  /** The same entries as CSV (one header line, then one line per entry, newest first), at most EXPORT_MAX_ROWS. */
  async exportCsv(actor: AdminActor, p: AuditFilter): Promise<{ csv: string; rows: number; truncated: boolean }> {
    const limit = Math.min(p.limit ?? EXPORT_MAX_ROWS, EXPORT_MAX_ROWS);
    const rows = await this.read(actor, p, limit + 1);
    const shown = rows.slice(0, limit);
    const lines = [['id', 'time', 'actor_id', 'actor', 'action', 'target', 'target_name', 'details'].join(',')];
    for (const e of shown) {
      lines.push([
        String(e.id), new Date(e.at).toISOString(), e.actor_id === null ? '' : String(e.actor_id), cell(e.actor_name ?? ''), cell(e.action),
        cell(e.target), cell(e.target_name ?? ''), cell(JSON.stringify(e.details ?? null)),
      ].join(','));
    }
    return { csv: `${lines.join('\r\n')}\r\n`, rows: shown.length, truncated: rows.length > limit };
  }

  private async read(actor: AdminActor, p: AuditFilter, limit: number): Promise<AuditView[]> {
    const view = await this.directory.scopeView(actor.authority?.roots ?? null);
    const q: AuditQuery = { limit: view.whole ? limit : Math.max(limit, PAGE), beforeId: p.before, actorId: p.actor_id, action: p.action, target: p.target, since: p.since, until: p.until };
    const out: AuditEntry[] = [];
    // A scoped auditor's rows are picked page by page, so a page is never cut short by rows they may not see.
    for (;;) {
      const page = await this.store.audit.list(q);
      for (const e of page) if (visible(view, e)) out.push(e);
      if (out.length >= limit || page.length < q.limit) break;
      q.beforeId = page.at(-1)!.id;
    }
    return this.named(out.slice(0, limit));
  }

  private async named(entries: AuditEntry[]): Promise<AuditView[]> {
    const userIds = new Set<number>();
    for (const e of entries) {
      if (e.actor_id !== null) userIds.add(e.actor_id);
      const [kind, id] = split(e.target);
      if (kind === 'user' && id !== null) userIds.add(id);
    }
    const users = new Map((await this.store.users.byIds([...userIds])).map((u) => [u.id, u.name]));
    const roles = new Map((await this.store.roles.listRoles()).map((r) => [r.id, r.name]));
    const m = await this.directory.current();
    const nameOf = (target: string): string | null => {
      const [kind, id] = split(target);
      if (id === null) return null;
      switch (kind) {
        case 'user': return users.get(id) ?? null;
        case 'person': return m.people.get(id)?.name ?? null;
        case 'dept': return m.depts.has(id) ? m.path(id) : null;
        case 'org': return m.orgs.get(id)?.name ?? null;
        case 'role': return roles.get(id) ?? null;
        default: return null;
      }
    };
    return entries.map((e) => ({
      id: e.id, actor_id: e.actor_id, actor_name: e.actor_id === null ? null : users.get(e.actor_id) ?? null, action: e.action,
      target: e.target, target_name: nameOf(e.target), details: e.details, at: e.at,
    }));
  }
}

function split(target: string): [string, number | null] {
  const i = target.indexOf(':');
  const id = Number(target.slice(i + 1));
  return [target.slice(0, i), i > 0 && Number.isSafeInteger(id) ? id : null];
}

/** Entries about people and departments by whether those are in scope; entries about anything else by their actor. */
function visible(view: ScopeView, e: AuditEntry): boolean {
  if (view.whole) return true;
  const [kind, id] = split(e.target);
  if (kind === 'user') return view.user(id);
  if (kind === 'person') return view.person(id ?? undefined);
  if (kind === 'dept') return id !== null && view.dept(id);
  return view.user(e.actor_id);
}

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet (a leading = + - @ gets a '). */
export function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
