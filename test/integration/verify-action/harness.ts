import type { Test } from 'tap';
import type { OperationName } from '../../../core/operations.js';
import { checkEvent } from '../../../shared/protocol/event-schemas.js';
import type { ServerEvent, UserView } from '../../../shared/protocol/types.js';
import { ApiClient } from '../../../shared/sdk/api.js';
import { DirectoryMirror } from '../../../shared/sdk/directory.js';
import { applyEvent, type ClientState } from '../../../shared/sdk/state.js';
import { waitFor, type TestServer } from '../../helpers/server.js';
import { canonical, eventTap, fetchState, loadHistory } from '../../helpers/state.js';

export interface Person { user: UserView; token: string; api: ApiClient }

/**
 * Zulip's verify_action: for each affected user, the events pushed during an operation must each match
 * their schema, and applied to the state held before it (conversations and the directory copy, both
 * through the SDK's own reducers) must equal a fresh fetch after it.
 */
export class Verifier {
  readonly covered = new Set<OperationName>();

  constructor(private readonly t: Test, private readonly server: TestServer, public people: Person[]) {}

  async verify(op: OperationName, label: string, action: () => Promise<unknown>, people = this.people): Promise<void> {
    const { t, server } = this;
    this.covered.add(op);
    const name = `${op} (${label})`;
    const taps = await Promise.all(people.map((p) => eventTap(server.url, p.token)));
    const stale = await Promise.all(people.map((p) => fetchState(p.api, p.user.id)));
    const mirrors = await Promise.all(people.map(async (p) => {
      const m = new DirectoryMirror(p.api, { isAdmin: () => p.user.is_admin, changed: () => {} });
      await m.load();
      return m;
    }));
    const staleVersions = mirrors.map((m) => m.version);
    const called = await recordingCalls(action);
    t.ok(called.includes(op), `${name}: the case calls ${op}`);
    const expected = await Promise.all(people.map((p) => fetchState(p.api, p.user.id)));
    const freshDir = await Promise.all(people.map((p) => p.api.directorySnapshot()));
    for (const [i, p] of people.entries()) {
      const events = (): ServerEvent[] => taps[i]!.events;
      let applied: unknown;
      let fed = 0;
      const want = canonical(expected[i]!);
      // Events are published after commit; give the relay a moment to deliver them, then compare until stable.
      await waitFor(async () => {
        applied = await replay(p, stale[i]!, events());
        for (; fed < events().length; fed++) {
          const e = events()[fed]!;
          if (e.type === 'directory.changed') mirrors[i]!.onEvent(e);
        }
        return JSON.stringify(applied) === JSON.stringify(want) && JSON.stringify(mirrors[i]!.snapshot()) === JSON.stringify(freshDir[i]);
      }, 3000, `${name}: events converge for ${p.user.name}`).catch(() => {});
      t.same(applied, want, `${name}: events applied to stale state equal a fresh fetch for ${p.user.name}`);
      t.same(mirrors[i]!.snapshot(), freshDir[i], `${name}: the directory copy at v${staleVersions[i]} plus the pushes equals a fresh snapshot (v${freshDir[i]!.version}) for ${p.user.name}`);
      const invalid = events().map(checkEvent).filter((e) => e !== null);
      t.same(invalid, [], `${name}: all ${events().length} events pushed to ${p.user.name} match their schemas`);
    }
    // A directory case that moved no version would compare two equal snapshots and prove nothing.
    if (op.startsWith('admin.dir.')) t.ok(freshDir[0]!.version > staleVersions[0]!, `${name}: moves the directory version`);
    for (const tap of taps) tap.close();
  }
}

/** The stale state with the events applied; a conversation seen for the first time has its history loaded, as the SDK does. */
async function replay(p: Person, stale: ClientState, events: ServerEvent[]): Promise<unknown> {
  const state = structuredClone(stale);
  for (const e of events) applyEvent(state, e);
  for (const id of Object.keys(state.conversations).map(Number)) if (!stale.conversations[id]) await loadHistory(p.api, state, id);
  return canonical(state);
}

/** Runs `action`, noting the operations any ApiClient calls meanwhile (so a case cannot name one operation and run another). */
async function recordingCalls(action: () => Promise<unknown>): Promise<string[]> {
  const called: string[] = [];
  const original = ApiClient.prototype.callUnchecked;
  ApiClient.prototype.callUnchecked = function <T>(this: ApiClient, method: Parameters<typeof original>[0], params?: Record<string, unknown>): Promise<T> {
    called.push(method);
    return original.call(this, method, params) as Promise<T>;
  };
  try {
    await action();
  } finally {
    ApiClient.prototype.callUnchecked = original;
  }
  return called;
}
