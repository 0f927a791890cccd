import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip) as (data: string, opts: { level: number }) => Promise<Buffer>;
import { AppError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import {
  type ConfidentialField, type DirChange, type DirDelta, type DirDept, type DirOrg, type DirPerson, type DirPolicy,
} from '../../shared/protocol/directory.js';
import type { AuditEntry, FileView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Cache } from '../../shared/cache/cache.js';
import type { AuthService } from '../auth/service.js';
import type { BlobStore, Clock, DirStoredChange, EventSink, Store } from '../ports.js';
import { oneOf } from '../validate.js';
import { userView } from '../presenters.js';
import type { ScopeNames } from '../operation.js';
import type { PersonFields } from './operations.js';
import { toCsv } from './import/csv.js';
import { tableFromDocument, type ImportIssue, type OrgDocument } from './import/document.js';
import { checkImportSize, reportedIssues } from './import/limits.js';
import { parseDocument } from './import/parse.js';
import { deptKey, planImport, type ImportSummary } from './import/plan.js';
import { writeXlsx } from './import/xlsx.js';
import { DirectoryModel, type Viewer } from './model.js';
import { createLogger } from '../../shared/log.js';

const log = createLogger('directory');

/** Deltas longer than this tell the client to fetch a snapshot instead. */
export const MAX_DELTA_CHANGES = 20_000;
export const MAX_DELTA_BYTES = 768 * 1024;
/** Pushes carry the (public) changes themselves up to this many; beyond, a hint to pull. */
export const INLINE_CHANGES = 200;
export const SNAPSHOT_PART_BYTES = 512 * 1024;
/** Long enough for a relay to fetch every part after asking for the snapshot; short, since each is large. */
const SHARED_SNAPSHOT_TTL_MS = 120_000;
const snapshotPartKey = (key: string, offset: number) => `dir:snap:${key}:${offset}`;

interface SnapshotEntry {
  version: number;
  key: string;
  gz: Promise<Buffer>;
  /** Settles once the parts are in the shared cache (or that failed). */
  shared: Promise<void>;
}
/** Reads check the store's directory version at most this often (a round trip on MySQL). */
export const VERSION_CHECK_MS = 50;
/** A reader's admin flag is re-read from the store after this long. */
export const VIEWER_TTL_MS = 1_000;

const PERSON_FIELDS = ['name', 'english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar'] as const;

export interface ImportReport {
  dry_run: boolean;
  ok: boolean;
  format: string;
  issues: ImportIssue[];
  summary: ImportSummary;
  /** Directory version after the import (unchanged for a dry run, a failed run or a no-op). */
  version: number;
}

/**
 * The organisation directory: departments in a tree per org, people in one or
 * more departments, confidentiality, search, snapshots and deltas, import and
 * export. Central keeps the whole directory in memory (DirectoryModel) and
 * catches up from the store's change log whenever another process committed.
 */
export class DirectoryService {
  private model: DirectoryModel | null = null;
  private loading: Promise<DirectoryModel> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private viewers = new Map<number, { isAdmin: boolean; at: number }>();
  /** The latest committed versions' changes, so pulls after a push never reach the store. Covers versions > recentFrom. */
  private recent: { version: number; changes: DirStoredChange[] }[] = [];
  private recentFrom = 0;
  private recentCount = 0;
  private snapshots = new Map<string, SnapshotEntry>();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly auth: AuthService,
    private readonly events: EventSink,
    private readonly clock: Clock,
    private readonly cache: Cache,
  ) {}

  // ---- the in-memory copy ----------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {}); // the caller of run gets the error; the queue only orders work
    return run;
  }

  /** The model as loaded (or since kept current); loads it on first use. */
  private async loaded(): Promise<DirectoryModel> {
    if (this.model) return this.model;
    this.loading ??= this.store.directory.load().then((d) => {
      this.recentFrom = d.version;
      return (this.model = DirectoryModel.from(d));
    }, (e: unknown) => { this.loading = null; throw e; });
    return this.loading;
  }

  /** The model, caught up with the store. */
  async current(): Promise<DirectoryModel> {
    await this.loaded();
    // Other central processes' commits are picked up within VERSION_CHECK_MS; this process's own at once.
    const now = this.clock.now();
    if (now - this.checkedAt >= VERSION_CHECK_MS || now < this.checkedAt) {
      this.checkedAt = now;
      const stored = await this.store.directory.version();
      if (stored > this.model!.version) await this.exclusive(() => this.catchUp());
    }
    return this.model!;
  }

  private async catchUp(): Promise<void> {
    const m = this.model!;
    for (;;) {
      const { changes, more } = await this.store.directory.changesSince(m.version, 50_000);
      let i = 0;
      while (i < changes.length) {
        const v = changes[i]!.version;
        const batch: DirStoredChange[] = [];
        while (i < changes.length && changes[i]!.version === v) batch.push(changes[i++]!.change);
        // A version split across pages is applied when complete.
        if (i === changes.length && more) break;
        m.apply(batch, v);
        this.remember(v, batch);
      }
      if (!more) return;
    }
  }

  /**
   * Decides changes against the current model and commits them; if another
   * central process committed first, catches up and decides again.
   */
  private commit(build: (m: DirectoryModel) => DirStoredChange[]): Promise<{ version: number; changes: DirStoredChange[] }> {
    return this.exclusive(async () => {
      for (let attempt = 0; ; attempt++) {
        await this.loaded();
        await this.catchUp();
        const m = this.model!;
        const changes = build(m);
        if (changes.length === 0) return { version: m.version, changes: [] };
        const from = m.version;
        try {
          const r = await this.store.directory.commit(from, changes, this.clock.now());
          const renamed = r.changes.filter((c): c is Extract<DirStoredChange, { op: 'person' }> =>
            c.op === 'person' && c.person.user_id !== null && m.people.has(c.person.id) && m.people.get(c.person.id)!.name !== c.person.name);
          m.apply(r.changes, r.version);
          this.remember(r.version, r.changes);
          this.announce(m, from, r.version, r.changes);
          await this.announceRenames(renamed.map((c) => c.person.user_id!));
          const ending = r.changes.filter((c): c is Extract<DirStoredChange, { op: 'person' }> => c.op === 'person' && c.person.status !== 'active' && c.person.user_id !== null);
          for (const c of ending) await this.auth.endAllSessions(c.person.user_id!, 'user_disabled').catch((err: unknown) => { log.error({ err, userId: c.person.user_id }, 'ending the sessions of a disabled person failed'); return 0; });
          return r;
        } catch (e) {
          if (e instanceof AppError && e.code === 'SB_CONFLICT' && (e.details as { version?: number } | undefined)?.version !== undefined && attempt < 5) continue;
          throw e;
        }
      }
    });
  }

  private remember(version: number, changes: DirStoredChange[]): void {
    this.recent.push({ version, changes });
    this.recentCount += changes.length;
    while (this.recentCount > MAX_DELTA_CHANGES && this.recent.length > 1) {
      const old = this.recent.shift()!;
      this.recentCount -= old.changes.length;
      this.recentFrom = old.version;
    }
  }

  /** A person's name is their user's name: conversations show it, so their members hear of the rename. */
  private async announceRenames(userIds: number[]): Promise<void> {
    for (const id of userIds) {
      const user = await this.store.users.byId(id);
      if (user) this.events.emit({ type: 'user.updated', user: userView(user) }, '*');
    }
  }

  /** One event to everyone: small changes ride along (as the public sees them), large ones are pulled. */
  private announce(m: DirectoryModel, from: number, version: number, changes: DirStoredChange[]): void {
    const pub: Viewer = { userId: 0, isAdmin: false, scope: null };
    const visible = changes.map((c) => m.presentChange(pub, c)).filter((c): c is DirChange => c !== null);
    this.events.emit({ type: 'directory.changed', version, from, changes: visible.length <= INLINE_CHANGES ? visible : undefined }, '*');
  }

  /** Who reads, with their admin flag; remembered for a second so a burst of searches costs no store reads. */
  private async viewer(actor: Actor, m: DirectoryModel): Promise<Viewer> {
    const now = this.clock.now();
    let hit = this.viewers.get(actor.userId);
    if (!hit || now - hit.at > VIEWER_TTL_MS || now < hit.at) {
      const user = await this.store.users.byId(actor.userId);
      if (!user || user.disabled) { this.viewers.delete(actor.userId); throw new AppError('SB_UNAUTHENTICATED'); }
      if (this.viewers.size > 100_000) this.viewers.clear();
      hit = { isAdmin: user.is_admin, at: now };
      this.viewers.set(actor.userId, hit);
    }
    return m.viewer(actor.userId, hit.isAdmin);
  }

  /** The model as an administrator sees it (central's policy gate admitted them as one). */
  private async admin(actor: Actor): Promise<{ m: DirectoryModel; v: Viewer }> {
    const m = await this.current();
    this.viewers.set(actor.userId, { isAdmin: true, at: this.clock.now() });
    return { m, v: m.viewer(actor.userId, true) };
  }

  /**
   * Whether an administrator's scope covers everything an operation names (for central's policy gate). No
   * scope covers all; a scope covers its departments and those below, the people in them and their users.
   * Unknown ids are not covered, so a scoped administrator cannot probe what exists outside their scope.
   */
  async scopeCovers(adminId: number, names: ScopeNames): Promise<boolean> {
    const m = await this.current();
    const v = m.viewer(adminId, true);
    if (v.scope === null) return true;
    if (names.whole) return false;
    const person = (id: number | undefined) => { const p = id === undefined ? undefined : m.people.get(id); return p !== undefined && m.covers(v, p); };
    if (!(names.deptIds ?? []).every((id) => v.scope!.has(id))) return false;
    if (!(names.personIds ?? []).every((id) => person(id))) return false;
    if (!(names.userIds ?? []).every((id) => person(m.byUser.get(id)))) return false;
    for (const id of names.policyIds ?? []) {
      const policy = m.policies.get(id);
      if (!policy || !(policy.target === 'person' ? person(policy.target_id) : v.scope.has(policy.target_id))) return false;
    }
    for (const id of names.sessionIds ?? []) {
      const session = await this.store.sessions.byId(id);
      if (!session || !person(m.byUser.get(session.user_id))) return false;
    }
    return true;
  }

  private async audit(actor: Actor, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor.userId, action, target, details, at: this.clock.now() } satisfies Omit<AuditEntry, 'id'>);
  }

  // ---- what every employee may read ---------------------------------------------------

  async changes(actor: Actor, p: { since: number }): Promise<DirDelta> {
    const { since } = p;
    const m = await this.current();
    const v = await this.viewer(actor, m);
    const version = m.version;
    if (since > version) throw new AppError('SB_VALIDATION', 'since: is ahead of the directory', { field: 'since', version });
    if (since === version) return { version, from: since, changes: [] };
    if (since >= this.recentFrom) {
      const out: DirChange[] = [];
      for (const r of this.recent) {
        if (r.version <= since || r.version > version) continue;
        for (const c of r.changes) { const p = m.presentChange(v, c); if (p) out.push(p); }
      }
      return tooBig(out) ? { version, from: since, reset: true } : { version, from: since, changes: out };
    }
    const { changes, more } = await this.store.directory.changesSince(since, MAX_DELTA_CHANGES);
    const inRange = changes.filter((c) => c.version <= version);
    if (more && inRange.length === changes.length) return { version, from: since, reset: true };
    const out: DirChange[] = [];
    for (const c of inRange) { const p = m.presentChange(v, c.change); if (p) out.push(p); }
    return tooBig(out) ? { version, from: since, reset: true } : { version, from: since, changes: out };
  }

  async search(actor: Actor, p: { q: string; limit?: number }): Promise<{ version: number; results: { person: DirPerson; matched: string; depts: string[] }[] }> {
    const { q } = p;
    const limit = p.limit ?? 20;
    const m = await this.current();
    const v = await this.viewer(actor, m);
    const needle = q.trim().toLowerCase();
    const deptHits: number[] = [];
    if (needle.length >= 2) {
      for (const d of m.depts.values()) {
        if (!d.name.toLowerCase().includes(needle)) continue;
        for (const id of m.membersOf(d.id)) { deptHits.push(id); if (deptHits.length >= limit) break; }
        if (deptHits.length >= limit) break;
      }
    }
    const hits = m.searchIndex().search(q, {
      limit, anyFull: v.isAdmin, deptHits,
      full: (id) => { const person = m.people.get(id); return person !== undefined && m.covers(v, person); },
    });
    return {
      version: m.version,
      results: hits.map((h) => {
        const person = m.present(v, m.people.get(h.id)!);
        return { person, matched: h.field, depts: person.depts.map((d) => m.path(d.dept_id)) };
      }),
    };
  }

  async person(actor: Actor, params: { person_id: number }): Promise<DirPerson & { paths: string[] }> {
    const id = params.person_id;
    const m = await this.current();
    const v = await this.viewer(actor, m);
    const p = m.people.get(id);
    if (!p) throw new AppError('SB_NOT_FOUND', 'No such person');
    // Everyone sees their own real profile.
    const shown = p.user_id === actor.userId ? p : m.present(v, p);
    return { ...shown, paths: p.depts.map((d) => m.path(d.dept_id)) };
  }

  /** A department, its sub-departments and a page of its members (in their order there). */
  async dept(actor: Actor, params: { dept_id: number; offset?: number; limit?: number }): Promise<{ dept: DirDept; path: string; children: DirDept[]; members: DirPerson[]; more: boolean }> {
    const id = params.dept_id;
    const offset = params.offset ?? 0;
    const limit = params.limit ?? 500;
    const m = await this.current();
    const v = await this.viewer(actor, m);
    const d = m.depts.get(id);
    if (!d) throw new AppError('SB_NOT_FOUND', 'No such department');
    const members = m.membersOf(id).map((pid) => m.people.get(pid)!);
    const sortIn = (p: DirPerson) => p.depts.find((x) => x.dept_id === id)?.sort ?? 0;
    members.sort((a, b) => sortIn(a) - sortIn(b) || a.id - b.id);
    const page = members.slice(offset, offset + limit);
    return { dept: d, path: m.path(id), children: m.childrenOf(id).map((c) => m.depts.get(c)!), members: page.map((x) => m.present(v, x)), more: offset + limit < members.length };
  }

  async orgs(actor: Actor): Promise<{ version: number; orgs: (DirOrg & { roots: DirDept[] })[] }> {
    const m = await this.current();
    await this.viewer(actor, m);
    const orgs = [...m.orgs.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
    return { version: m.version, orgs: orgs.map((o) => ({ ...o, roots: m.rootsOf(o.id).map((id) => m.depts.get(id)!) })) };
  }

  /** Starts a snapshot download: the gzipped JSON is built once per version and view, then read in parts. */
  async snapshotMeta(actor: Actor): Promise<{ key: string; version: number; size: number; part_bytes: number }> {
    const m = await this.current();
    const v = await this.viewer(actor, m);
    const entry = this.snapshotFor(m, v);
    const gz = await entry.gz;
    await entry.shared;
    return { key: entry.key, version: entry.version, size: gz.length, part_bytes: SNAPSHOT_PART_BYTES };
  }

  async snapshotPart(actor: Actor, p: { key: string; offset: number }): Promise<{ data: string }> {
    const { key, offset } = p;
    const m = await this.current();
    const v = await this.viewer(actor, m);
    // The key names the view: a viewer may only read the snapshot built for their own view.
    if (!key.endsWith(`:${m.viewKey(v)}`)) throw new AppError('SB_CONFLICT', 'The snapshot moved on; start again', { field: 'key' });
    const entry = [...this.snapshots.values()].find((e) => e.key === key);
    if (entry) return { data: (await entry.gz).subarray(offset, offset + SNAPSHOT_PART_BYTES).toString('base64') };
    // Built by another central process (a relay's part requests go to any member of the queue group).
    const shared = await this.cache.get(snapshotPartKey(key, offset)).catch(() => null); // a miss rebuilds from the replica
    if (shared === null) throw new AppError('SB_CONFLICT', 'The snapshot moved on; start again', { field: 'key' });
    return { data: shared };
  }

  private snapshotFor(m: DirectoryModel, v: Viewer): SnapshotEntry {
    const view = m.viewKey(v);
    const hit = this.snapshots.get(view);
    if (hit && hit.version === m.version) return hit;
    const version = m.version;
    const json = JSON.stringify(m.snapshot(v));
    // Compressed off the event loop (zlib's thread pool): a 100,000-person snapshot takes a while.
    const key = `${version}:${createHash('sha256').update(json).digest('base64url').slice(0, 16)}:${view}`;
    const gz = gzipAsync(json, { level: 6 });
    // Parts go to the shared cache briefly, for the other central processes; without it they answer SB_CONFLICT
    // and the relay starts over, so a cache outage costs retries, never a wrong snapshot.
    const shared = gz.then((bytes) => this.shareSnapshot(key, bytes)).catch(() => {}); // sharing is an optimisation; each process can build its own
    const entry: SnapshotEntry = { version, key, gz, shared };
    this.snapshots.set(view, entry);
    if (this.snapshots.size > 50) this.snapshots.delete(this.snapshots.keys().next().value!);
    return entry;
  }

  private async shareSnapshot(key: string, gz: Buffer): Promise<void> {
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < gz.length; offset += SNAPSHOT_PART_BYTES) {
      writes.push(this.cache.set(snapshotPartKey(key, offset), gz.subarray(offset, offset + SNAPSHOT_PART_BYTES).toString('base64'), SHARED_SNAPSHOT_TTL_MS));
    }
    await Promise.all(writes);
  }

  // ---- administration ----------------------------------------------------------------

  async createOrg(actor: Actor, p: { name: string; sort?: number }): Promise<DirOrg> {
    await this.admin(actor);
    const name = p.name.trim();
    const sort = p.sort ?? 0;
    let org!: DirOrg;
    await this.commit((m) => { org = { id: m.nextId('org'), name, sort }; return [{ op: 'org', org }]; });
    await this.audit(actor, 'dir.org.create', `org:${org.id}`, { name });
    return org;
  }

  async updateOrg(actor: Actor, p: { org_id: number; name?: string; sort?: number }): Promise<DirOrg> {
    await this.admin(actor);
    const { org_id: id, name, sort } = p;
    let org!: DirOrg;
    await this.commit((m) => {
      const old = m.orgs.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such org');
      org = { ...old, name: name?.trim() ?? old.name, sort: sort ?? old.sort };
      return org.name === old.name && org.sort === old.sort ? [] : [{ op: 'org', org }];
    });
    await this.audit(actor, 'dir.org.update', `org:${id}`, { name, sort });
    return org;
  }

  async deleteOrg(actor: Actor, p: { org_id: number }): Promise<{ deleted: boolean }> {
    await this.admin(actor);
    const id = p.org_id;
    await this.commit((m) => {
      if (!m.orgs.has(id)) throw new AppError('SB_NOT_FOUND', 'No such org');
      if (m.rootsOf(id).length) throw new AppError('SB_DEPT_NOT_EMPTY', 'The org still has departments');
      if (m.orgs.size === 1) throw new AppError('SB_VALIDATION', 'org_id: the last org cannot be deleted', { field: 'org_id' });
      return [{ op: 'org.delete', id }];
    });
    await this.audit(actor, 'dir.org.delete', `org:${id}`, {});
    return { deleted: true };
  }

  async createDept(actor: Actor, p: { name: string; parent_id?: number | null; org_id?: number; sort?: number }): Promise<DirDept> {
    await this.admin(actor);
    const name = this.deptName(p.name);
    const parentId = p.parent_id ?? null;
    const sort = p.sort ?? 0;
    let dept!: DirDept;
    await this.commit((m) => {
      const parent = parentId === null ? null : m.depts.get(parentId);
      if (parentId !== null && !parent) throw new AppError('SB_NOT_FOUND', 'No such parent department');
      const orgId = parent?.org_id ?? p.org_id ?? 1;
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      dept = { id: m.nextId('dept'), org_id: orgId, parent_id: parentId, name, sort, ext_id: null };
      return [{ op: 'dept', dept }];
    });
    await this.audit(actor, 'dir.dept.create', `dept:${dept.id}`, { name, parent_id: parentId, org_id: dept.org_id });
    return dept;
  }

  /** Rename, move (parent_id; null = top level of its org) and reorder (sort). */
  async updateDept(actor: Actor, p: { dept_id: number; name?: string; parent_id?: number | null; sort?: number }): Promise<DirDept> {
    await this.admin(actor);
    const id = p.dept_id;
    const name = p.name === undefined ? undefined : this.deptName(p.name);
    const moving = p.parent_id !== undefined;
    const parentId = p.parent_id ?? null;
    const { sort } = p;
    let dept!: DirDept;
    await this.commit((m) => {
      const old = m.depts.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such department');
      dept = { ...old, name: name ?? old.name, sort: sort ?? old.sort, parent_id: moving ? parentId : old.parent_id };
      const changes: DirStoredChange[] = [];
      if (moving && parentId !== old.parent_id) {
        if (parentId !== null) {
          const parent = m.depts.get(parentId);
          if (!parent) throw new AppError('SB_NOT_FOUND', 'No such parent department');
          if (parent.org_id !== old.org_id) throw new AppError('SB_VALIDATION', 'parent_id: must be in the same org', { field: 'parent_id' });
          if (m.ancestors(parentId).includes(id)) throw new AppError('SB_DEPT_CYCLE', 'A department cannot move under itself or its descendants');
        }
        // Confidentiality follows the tree: everyone below is re-sent with the new view.
        for (const d of m.subtree(id)) for (const pid of m.membersOf(d)) changes.push({ op: 'person', person: m.people.get(pid)! });
      }
      if (dept.name === old.name && dept.sort === old.sort && dept.parent_id === old.parent_id) return [];
      return [{ op: 'dept', dept }, ...dedupe(changes)];
    });
    await this.audit(actor, 'dir.dept.update', `dept:${id}`, { name, parent_id: moving ? parentId : undefined, sort });
    return dept;
  }

  /** Deletes an empty department; with move_to, its members and sub-departments move there first. */
  async deleteDept(actor: Actor, p: { dept_id: number; move_to?: number }): Promise<{ deleted: boolean; moved_people: number; moved_depts: number }> {
    await this.admin(actor);
    const { dept_id: id, move_to: moveTo } = p;
    let movedPeople = 0;
    let movedDepts = 0;
    await this.commit((m) => {
      const d = m.depts.get(id);
      if (!d) throw new AppError('SB_NOT_FOUND', 'No such department');
      const children = m.childrenOf(id);
      const members = m.membersOf(id);
      if (moveTo === undefined) {
        if (children.length || members.length) {
          throw new AppError('SB_DEPT_NOT_EMPTY', `The department has ${children.length} sub-departments and ${members.length} members; pass move_to`, { children: children.length, members: members.length });
        }
        return [{ op: 'dept.delete', id }];
      }
      const target = m.depts.get(moveTo);
      if (!target) throw new AppError('SB_NOT_FOUND', 'No such move_to department');
      if (m.ancestors(moveTo).includes(id)) throw new AppError('SB_DEPT_CYCLE', 'move_to must not be the department itself or below it');
      const changes: DirStoredChange[] = [{ op: 'dept.delete', id }];
      for (const c of children) { changes.push({ op: 'dept', dept: { ...m.depts.get(c)!, parent_id: moveTo, org_id: target.org_id } }); movedDepts++; }
      for (const d2 of m.subtree(id)) {
        for (const pid of m.membersOf(d2)) {
          const person = m.people.get(pid)!;
          const has = person.depts.some((x) => x.dept_id === moveTo);
          const depts = d2 !== id ? person.depts : person.depts.flatMap((x) => x.dept_id !== id ? [x] : has ? [] : [{ ...x, dept_id: moveTo }]).sort((a, b) => a.dept_id - b.dept_id);
          if (d2 === id) movedPeople++;
          changes.push({ op: 'person', person: { ...person, depts } });
        }
      }
      return dedupe(changes);
    });
    await this.audit(actor, 'dir.dept.delete', `dept:${id}`, { move_to: moveTo, moved_people: movedPeople, moved_depts: movedDepts });
    return { deleted: true, moved_people: movedPeople, moved_depts: movedDepts };
  }

  async createPerson(actor: Actor, p: Omit<PersonFields, 'person_id'> & { account: string }): Promise<DirPerson> {
    await this.admin(actor);
    const { account } = p;
    let person!: DirPerson;
    await this.commit((m) => {
      if (m.byAccount.has(account)) throw new AppError('SB_CONFLICT', 'A person with that account exists', { field: 'account' });
      const base: DirPerson = {
        id: m.nextId('person'), user_id: null, account, name: account, english_name: '', gender: '', mobile: '', phone: '', email: '', title: '',
        employee_no: '', avatar: '', status: 'active', depts: [],
      };
      person = this.patchPerson(m, base, p, true);
      return [{ op: 'person', person }];
    });
    await this.audit(actor, 'dir.person.create', `person:${person.id}`, { account, depts: person.depts.map((d) => d.dept_id) });
    return person;
  }

  /** Updates fields, status and (with `depts`) the memberships, each with its own title and order. */
  async updatePerson(actor: Actor, p: PersonFields): Promise<DirPerson> {
    await this.admin(actor);
    const id = p.person_id;
    let person!: DirPerson;
    await this.commit((m) => {
      const old = m.people.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such person');
      person = this.patchPerson(m, old, p, false);
      return JSON.stringify(person) === JSON.stringify(old) ? [] : [{ op: 'person', person }];
    });
    const fields = Object.keys(p).filter((k) => k !== 'person_id');
    await this.audit(actor, 'dir.person.update', `person:${id}`, { fields });
    return person;
  }

  async deletePerson(actor: Actor, p: { person_id: number }): Promise<{ deleted: boolean }> {
    await this.admin(actor);
    const id = p.person_id;
    await this.commit((m) => {
      if (!m.people.has(id)) throw new AppError('SB_NOT_FOUND', 'No such person');
      return [{ op: 'person.delete', id }];
    });
    await this.audit(actor, 'dir.person.delete', `person:${id}`, {});
    return { deleted: true };
  }

  private patchPerson(m: DirectoryModel, old: DirPerson, p: Omit<PersonFields, 'person_id'>, creating: boolean): DirPerson {
    const next: DirPerson = { ...old };
    for (const f of PERSON_FIELDS) {
      const value = p[f]?.trim();
      if (value === undefined) continue;
      if (f === 'gender') next.gender = oneOf(value, 'gender', ['', 'male', 'female']);
      else (next as unknown as Record<string, string>)[f] = value;
    }
    if (creating && p.name === undefined) next.name = old.account;
    if (p.status !== undefined) next.status = p.status;
    if (p.depts !== undefined) {
      const seen = new Set<number>();
      next.depts = p.depts.map((raw, i) => {
        const d = typeof raw === 'number' ? { dept_id: raw } : raw;
        const deptId = d.dept_id;
        if (!m.depts.has(deptId)) throw new AppError('SB_NOT_FOUND', `No such department ${deptId}`, { field: `depts[${i}].dept_id` });
        if (seen.has(deptId)) throw new AppError('SB_VALIDATION', `depts[${i}]: listed twice`, { field: `depts[${i}]` });
        seen.add(deptId);
        return { dept_id: deptId, title: ('title' in d ? d.title : undefined) ?? '', sort: ('sort' in d ? d.sort : undefined) ?? 0 };
      }).sort((a, b) => a.dept_id - b.dept_id);
    }
    return next;
  }

  async listPolicies(actor: Actor): Promise<DirPolicy[]> {
    const { m } = await this.admin(actor);
    return [...m.policies.values()].sort((a, b) => a.id - b.id);
  }

  /** Marks fields of a person or a department (and everyone below it) confidential; one policy per target, replaced. */
  async setPolicy(actor: Actor, p: { target: 'person' | 'dept'; target_id: number; fields: ConfidentialField[] }): Promise<DirPolicy> {
    await this.admin(actor);
    const { target, target_id: targetId } = p;
    const fields = [...new Set(p.fields)];
    let policy!: DirPolicy;
    await this.commit((m) => {
      if (target === 'person' ? !m.people.has(targetId) : !m.depts.has(targetId)) throw new AppError('SB_NOT_FOUND', `No such ${target}`);
      const existing = [...m.policies.values()].find((x) => x.target === target && x.target_id === targetId);
      policy = { id: existing?.id ?? m.nextId('policy'), target, target_id: targetId, fields };
      return [{ op: 'policy', policy }, ...this.affected(m, target, targetId)];
    });
    await this.audit(actor, 'dir.policy.set', `${target}:${targetId}`, { fields });
    return policy;
  }

  async deletePolicy(actor: Actor, p: { policy_id: number }): Promise<{ deleted: boolean }> {
    await this.admin(actor);
    const id = p.policy_id;
    let policy: DirPolicy | undefined;
    await this.commit((m) => {
      policy = m.policies.get(id);
      if (!policy) throw new AppError('SB_NOT_FOUND', 'No such policy');
      return [{ op: 'policy.delete', id }, ...this.affected(m, policy.target, policy.target_id)];
    });
    await this.audit(actor, 'dir.policy.delete', `policy:${id}`, { target: policy?.target, target_id: policy?.target_id });
    return { deleted: true };
  }

  /** People whose masked view may change with a policy on this target: re-sent in the same version. */
  private affected(m: DirectoryModel, target: 'person' | 'dept', targetId: number): DirStoredChange[] {
    if (target === 'person') { const p = m.people.get(targetId); return p ? [{ op: 'person', person: p }] : []; }
    const ids = new Set<number>();
    for (const d of m.subtree(targetId)) for (const pid of m.membersOf(d)) ids.add(pid);
    return [...ids].map((pid) => ({ op: 'person' as const, person: m.people.get(pid)! }));
  }

  /** Limits an administrator's sight of confidential fields to some departments (and below); empty = everything. */
  async setScope(actor: Actor, p: { user_id: number; dept_ids: number[] }): Promise<{ user_id: number; dept_ids: number[] }> {
    await this.admin(actor);
    const userId = p.user_id;
    // Until tiered administration exists: scopes are the super administrator's, and nobody widens their own.
    if (userId === actor.userId) throw new AppError('SB_FORBIDDEN', 'Nobody changes their own scope');
    const me = await this.store.users.byId(actor.userId);
    if (!me?.is_super) throw new AppError('SB_FORBIDDEN', 'Only the super administrator changes scopes');
    const deptIds = [...new Set(p.dept_ids)].sort((a, b) => a - b);
    if (!(await this.store.users.byId(userId))) throw new AppError('SB_NOT_FOUND', 'No such user');
    await this.commit((m) => {
      for (const d of deptIds) if (!m.depts.has(d)) throw new AppError('SB_NOT_FOUND', `No such department ${d}`);
      return [{ op: 'scope', user_id: userId, dept_ids: deptIds }];
    });
    // Snapshots are cached by view; a new scope is a new view.
    await this.audit(actor, 'dir.scope.set', `user:${userId}`, { dept_ids: deptIds });
    return { user_id: userId, dept_ids: deptIds };
  }

  // ---- import and export ----------------------------------------------------------

  /** Imports a whole org from an uploaded file; all or nothing, idempotent, with a dry run. */
  async importOrg(actor: Actor, p: { file_id: number; format?: 'csv' | 'xlsx' | 'rtx'; dry_run?: boolean; org_id?: number }): Promise<ImportReport> {
    await this.admin(actor);
    const fileId = p.file_id;
    const format = p.format ?? 'csv';
    const dryRun = p.dry_run === true;
    const orgId = p.org_id ?? 1;
    const file = await this.store.files.get(fileId);
    if (!file || file.uploader_id !== actor.userId) throw new AppError('SB_NOT_FOUND', 'No such file (upload it first)');
    const rejected = (details: Record<string, unknown>) => this.audit(actor, 'dir.import.rejected', `org:${orgId}`, { format, file_id: fileId, ...details });
    let parsed: ReturnType<typeof parseDocument>;
    try {
      checkImportSize(file.size);
      const bytes = await this.blobs.read(file.sha256, 0, file.size);
      if (!bytes) throw new AppError('SB_NOT_FOUND', 'File content is missing at the origin');
      parsed = parseDocument(format, bytes);
    } catch (e) {
      // A file past an import limit is refused whole, dry run or not; audited like any rejected import.
      if (e instanceof AppError && e.code === 'SB_IMPORT_INVALID') await rejected({ limit: (e.details as { limit?: string } | undefined)?.limit });
      throw e;
    }
    const empty: ImportSummary = { depts_created: 0, depts_updated: 0, depts_deleted: 0, people_created: 0, people_updated: 0, unchanged: 0 };
    const report = (issues: ImportIssue[], summary: ImportSummary, version: number): ImportReport => ({ dry_run: dryRun, ok: issues.length === 0, format, issues: reportedIssues(issues), summary, version });
    if (parsed.issues.length) {
      if (dryRun) return report(parsed.issues, empty, (await this.current()).version);
      await rejected({ issues: parsed.issues.length });
      throw new AppError('SB_IMPORT_INVALID', `The file has ${parsed.issues.length} problem(s); nothing was changed`, { issues: reportedIssues(parsed.issues) });
    }
    if (dryRun) {
      const m = await this.current();
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      const plan = planImport(m, orgId, parsed.doc);
      return report(plan.issues, plan.summary, m.version);
    }
    let summary = empty;
    let issues: ImportIssue[] = [];
    const r = await this.commit((m) => {
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      const plan = planImport(m, orgId, parsed.doc);
      summary = plan.summary;
      issues = plan.issues;
      return plan.issues.length ? [] : plan.changes;
    });
    if (issues.length) {
      await rejected({ issues: issues.length });
      throw new AppError('SB_IMPORT_INVALID', `The file has ${issues.length} problem(s); nothing was changed`, { issues: reportedIssues(issues) });
    }
    await this.audit(actor, 'dir.import', `org:${orgId}`, { format, file_id: fileId, ...summary, version: r.version });
    return report([], summary, r.version);
  }

  /** Exports one org (as this administrator may see it) to a file they can download. */
  async exportOrg(actor: Actor, p: { format?: 'csv' | 'xlsx'; org_id?: number }): Promise<FileView & { version: number }> {
    const { m, v } = await this.admin(actor);
    const format = p.format ?? 'csv';
    const orgId = p.org_id ?? 1;
    if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
    const doc = exportDocument(m, v, orgId);
    const rows = tableFromDocument(doc);
    const bytes = format === 'csv' ? Buffer.from(`\ufeff${toCsv(rows)}`, 'utf8') : await writeXlsx(rows);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.blobs.has(sha256))) {
      const uploadId = randomId(16);
      await this.blobs.writePart(uploadId, 0, bytes);
      if (!(await this.blobs.finish(uploadId, sha256, bytes.length))) throw new AppError('SB_INTERNAL', 'Export could not be stored');
    }
    const name = `org-${orgId}-v${m.version}.${format}`;
    const mime = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const rec = await this.store.files.create({ sha256, size: bytes.length, name, mime, uploader_id: actor.userId, created_at: this.clock.now() });
    await this.audit(actor, 'dir.export', `org:${orgId}`, { format, file_id: rec.id, people: doc.people.length, depts: doc.depts.length });
    return { id: rec.id, name, size: rec.size, mime, sha256, created_at: rec.created_at, version: m.version };
  }

  private deptName(v: string): string {
    const name = v.trim();
    if (!name) throw new AppError('SB_VALIDATION', 'name: must not be blank', { field: 'name' });
    return name;
  }
}

