import type { Static } from '@sinclair/typebox';
import { adminOperations } from './admin/operations.js';
import { authOperations } from './auth/operations.js';
import { accountAdminOperations } from './auth/admin-operations.js';
import { loginPolicyOperations } from './login-policy/operations.js';
import { broadcastOperations } from './broadcasts/operations.js';
import { deviceOperations } from './devices/operations.js';
import { directoryOperations } from './directory/operations.js';
import { favouriteOperations } from './favourites/operations.js';
import { fileOperations } from './files/operations.js';
import { fileRuleOperations } from './files/rule-operations.js';
import { groupOperations } from './messaging/group-operations.js';
import { messageActionOperations } from './messaging/action-operations.js';
import { messagingOperations } from './messaging/operations.js';
import { mentionOperations } from './mentions/operations.js';
import { notifyOperations } from './notify/operations.js';
import type { Operation } from './operation.js';
import { presenceOperations } from './presence/operations.js';
import { signinsOperations } from './signins/operations.js';
import { searchOperations } from './search/operations.js';
import { roleOperations } from './roles/operations.js';
import { userOperations } from './users/operations.js';

/**
 * Every operation, from the feature folders. Central serves each over the bus through one policy gate,
 * the relay routes HTTP by it, and the OpenAPI document, the browser's route list (shared/protocol/routes.ts)
 * and the SDK's types come from it. Operations with `http: null` are bus methods of the relay's.
 */
export const OPERATIONS = {
  ...authOperations,
  ...userOperations,
  ...messagingOperations,
  ...groupOperations,
  ...mentionOperations,
  ...messageActionOperations,
  ...searchOperations,
  ...presenceOperations,
  ...fileOperations,
  ...favouriteOperations,
  ...notifyOperations,
  ...fileRuleOperations,
  ...directoryOperations,
  ...adminOperations,
  ...accountAdminOperations,
  ...loginPolicyOperations,
  ...signinsOperations,
  ...broadcastOperations,
  ...roleOperations,
  ...deviceOperations,
};

export type OperationName = keyof typeof OPERATIONS;
type Table = typeof OPERATIONS;
/** The public operations: those with an HTTP route. */
export type PublicName = { [K in OperationName]: Table[K]['http'] extends null ? never : K }[OperationName];
export type ParamsOf<K extends OperationName> = Static<Table[K]['params']>;
export type ResultOf<K extends OperationName> = Static<Table[K]['result']>;

/** The table, for code that walks it without caring which operation is which. */
export const OPERATION_LIST = Object.entries(OPERATIONS) as [OperationName, Operation][];

/** The SDK's `call` takes its types from here (see OperationTypes in shared/sdk/api.ts). */
type OperationTypeMap = { [K in PublicName]: { params: ParamsOf<K>; result: ResultOf<K> } };
declare module '../shared/sdk/api.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface OperationTypes extends OperationTypeMap {}
}
