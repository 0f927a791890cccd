import type { ClientState } from '../../../shared/sdk/state.js';

/**
 * History cached in IndexedDB so reopening the app shows it at once. One
 * record per user: the SDK state and the sync position it is complete up to.
 * Signing out deletes the database.
 */
export interface Snapshot {
  state: ClientState;
  pos: number;
  /** Names of people seen outside the conversations (the directory, pickers), for senders and receipts. */
  users: Record<number, KnownUser>;
}

export interface KnownUser { id: number; name: string; account: string }

const DB = 'switchboard';
const STORE = 'snapshots';
/** Messages kept per conversation (the newest, contiguous). */
const KEEP = 300;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => { req.result.createObjectStore(STORE); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function loadSnapshot(userId: number): Promise<Snapshot | null> {
  try {
    const db = await open();
    return await new Promise<Snapshot | null>((resolve) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(`u${userId}`);
      req.onsuccess = () => { resolve((req.result as Snapshot | undefined) ?? null); db.close(); };
      req.onerror = () => { resolve(null); db.close(); };
    });
  } catch {
    return null;
  }
}

export async function saveSnapshot(userId: number, snap: Snapshot): Promise<void> {
  const messages: ClientState['messages'] = {};
  for (const [conv, bucket] of Object.entries(snap.state.messages)) {
    const seqs = Object.keys(bucket).map(Number).sort((a, b) => b - a);
    const kept: Record<number, ClientState['messages'][number][number]> = {};
    // Keep the newest run without holes, so a restored client never sees a false gap.
    for (let i = 0; i < seqs.length && i < KEEP; i++) {
      if (i > 0 && seqs[i] !== seqs[i - 1]! - 1) break;
      kept[seqs[i]!] = bucket[seqs[i]!]!;
    }
    messages[Number(conv)] = kept;
  }
  try {
    const db = await open();
    await new Promise<void>((resolve) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ ...snap, state: { ...snap.state, messages } }, `u${userId}`);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => { db.close(); resolve(); };
    });
  } catch { /* private mode or quota: the cache is an optimisation */ }
}

export function clearCache(): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