/** A delta must fit one bus message (NATS allows 1 MiB by default); beyond that the snapshot (sent in parts) is cheaper anyway. */
function tooBig(changes: DirChange[]): boolean {
  return changes.length > MAX_DELTA_CHANGES || (changes.length > 1000 && JSON.stringify(changes).length > MAX_DELTA_BYTES);
}

function dedupe(changes: DirStoredChange[]): DirStoredChange[] {
  const key = (c: DirStoredChange) => c.op === 'person' ? `p${c.person.id}` : c.op === 'person.delete' ? `p${c.id}` : c.op === 'dept' ? `d${c.dept.id}` : c.op === 'dept.delete' ? `d${c.id}` : `${c.op}`;
  const last = new Map<string, DirStoredChange>();
  for (const c of changes) { const k = key(c); last.delete(k); last.set(k, c); }
  return [...last.values()];
}

/** One org as the shared table layout; confidential values stay masked unless the viewer covers the person. */
export function exportDocument(m: DirectoryModel, v: Viewer, orgId: number): OrgDocument {
  const doc: OrgDocument = { depts: [], people: [], members: [] };
  const order: DirDept[] = [];
  const walk = (ids: number[]) => { for (const id of ids) { order.push(m.depts.get(id)!); walk(m.childrenOf(id)); } };
  walk(m.rootsOf(orgId));
  const keyOf = new Map(order.map((d) => [d.id, deptKey(d)]));
  for (const d of order) doc.depts.push({ line: 0, key: keyOf.get(d.id)!, parent: d.parent_id === null ? null : keyOf.get(d.parent_id)!, name: d.name, sort: d.sort });
  const people = [...m.people.values()].filter((p) => p.depts.some((x) => keyOf.has(x.dept_id))).sort((a, b) => a.id - b.id);
  for (const raw of people) {
    const p = m.present(v, raw);
    doc.people.push({ line: 0, account: p.account, name: p.name, english_name: p.english_name, gender: p.gender, mobile: p.mobile, phone: p.phone,
      email: p.email, title: p.title, employee_no: p.employee_no, avatar: p.avatar, status: p.status });
    for (const x of p.depts) if (keyOf.has(x.dept_id)) doc.members.push({ line: 0, account: p.account, dept: keyOf.get(x.dept_id)!, title: x.title, sort: x.sort });
  }
  return doc;
}
