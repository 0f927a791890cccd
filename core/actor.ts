/** Who is acting: derived by central from a credential it verified itself (see shared/protocol/wire.ts). */
import type { Actor } from '../shared/protocol/wire.js';
import type { Authority } from './roles/permissions.js';

export type { Actor } from '../shared/protocol/wire.js';

/**
 * An administrator as central's policy gate admitted them to one operation: with the reach of the grants that
 * hold its permission. Services cut their lists to it; absent only when a service is called from inside central.
 */
export type AdminActor = Actor & { authority?: Authority };
