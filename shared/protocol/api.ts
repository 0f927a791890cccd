/**
 * The one list of API operations. The relay routes HTTP by it, central serves
 * each method over the bus, the SDK calls by it and the OpenAPI document is
 * generated from it. Params = path params + query string + JSON body, merged.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthLevel = 'none' | 'user' | 'admin';

export interface Operation {
  http: [HttpMethod, string];
  auth: AuthLevel;
  summary: string;
  /** Documented parameters: name → description (type in brackets). */
  params?: Record<string, string>;
  /** Name of the response schema in the OpenAPI document. */
  returns: string;
}

const op = (http: Operation['http'], auth: AuthLevel, summary: string, returns: string, params?: Operation['params']): Operation =>
  ({ http, auth, summary, returns, params });

export const API = {
  'auth.login': op(['POST', '/api/v1/auth/login'], 'none', 'Sign in with account and password; returns a session token', 'LoginResult',
    { account: '[string] account name', password: '[string] password', device_type: '[string] web|desktop|mobile|cli|bot', device_name: '[string] shown in session lists' }),
  'auth.logout': op(['POST', '/api/v1/auth/logout'], 'user', 'End this session', 'Empty'),
  'auth.sessions': op(['GET', '/api/v1/me/sessions'], 'user', 'My active sessions (devices)', 'SessionList'),
  'auth.password': op(['POST', '/api/v1/me/password'], 'user', 'Change my password; signs out my other devices', 'Empty',
    { current_password: '[string]', new_password: '[string] at least 8 characters' }),
  'users.me': op(['GET', '/api/v1/me'], 'user', 'The signed-in user', 'User'),
  'users.list': op(['GET', '/api/v1/users'], 'user', 'List users (by id, optionally filtered)', 'UserList',
    { q: '[string] substring of account or name', after: '[integer] id to page after', limit: '[integer] at most 500' }),
  'users.get': op(['GET', '/api/v1/users/:user_id'], 'user', 'One user', 'User'),
  'conv.list': op(['GET', '/api/v1/conversations'], 'user', 'My conversations, newest activity first', 'ConversationList'),
  'conv.get': op(['GET', '/api/v1/conversations/:conv_id'], 'user', 'One conversation I am in', 'Conversation'),
  'conv.direct': op(['POST', '/api/v1/conversations/direct'], 'user', 'Open (or create) the one-to-one conversation with a user', 'Conversation',
    { user_id: '[integer] the other person' }),
  'conv.group': op(['POST', '/api/v1/conversations/group'], 'user', 'Create a group; I become its owner', 'Conversation',
    { title: '[string] optional', member_ids: '[integer[]] other members', cmid: '[string] client id; a retry returns the same group' }),
  'conv.rename': op(['PATCH', '/api/v1/conversations/:conv_id'], 'user', 'Rename a group (owner or group admin)', 'Conversation',
    { title: '[string]', cmid: '[string] client id for idempotent retry' }),
  'conv.addMembers': op(['POST', '/api/v1/conversations/:conv_id/members'], 'user', 'Add members to a group (any member)', 'Conversation',
    { user_ids: '[integer[]]', cmid: '[string]' }),
  'conv.removeMember': op(['DELETE', '/api/v1/conversations/:conv_id/members/:user_id'], 'user', 'Remove a member (owner or group admin)', 'Conversation',
    { cmid: '[string]' }),
  'conv.setRole': op(['POST', '/api/v1/conversations/:conv_id/members/:user_id/role'], 'user', 'Make a member a group admin or a member again (owner only)', 'Conversation',
    { role: '[string] admin|member', cmid: '[string]' }),
  'conv.transfer': op(['POST', '/api/v1/conversations/:conv_id/owner'], 'user', 'Hand the group to another member (owner only); the old owner becomes an admin', 'Conversation',
    { user_id: '[integer]', cmid: '[string]' }),
  'conv.notice': op(['PUT', '/api/v1/conversations/:conv_id/notice'], 'user', 'Set the group notice board (owner or group admin)', 'Conversation',
    { notice: '[string] up to 2000 characters; empty clears it', cmid: '[string]' }),
  'conv.mute': op(['POST', '/api/v1/conversations/:conv_id/mute'], 'user', 'Mute or unmute a conversation for me (do not disturb); syncs to my devices', 'Conversation',
    { muted: '[boolean]' }),
  'conv.leave': op(['POST', '/api/v1/conversations/:conv_id/leave'], 'user', 'Leave a group; ownership passes on', 'ConvId', { cmid: '[string]' }),
  'msg.history': op(['GET', '/api/v1/conversations/:conv_id/messages'], 'user', 'A page of history, ascending by seq', 'HistoryPage',
    { after: '[integer] messages with seq > after', before: '[integer] the newest messages with seq < before', limit: '[integer] at most 200' }),
  'msg.send': op(['POST', '/api/v1/conversations/:conv_id/messages'], 'user', 'Send a text or file message; a retry with the same cmid returns the original', 'Message',
    { cmid: '[string] client message id', body: '[object] { text } or { file_id } (upload first with POST /api/v1/files)' }),
  'msg.read': op(['POST', '/api/v1/conversations/:conv_id/read'], 'user', 'Move my read cursor forward to seq', 'ReadCursor', { seq: '[integer]' }),
  'sync': op(['GET', '/api/v1/sync'], 'user', 'What changed for me since a durable position', 'SyncResult', { since: '[integer] position from the last sync; 0 for all' }),
  'presence.query': op(['GET', '/api/v1/presence'], 'user', 'Online / away / offline and live device types of up to 500 users', 'PresenceList',
    { user_ids: '[string] comma-separated user ids' }),
  'admin.users.list': op(['GET', '/api/v1/admin/users'], 'admin', 'List users', 'UserList', { q: '[string]', after: '[integer]', limit: '[integer]' }),
  'admin.users.create': op(['POST', '/api/v1/admin/users'], 'admin', 'Create a user', 'User',
    { account: '[string]', name: '[string]', password: '[string] at least 8 characters', is_admin: '[boolean]' }),
  'admin.users.disable': op(['POST', '/api/v1/admin/users/:user_id/disable'], 'admin', 'Disable a user and end all their sessions', 'User'),
  'admin.users.enable': op(['POST', '/api/v1/admin/users/:user_id/enable'], 'admin', 'Re-enable a user', 'User'),
  'admin.users.password': op(['POST', '/api/v1/admin/users/:user_id/password'], 'admin', 'Reset a password; ends the user\'s sessions', 'User', { password: '[string]' }),
  'admin.users.setAdmin': op(['POST', '/api/v1/admin/users/:user_id/admin'], 'admin', 'Grant or revoke administrator rights', 'User', { is_admin: '[boolean]' }),
  'admin.sessions.list': op(['GET', '/api/v1/admin/sessions'], 'admin', 'Active sessions, optionally of one user', 'SessionList', { user_id: '[integer]', limit: '[integer]' }),
  'admin.sessions.revoke': op(['DELETE', '/api/v1/admin/sessions/:session_id'], 'admin', 'End one session', 'Revoked'),
  'admin.groups.create': op(['POST', '/api/v1/admin/groups'], 'admin', 'Create a group for an owner', 'Conversation',
    { owner_id: '[integer]', title: '[string]', member_ids: '[integer[]]', cmid: '[string]' }),
  'admin.audit': op(['GET', '/api/v1/admin/audit'], 'admin', 'The audit log of admin actions, newest first', 'AuditList', { limit: '[integer]', before: '[integer] id' }),
} as const satisfies Record<string, Operation>;

export type Method = keyof typeof API;

/** Internal bus methods that have no HTTP route. */
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
} as const;
