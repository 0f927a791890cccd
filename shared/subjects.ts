/**
 * NATS subject names (also used by the in-process bus), in one place.
 *
 * - rpc:         request/reply, served by central in the queue group `central`
 * - relayEvents: events for the people one relay holds; only that relay's bus identity may subscribe
 * - broadcast:   organisation-wide events and control messages (sessions ended, file grants dropped)
 * - relayInbox:  the reply-inbox prefix of one relay; its bus identity may subscribe only below it
 * - central:     between central processes only; no relay may publish or subscribe here
 *
 * A relay id is one subject token: letters, digits, `_` and `-` (see relayIdFrom).
 */
export const SUBJECTS = {
  rpc: (method: string) => `sb.rpc.${method}`,
  rpcWildcard: 'sb.rpc.>',
  relayEvents: (relayId: string) => `sb.events.relay.${relayId}`,
  broadcast: 'sb.events.all',
  relayInbox: (relayId: string) => `_INBOX_relay_${relayId}`,
  central: (topic: string) => `sb.central.${topic}`,
} as const;

export const CENTRAL_QUEUE = 'central';

/**
 * Whether a reply subject is a request inbox (the client default `_INBOX.…`, or a relay's `_INBOX_relay_<id>.…`).
 * Anything else is refused as a reply target: a relay could otherwise name `sb.central.…` or another relay's
 * events as its reply subject and have central publish there on its behalf.
 */
export function isInbox(subject: string): boolean {
  return subject.startsWith('_INBOX.') || subject.startsWith('_INBOX_relay_');
}

/** A relay id that is safe as one NATS subject token. */
export function relayIdFrom(raw: string): string {
  const id = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return id || 'relay';
}
