import { decodeQueue, encodeQueue, type QueuedSend } from '../../../shared/sdk/client.js';

/**
 * What the client keeps in localStorage: the session (`sb.server`, `sb.token`, `sb.uid`), drafts per user and
 * conversation, and the send queue with each send's whole body (mentions, reply), so a reload while offline loses
 * nothing.
 */

const draftKey = (uid: number, convId: number) => `sb.draft.${uid}.${convId}`;
const outboxKey = (uid: number) => `sb.outbox.${uid}`;

export function savedSession(): { server: string | null; token: string | null; uid: number } {
  return { server: localStorage.getItem('sb.server'), token: localStorage.getItem('sb.token'), uid: Number(localStorage.getItem('sb.uid') ?? 0) };
}

export function saveSession(server: string, token: string, uid: number): void {
  localStorage.setItem('sb.server', server);
  localStorage.setItem('sb.token', token);
  localStorage.setItem('sb.uid', String(uid));
}

/** Signing out forgets the token, the drafts and the queue; the server address stays for the next sign-in. */
export function forgetSession(): void {
  for (const k of Object.keys(localStorage)) if (k.startsWith('sb.draft.') || k.startsWith('sb.outbox.')) localStorage.removeItem(k);
  localStorage.removeItem('sb.token');
  localStorage.removeItem('sb.uid');
}

export function loadDraft(uid: number, convId: number): string {
  return localStorage.getItem(draftKey(uid, convId)) ?? '';
}

export function saveDraft(uid: number, convId: number, text: string): void {
  if (text) localStorage.setItem(draftKey(uid, convId), text); else localStorage.removeItem(draftKey(uid, convId));
}

export function loadOutbox(uid: number): QueuedSend[] {
  return decodeQueue(localStorage.getItem(outboxKey(uid)));
}

export function saveOutbox(uid: number, items: readonly QueuedSend[]): void {
  if (items.length) localStorage.setItem(outboxKey(uid), encodeQueue(items)); else localStorage.removeItem(outboxKey(uid));
}
