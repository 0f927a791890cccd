import { SUBJECTS, relayIdFrom } from '../subjects.js';

/**
 * What each bus identity may do, written once: `switchboard bus credentials` prints nats-server
 * configuration from it, and the cluster tests run their nats-server with the same blocks.
 *
 * A relay may send requests to central and hear its replies, its own events and broadcasts: nothing else.
 * It cannot subscribe to `sb.rpc.>` (other relays' requests, sign-ins included), cannot join the
 * `central` queue group (answer requests falsely), cannot read another relay's events, and cannot publish
 * events or anything between central processes.
 */
export interface Permissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
}

export function relayPermissions(relayId: string): Permissions {
  if (relayIdFrom(relayId) !== relayId) throw new Error(`not a relay id (letters, digits, "_" or "-"): ${JSON.stringify(relayId)}`);
  return {
    publish: { allow: [SUBJECTS.rpcWildcard] },
    subscribe: { allow: [`${SUBJECTS.relayInbox(relayId)}.>`, SUBJECTS.relayEvents(relayId), SUBJECTS.broadcast] },
  };
}

/** Central serves every request (queue group `central`), publishes every event and reply, talks to its peers. */
export function centralPermissions(): Permissions {
  return {
    publish: { allow: ['>'] },
    subscribe: { allow: [SUBJECTS.rpcWildcard, SUBJECTS.central('>'), '_INBOX.>'] },
  };
}

const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

/** One entry of nats-server's `authorization { users = [ … ] }`, for an NKey user. */
export function natsUserEntry(publicKey: string, perms: Permissions, comment?: string): string {
  return [
    ...(comment ? [`    # ${comment}`] : []),
    `    { nkey: ${publicKey}`,
    `      permissions: { publish: { allow: ${list(perms.publish.allow)} }, subscribe: { allow: ${list(perms.subscribe.allow)} } } }`,
  ].join('\n');
}

/** The whole `authorization` block for these users. */
export function natsAuthorization(entries: string[]): string {
  return `authorization {\n  users = [\n${entries.join('\n')}\n  ]\n}\n`;
}
