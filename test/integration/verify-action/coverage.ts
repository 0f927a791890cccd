import { OPERATION_LIST, type OperationName } from '../../../core/operations.js';

/** Bus methods that only read (they have no HTTP verb to tell). */
export const READ_ONLY_BUS: readonly OperationName[] = ['auth.resolve', 'health.ping', 'files.meta', 'files.read', 'dir.snapshot.meta', 'dir.snapshot.part'];

/** State-changing operations whose effect no client state shows, and why. */
export const EXEMPT: Partial<Record<OperationName, string>> = {
  'auth.login': 'creates a session; sessions are not part of the pushed state',
  'auth.logout': 'ends the caller\'s session; its socket closes, nothing else changes',
  'auth.endSession': 'ends one of my sessions; its socket closes, nothing else changes',
  'auth.password': 'a credential; other sessions end, no state anyone sees changes',
  'auth.completeSignIn': 'finishes a sign-in (a new password or authenticator, then a session); no state anyone sees changes',
  'auth.totp.begin': 'a credential being set up; no state anyone sees changes',
  'auth.totp.confirm': 'a credential; no state anyone sees changes',
  'auth.totp.disable': 'a credential; no state anyone sees changes',
  'admin.passwordPolicy.set': 'the password policy; no client state holds it (people read their rules through auth.security)',
  'admin.users.unlock': 'a credential\'s lock; no state anyone sees changes',
  'admin.users.resetTotp': 'a credential; the person\'s sessions end, no state anyone sees changes',
  'admin.users.activationCodes': 'one-time credentials for the administrator to hand out; no state anyone sees changes',
  'msg.typing': 'a hint to the other members (typing), never stored; no state changes',
  'auth.decideDevice': 'approves or refuses a waiting sign-in of mine; device.approval is a notice to my devices, not fetched state',
  'admin.deviceApprovals.decide': 'approves or refuses a waiting sign-in; device.approval is a notice to that person, not fetched state',
  'admin.devices.forget': 'which devices sign in without approval; no client state holds it',
  'admin.loginPolicy.set': 'the login rules; no client state holds them (people read theirs through auth.loginPolicy)',
  'admin.loginPolicy.delete': 'the login rules; no client state holds them',
  'admin.users.password': 'a credential; the user\'s sessions end, no state anyone sees changes',
  'admin.sessions.revoke': 'ends one session; its socket closes, nothing else changes',
  'files.begin': 'an upload in progress belongs to nobody\'s state until a message carries it',
  'files.part': 'an upload in progress belongs to nobody\'s state until a message carries it',
  'files.finish': 'a file is seen only through the message that carries it (msg.send with a file is a case)',
  'files.thumb': 'records a missing thumbnail once (for files stored before thumbnails); no client state changes',
  'presence.report': 'the relay\'s report of its own connections; presence is not fetched state',
  'msg.sendMany': 'the relay\'s batch of msg.send calls; each item is msg.send, which has its cases',
  'admin.dir.scope.set': 'which departments one administrator manages; no directory data or version changes',
  'admin.dir.export': 'writes a file for the exporting administrator only',
  'admin.roles.create': 'defines a permission set; no client state holds roles',
  'admin.roles.update': 'changes a permission set; no client state holds roles (its holders\' reach follows, as with admin.dir.scope.set)',
  'admin.roles.delete': 'removes a permission set nobody holds; no client state holds roles',
  'admin.grants.add': 'which administrator holds which role where; like admin.dir.scope.set, no directory data changes (a new view is fetched, not pushed)',
  'devices.wipe': 'ends one of my sessions with a wipe order (its socket closes with 4010); wipe orders are not part of the pushed state (device.wipe is checked in integration/device-wipe.test.ts)',
  'devices.wipeAck': 'a wiped device\'s acknowledgement; its session has ended, no state anyone syncs changes',
  'devices.pin.set': 'a credential kept as a hash; no client state holds it',
  'devices.pin.clear': 'a credential kept as a hash; no client state holds it',
  'devices.pin.verify': 'checks a credential; at the policy\'s number of wrong ones it ends this session as devices.pin.wipe does',
  'devices.pin.wipe': 'ends this session with a wipe order; its socket closes, nothing else changes',
  'admin.devices.wipe': 'ends one session with a wipe order, like admin.sessions.revoke; nothing else changes',
  'admin.devices.policy.set': 'the organisation\'s device policy; clients read it with devices.pin, it is not pushed state',
  'admin.grants.revoke': 'which administrator holds which role where; like admin.dir.scope.set, no directory data changes (a new view is fetched, not pushed)',
};

/** Every operation of the table that changes state: a verb other than GET, or a bus method not known to read. */
export function stateChangingOperations(): OperationName[] {
  return OPERATION_LIST
    .filter(([name, op]) => (op.http ? op.http[0] !== 'GET' : !READ_ONLY_BUS.includes(name)))
    .map(([name]) => name);
}
