import type { ApiClient } from '../../../shared/sdk/api.js';

/**
 * Remote wipe (远程数据抹除) on this device: everything the web client keeps goes (IndexedDB, Cache Storage,
 * localStorage with the token and the saved server address, sessionStorage, the service worker), then the
 * server is told with the ended session's own token, the one credential that can acknowledge this order.
 */
export async function wipeThisDevice(): Promise<void> {
  const dbs = await indexedDB.databases?.().catch(() => []) ?? [];
  const names = new Set(['switchboard', ...dbs.map((d) => d.name).filter((n): n is string => !!n)]);
  await Promise.all([...names].map((name) => new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  })));
  if ('caches' in globalThis) {
    const keys = await caches.keys().catch(() => [] as string[]);
    await Promise.all(keys.map((k) => caches.delete(k).catch(() => false)));
  }
  if ('serviceWorker' in navigator) {
    const regs = await navigator.serviceWorker.getRegistrations().catch(() => [] as readonly ServiceWorkerRegistration[]);
    await Promise.all(regs.map((r) => r.unregister().catch(() => false)));
  }
  localStorage.clear();
  sessionStorage.clear();
}

/** Tells the server this device has wiped itself; a failure leaves the order pending for administrators to see. */
export async function acknowledgeWipe(api: ApiClient, wipeId: number): Promise<boolean> {
  return api.call('devices.wipeAck', { wipe_id: wipeId }).then(() => true, () => false);
}

/** The wipe order a refusal carries (SB_WIPED with details.wipe_id), or null. */
export function wipeOrderOf(e: unknown): number | null {
  const err = e as { code?: string; details?: { wipe_id?: unknown } } | null;
  return err?.code === 'SB_WIPED' && typeof err.details?.wipe_id === 'number' ? err.details.wipe_id : null;
}
