import type { TSchema } from '@sinclair/typebox';
import type { AuthLevel, HttpMethod } from './api.js';

export type { AuthLevel, HttpMethod } from './api.js';

/**
 * What the outside sees of one operation: its HTTP route (none for bus-only methods), who may call it, and
 * the shapes it takes and gives. Params = path params + query string + JSON body, merged. The handler that
 * serves it lives with its feature in core/ (see core/operation.ts).
 */
export interface OperationContract {
  http: readonly [HttpMethod, string] | null;
  auth: AuthLevel;
  summary: string;
  params: TSchema;
  result: TSchema;
  /** How long the relay waits for central (default: the bus's request timeout); for long operations such as imports. */
  timeoutMs?: number;
}
