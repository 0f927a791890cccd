import type { ApiClient } from './api.js';
import { applyDirChanges, snapshotOf, stateFromSnapshot, type DirChange, type DirDelta, type DirSnapshot, type DirState } from '../protocol/directory.js';
import type { ServerEvent } from '../protocol/types.js';

/**
 * A client's copy of the organisation directory: one snapshot, then deltas.
 * A push carries small changes itself; otherwise (or after a gap) the copy
 * pulls the changes since its version, and refetches the snapshot when told
 * it is too far behind.
 */
export class DirectoryMirror {
  state: DirState | null = null;
  private pulling: Promise<void> | null = null;
  private again = false;

  constructor(private readonly api: ApiClient, private readonly opts: { isAdmin: () => boolean; changed: (changes: DirChange[] | null) => void }) {}

  get version(): number { return this.state?.version ?? -1; }

  /** Downloads the snapshot (gzip on the wire) and catches up. */
  async load(): Promise<void> {
    const snap = await this.api.directorySnapshot();
    this.state = stateFromSnapshot(snap);
    this.opts.changed(null);
    await this.pull();
  }

  /** Handles a `directory.changed` push. */
  onEvent(event: Extract<ServerEvent, { type: 'directory.changed' }>): void {
    if (!this.state) return;
    if (event.version <= this.state.version) return;
    // Administrators see more than the public changes a push carries: they always pull.
    if (event.changes && event.from === this.state.version && !this.opts.isAdmin()) {
      applyDirChanges(this.state, event.changes, event.version);
      this.opts.changed(event.changes);
      return;
    }
    void this.pull().catch(() => { /* the next push or resync tries again */ });
  }

  /** Pulls every change after the held version (coalesces concurrent calls). */
  pull(): Promise<void> {
    if (this.pulling) { this.again = true; return this.pulling; }
    this.pulling = (async () => {
      try {
        do {
          this.again = false;
          if (!this.state) return;
          const delta: DirDelta = await this.api.call('dir.changes', { since: this.state.version });
          if (delta.reset) {
            this.state = stateFromSnapshot(await this.api.directorySnapshot());
            this.opts.changed(null);
            this.again = true;
            continue;
          }
          if (delta.from !== this.state.version || delta.version <= this.state.version) continue;
          applyDirChanges(this.state, delta.changes, delta.version);
          if (delta.changes.length) this.opts.changed(delta.changes);
        } while (this.again);
      } finally {
        this.pulling = null;
      }
    })();
    return this.pulling;
  }

  snapshot(): DirSnapshot | null { return this.state ? snapshotOf(this.state) : null; }
}
