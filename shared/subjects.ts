/**
 * NATS subject names (also used by the in-process bus), in one place.
 * - rpc:    request/reply, served by central in the queue group `central`
 * - events: push fan-out from central to every relay; each relay delivers to its local sockets
 */
export const SUBJECTS = {
  rpc: (method: string) => `sb.rpc.${method}`,
  rpcWildcard: 'sb.rpc.>',
  events: 'sb.events',
} as const;

export const CENTRAL_QUEUE = 'central';
