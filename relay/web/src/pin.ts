/**
 * The security PIN (安全密码) on this device: a PBKDF2 verifier of the PIN in localStorage, so the PIN is checked
 * on open without the network, and the count of wrong entries in a row, which survives a reload. The server
 * keeps its own slow hash (devices.pin.verify); this copy is only for the local check.
 */
export interface LocalPin { salt: string; hash: string; iterations: number; maxAttempts: number }

const pinKey = (uid: number) => `sb.pin.${uid}`;
const failKey = (uid: number) => `sb.pin.fails.${uid}`;
const ITERATIONS = 150_000;

const hex = (b: ArrayBuffer | Uint8Array) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** Null where the browser offers no WebCrypto (an insecure context): the PIN is then checked by the server only. */
async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return hex(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
}

export function loadLocalPin(uid: number): LocalPin | null {
  try {
    const v = JSON.parse(localStorage.getItem(pinKey(uid)) ?? 'null') as LocalPin | null;
    return v && typeof v.hash === 'string' && typeof v.salt === 'string' ? v : null;
  } catch {
    return null; // unreadable: asked again and checked by the server
  }
}

export async function saveLocalPin(uid: number, pin: string, maxAttempts: number): Promise<void> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(pin, salt, ITERATIONS);
  if (hash) localStorage.setItem(pinKey(uid), JSON.stringify({ salt: hex(salt), hash, iterations: ITERATIONS, maxAttempts } satisfies LocalPin));
}

export function setLocalMax(uid: number, maxAttempts: number): void {
  const p = loadLocalPin(uid);
  if (p && p.maxAttempts !== maxAttempts) localStorage.setItem(pinKey(uid), JSON.stringify({ ...p, maxAttempts }));
}

export function forgetLocalPin(uid: number): void {
  localStorage.removeItem(pinKey(uid));
  localStorage.removeItem(failKey(uid));
}

export async function checkLocalPin(p: LocalPin, pin: string): Promise<boolean> {
  return (await derive(pin, unhex(p.salt), p.iterations)) === p.hash;
}

export function failures(uid: number): number {
  return Number(localStorage.getItem(failKey(uid)) ?? 0) || 0;
}

/** One more wrong entry; returns the count in a row. */
export function addFailure(uid: number): number {
  const n = failures(uid) + 1;
  localStorage.setItem(failKey(uid), String(n));
  return n;
}

export function clearFailures(uid: number): void {
  localStorage.removeItem(failKey(uid));
}
