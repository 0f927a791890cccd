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
  /** How long the relay waits for central (default: the bus's request timeout); for long operations such as imports. */
  timeoutMs?: number;
}

const op = (http: Operation['http'], auth: AuthLevel, summary: string, returns: string, params?: Operation['params']): Operation =>
  ({ http, auth, summary, returns, params });

const long = (timeoutMs: number, ...args: Parameters<typeof op>): Operation => ({ ...op(...args), timeoutMs });

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
  'dir.orgs': op(['GET', '/api/v1/directory/orgs'], 'user', 'The org structures and their top-level departments', 'DirOrgList'),
  'dir.changes': op(['GET', '/api/v1/directory/changes'], 'user', 'Directory changes after a version (or reset: fetch the snapshot again)', 'DirDelta',
    { since: '[integer] the version I hold' }),
  'dir.search': op(['GET', '/api/v1/directory/search'], 'user', 'Search people by name, account, pinyin, initials, mobile, email or department', 'DirSearch',
    { q: '[string] query', limit: '[integer] at most 200' }),
  'dir.person': op(['GET', '/api/v1/directory/people/:person_id'], 'user', 'One person (confidential fields masked unless mine or in my admin scope)', 'DirPerson'),
  'dir.dept': op(['GET', '/api/v1/directory/depts/:dept_id'], 'user', 'A department with its sub-departments and a page of its members', 'DirDeptView',
    { offset: '[integer] members to skip', limit: '[integer] members per page, at most 2000 (default 500)' }),
  'admin.dir.org.create': op(['POST', '/api/v1/admin/directory/orgs'], 'admin', 'Create an org structure', 'DirOrg', { name: '[string]', sort: '[integer]' }),
  'admin.dir.org.update': op(['PATCH', '/api/v1/admin/directory/orgs/:org_id'], 'admin', 'Rename or reorder an org structure', 'DirOrg', { name: '[string]', sort: '[integer]' }),
  'admin.dir.org.delete': op(['DELETE', '/api/v1/admin/directory/orgs/:org_id'], 'admin', 'Delete an org structure that has no departments', 'Deleted'),
  'admin.dir.dept.create': op(['POST', '/api/v1/admin/directory/depts'], 'admin', 'Create a department', 'DirDept',
    { name: '[string]', parent_id: '[integer] null for top level', org_id: '[integer] for a top-level department (default 1)', sort: '[integer]' }),
  'admin.dir.dept.update': op(['PATCH', '/api/v1/admin/directory/depts/:dept_id'], 'admin', 'Rename, move (parent_id) or reorder (sort) a department', 'DirDept',
    { name: '[string]', parent_id: '[integer] new parent; null for top level', sort: '[integer]' }),
  'admin.dir.dept.delete': op(['DELETE', '/api/v1/admin/directory/depts/:dept_id'], 'admin', 'Delete an empty department, or move its members and sub-departments to move_to first', 'DeptDeleted',
    { move_to: '[integer] department that receives members and sub-departments' }),
  'admin.dir.person.create': op(['POST', '/api/v1/admin/directory/people'], 'admin', 'Add a person (and their sign-in user, without a password)', 'DirPerson',
    { account: '[string]', name: '[string]', english_name: '[string]', gender: '[string] male|female|', mobile: '[string]', phone: '[string]', email: '[string]',
      title: '[string]', employee_no: '[string]', avatar: '[string] URL', status: '[string] active|disabled|left', depts: '[object[]] {dept_id, title, sort}' }),
  'admin.dir.person.update': op(['PATCH', '/api/v1/admin/directory/people/:person_id'], 'admin', 'Change a person; depts replaces the memberships', 'DirPerson',
    { name: '[string]', english_name: '[string]', gender: '[string]', mobile: '[string]', phone: '[string]', email: '[string]', title: '[string]',
      employee_no: '[string]', avatar: '[string]', status: '[string] active|disabled|left', depts: '[object[]] {dept_id, title, sort}' }),
  'admin.dir.person.delete': op(['DELETE', '/api/v1/admin/directory/people/:person_id'], 'admin', 'Remove a person from the directory', 'Deleted'),
  'admin.dir.policy.list': op(['GET', '/api/v1/admin/directory/policies'], 'admin', 'Confidentiality policies', 'DirPolicyList'),
  'admin.dir.policy.set': op(['POST', '/api/v1/admin/directory/policies'], 'admin', 'Make fields of a person or a department (and below) confidential', 'DirPolicy',
    { target: '[string] person|dept', target_id: '[integer]', fields: '[string[]] english_name, gender, mobile, phone, email, title, employee_no, avatar' }),
  'admin.dir.policy.delete': op(['DELETE', '/api/v1/admin/directory/policies/:policy_id'], 'admin', 'Remove a confidentiality policy', 'Deleted'),
  'admin.dir.scope.set': op(['PUT', '/api/v1/admin/directory/scopes/:user_id'], 'admin', 'Limit an administrator\'s sight of confidential fields to departments (empty: all)', 'DirScope',
    { dept_ids: '[integer[]]' }),
  'admin.dir.import': long(300_000, ['POST', '/api/v1/admin/directory/import'], 'admin', 'Import a whole org from an uploaded file (all or nothing; idempotent)', 'ImportReport',
    { file_id: '[integer] uploaded with POST /api/v1/files', format: '[string] csv|xlsx|rtx', dry_run: '[boolean] only report', org_id: '[integer] default 1' }),
  'admin.dir.export': long(120_000, ['POST', '/api/v1/admin/directory/export'], 'admin', 'Export an org to a file (download it with GET /api/v1/files/:id)', 'ExportFile',
    { format: '[string] csv|xlsx', org_id: '[integer] default 1' }),
  'admin.audit': op(['GET', '/api/v1/admin/audit'], 'admin', 'The audit log of admin actions, newest first', 'AuditList', { limit: '[integer]', before: '[integer] id' }),
  'admin.audit.verify': long(300_000, ['GET', '/api/v1/admin/audit/verify'], 'admin', 'Check the audit log\'s hash chain; reports the first broken link (a row changed or removed)', 'AuditVerify'),
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
  // The directory snapshot: gzipped once at central, read in parts by the relay (GET /api/v1/directory/snapshot).
  dirSnapshotMeta: 'dir.snapshot.meta',
  dirSnapshotPart: 'dir.snapshot.part',
  // Sends that reach a relay in the same event-loop turn go to central together: {items: [{actor, params}]} → {results: Reply[]}.
  sendMany: 'msg.sendMany',
} as const;

/** The most sends one `msg.sendMany` request may carry. */
export const MAX_SENDS_PER_BATCH = 256;
