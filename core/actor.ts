/** Who is acting: derived by central from a credential it verified itself (see shared/protocol/wire.ts). */
export type { Actor } from '../shared/protocol/wire.js';
