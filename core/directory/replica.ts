import { AppError } from '../../shared/errors.js';
import type { DirChange } from '../../shared/protocol/directory.js';
import type { AuditEntry } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { AuthService } from '../auth/service.js';
import type { Clock, DirStoredChange, EventSink, Store } from '../ports.js';
import { DirectoryModel, type Viewer } from './model.js';
import { userView } from '../presenters.js';
import { createLogger } from '../../shared/log.js';

const log = createLogger('directory');

/** Deltas longer than this tell the client to fetch a snapshot instead. */
export const MAX_DELTA_CHANGES = 20_000;
export const MAX_DELTA_BYTES = 768 * 1024;
/** Pushes carry the (public) changes themselves up to this many; beyond, a hint to pull. */
export const INLINE_CHANGES = 200;
/** Reads check the store's directory version at most this often (a round trip on MySQL). */
export const VERSION_CHECK_MS = 50;
/** A reader's admin flag is re-read from the store after this long. */
export const VIEWER_TTL_MS = 1_000;

/**
 * Central's in-memory copy of the directory (DirectoryModel), kept current from the store's
 * change log whenever another process committed, and the one way to commit changes to it.
 */
export class DirectoryReplica {
  private model: DirectoryModel | null = null;
  private loading: Promise<DirectoryModel> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private viewers = new Map<number, { isAdmin: boolean; at: number }>();
  /** The latest committed versions' changes, so pulls after a push never reach the store. Covers versions > recentFrom. */
  private recent: { version: number; changes: DirStoredChange[] }[] = [];
  private recentFrom = 0;
  private recentCount = 0;

  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly events: EventSink,
    private readonly clock: Clock,
  ) {}

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
  commit(build: (m: DirectoryModel) => DirStoredChange[]): Promise<{ version: number; changes: DirStoredChange[] }> {
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

  /** The remembered changes after `since` up to `version`, in order; null when they reach back further than remembered. */
  recentChanges(since: number, version: number): DirStoredChange[] | null {
    if (since < this.recentFrom) return null;
    return this.recent.filter((r) => r.version > since && r.version <= version).flatMap((r) => r.changes);
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
  async viewer(actor: Actor, m: DirectoryModel): Promise<Viewer> {
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
  async admin(actor: Actor): Promise<{ m: DirectoryModel; v: Viewer }> {
    const m = await this.current();
    this.viewers.set(actor.userId, { isAdmin: true, at: this.clock.now() });
    return { m, v: m.viewer(actor.userId, true) };
  }

  /** Appends an administrator's directory action to the audit log. */
  async audit(actor: Actor, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor.userId, action, target, details, at: this.clock.now() } satisfies Omit<AuditEntry, 'id'>);
  }
}
