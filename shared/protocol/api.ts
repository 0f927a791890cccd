/**
 * The operation table's names as every client needs them. The table itself, with schemas, policies and
 * handlers, is core/operations.ts (built from each feature's operations.ts); routes.ts is its schema-free
 * view for browsers and the SDK, generated from it.
 */
import { ROUTES } from './routes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthLevel = 'none' | 'user' | 'admin';

/** Every public operation: `API[method].http` is its route, `.auth` its policy. */
export const API = ROUTES;
export type Method = keyof typeof API;

/** Internal bus methods that have no HTTP route (their entries are in the table too, with `http: null`). */
export const INTERNAL = {
  resolve: 'auth.resolve',
  ping: 'health.ping',
  presenceReport: 'presence.report',
  // Files: the relay streams bytes to and from central in parts (see relay/files.ts).
  fileBegin: 'files.begin',
  filePart: 'files.part',
  fileFinish: 'files.finish',
  fileMeta: 'files.meta',
  fileRead: 'files.read',
  fileThumb: 'files.thumb',
  // The directory snapshot: gzipped once at central, read in parts by the relay (GET /api/v1/directory/snapshot).
  dirSnapshotMeta: 'dir.snapshot.meta',
  dirSnapshotPart: 'dir.snapshot.part',
  // Sends that reach a relay in the same event-loop turn go to central together: {items: [{actor, params}]} → {results: Reply[]}.
  sendMany: 'msg.sendMany',
} as const;

/** The most sends one `msg.sendMany` request may carry. */
/** The most recalled or edited messages one sync returns (the newest changes; docs/messages.md). */
export const SYNC_UPDATED_LIMIT = 500;
export const MAX_SENDS_PER_BATCH = 256;
