import type { Migration } from './schema.js';
import { column as c } from './column.js';
import { SECURITY_MIGRATIONS } from './migrations-security.js';

/**
 * Every migration, numbered; each store applies the ones it has not recorded, in version order.
 * Never edit one that has shipped: add the next.
 */


/** In version order whatever the order below (features were numbered as they were planned, not as they landed). */
export const MIGRATIONS: Migration[] = ([
  {
    version: 1,
    description: 'users, sessions, conversations, members, messages, audit log, stream position',
    tables: [
      {
        name: 'users',
        columns: [
          c('id', 'id'), c('account', 'string', { length: 64 }), c('name', 'string', { length: 100 }),
          c('password_hash', 'string', { length: 200 }), c('is_admin', 'bool', { default: 0 }), c('disabled', 'bool', { default: 0 }),
          c('created_at', 'bigint'), c('updated_at', 'bigint'),
        ],
        unique: [['account']],
      },
      {
        name: 'sessions',
        columns: [
          c('id', 'string', { length: 32 }), c('user_id', 'bigint'), c('token_hash', 'string', { length: 64 }),
          c('device_type', 'string', { length: 16 }), c('device_name', 'string', { length: 100 }), c('ip', 'string', { length: 64, nullable: true }),
          c('created_at', 'bigint'), c('expires_at', 'bigint'), c('last_seen_at', 'bigint'), c('revoked_at', 'bigint', { nullable: true }),
        ],
        primaryKey: ['id'],
        unique: [['token_hash']],
        indexes: [['user_id']],
      },
      {
        name: 'conversations',
        columns: [
          c('id', 'id'), c('kind', 'string', { length: 16 }), c('title', 'string', { length: 200 }),
          c('owner_id', 'bigint', { nullable: true }), c('direct_key', 'string', { length: 64, nullable: true }),
          c('last_seq', 'bigint', { default: 0 }), c('created_at', 'bigint'), c('pos', 'bigint'),
        ],
        unique: [['direct_key']],
      },
      {
        name: 'members',
        columns: [
          c('conv_id', 'bigint'), c('user_id', 'bigint'), c('role', 'string', { length: 16 }), c('active', 'bool'),
          c('joined_seq', 'bigint'), c('read_seq', 'bigint'), c('pos', 'bigint'),
        ],
        primaryKey: ['conv_id', 'user_id'],
        indexes: [['user_id', 'pos']],
      },
      {
        name: 'messages',
        columns: [
          c('id', 'id'), c('conv_id', 'bigint'), c('seq', 'bigint'), c('sender_id', 'bigint'), c('cmid', 'string', { length: 64 }),
          c('kind', 'string', { length: 16 }), c('body', 'text'), c('created_at', 'bigint'), c('pos', 'bigint'),
        ],
        unique: [['conv_id', 'seq'], ['sender_id', 'cmid']],
      },
      {
        name: 'audit_log',
        columns: [
          c('id', 'id'), c('actor_id', 'bigint', { nullable: true }), c('action', 'string', { length: 64 }),
          c('target', 'string', { length: 128 }), c('details', 'json'), c('at', 'bigint'),
        ],
      },
      {
        // One row: the last stream position handed out (MySQL locks it to order commits).
        name: 'stream',
        columns: [c('id', 'int'), c('pos', 'bigint')],
        primaryKey: ['id'],
      },
    ],
  },
  {
    version: 3,
    description: 'files: metadata per upload (bytes are content-addressed on disk) and which conversations reference them',
    tables: [
      {
        name: 'files',
        columns: [
          c('id', 'id'), c('sha256', 'string', { length: 64 }), c('size', 'bigint'), c('name', 'string', { length: 255 }),
          c('mime', 'string', { length: 127 }), c('uploader_id', 'bigint'), c('created_at', 'bigint'),
        ],
        indexes: [['sha256']],
      },
      {
        name: 'file_refs',
        columns: [c('file_id', 'bigint'), c('conv_id', 'bigint')],
        primaryKey: ['file_id', 'conv_id'],
      },
    ],
  },
  {
    version: 4,
    description: 'per-member settings (muted: do not disturb for one conversation); group notice board',
    tables: [],
    addColumns: [
      { table: 'members', column: c('muted', 'bool', { default: 0 }) },
      { table: 'conversations', column: c('notice', 'string', { length: 2000, default: '' }) },
    ],
  },
  {
    version: 5,
    description: 'organisation directory: orgs, departments, people, memberships, confidentiality policies, admin scopes, versioned change log',
    tables: [
      // One row: the directory version (MySQL locks it to serialise directory commits).
      { name: 'dir_state', columns: [c('id', 'int'), c('version', 'bigint')], primaryKey: ['id'] },
      { name: 'dir_orgs', columns: [c('id', 'bigint'), c('name', 'string', { length: 100 }), c('sort', 'int')], primaryKey: ['id'] },
      {
        name: 'dir_depts',
        columns: [
          c('id', 'bigint'), c('org_id', 'bigint'), c('parent_id', 'bigint', { nullable: true }), c('name', 'string', { length: 100 }),
          c('sort', 'int'), c('ext_id', 'string', { length: 200, nullable: true }),
        ],
        primaryKey: ['id'],
        indexes: [['org_id', 'parent_id']],
      },
      {
        name: 'dir_people',
        columns: [
          c('id', 'bigint'), c('user_id', 'bigint', { nullable: true }), c('account', 'string', { length: 64 }), c('name', 'string', { length: 100 }),
          c('english_name', 'string', { length: 100 }), c('gender', 'string', { length: 8 }), c('mobile', 'string', { length: 32 }),
          c('phone', 'string', { length: 32 }), c('email', 'string', { length: 200 }), c('title', 'string', { length: 100 }),
          c('employee_no', 'string', { length: 64 }), c('avatar', 'string', { length: 500 }), c('status', 'string', { length: 16 }),
        ],
        primaryKey: ['id'],
        unique: [['account']],
      },
      {
        name: 'dir_members',
        columns: [c('person_id', 'bigint'), c('dept_id', 'bigint'), c('title', 'string', { length: 100 }), c('sort', 'int')],
        primaryKey: ['person_id', 'dept_id'],
        indexes: [['dept_id']],
      },
      {
        name: 'dir_policies',
        columns: [c('id', 'bigint'), c('target', 'string', { length: 8 }), c('target_id', 'bigint'), c('fields', 'json')],
        primaryKey: ['id'],
      },
      { name: 'dir_scopes', columns: [c('user_id', 'bigint'), c('dept_ids', 'json')], primaryKey: ['user_id'] },
      {
        name: 'dir_changes',
        columns: [c('id', 'id'), c('version', 'bigint'), c('data', 'json'), c('at', 'bigint')],
        indexes: [['version']],
      },
    ],
    seed: [
      'INSERT INTO dir_state (id, version) VALUES (1, 0)',
      "INSERT INTO dir_orgs (id, name, sort) VALUES (1, 'Organisation', 0)",
    ],
  },
  {
    version: 6,
    description: "users: an administrator's disable kept apart from the directory's status; the super administrator",
    tables: [],
    addColumns: [
      // The directory writes users.disabled from a person's status; only administrators write admin_disabled.
      { table: 'users', column: c('admin_disabled', 'bool', { default: 0 }) },
      { table: 'users', column: c('is_super', 'bool', { default: 0 }) },
    ],
    seed: [
      // Existing databases: the first administrator (the bootstrap one) becomes the super administrator.
      // The derived table lets MySQL read the table it updates.
      // Today's disables cannot be told apart by source: all are kept as an administrator's, so no directory save revives them.
      'UPDATE users SET admin_disabled = 1 WHERE disabled = 1',
      'UPDATE users SET is_super = 1 WHERE id = (SELECT m FROM (SELECT MIN(id) AS m FROM users WHERE is_admin = 1) AS t)',
    ],
  },
  {
    version: 7,
    description: 'audit log: each row hash-chained to the one before; the head row that appends lock',
    tables: [
      // One row: the last audit row appended and its hash. Appends lock and update it, so they never fork the chain.
      { name: 'audit_head', columns: [c('id', 'int'), c('last_id', 'bigint'), c('hash', 'string', { length: 64 })], primaryKey: ['id'] },
    ],
    addColumns: [
      { table: 'audit_log', column: c('prev_hash', 'string', { length: 64, default: '' }) },
      { table: 'audit_log', column: c('hash', 'string', { length: 64, default: '' }) },
    ],
    seed: [`INSERT INTO audit_head (id, last_id, hash) VALUES (1, 0, '${'0'.repeat(64)}')`],
    // Rows written before this migration are chained in id order.
    backfill: 'audit-chain',
  },
  {
    version: 11,
    description: 'groups: discussions (no owner), mute-all (全员禁言), dissolved',
    tables: [],
    addColumns: [
      { table: 'conversations', column: c('discussion', 'bool', { default: 0 }) },
      { table: 'conversations', column: c('mute_all', 'bool', { default: 0 }) },
      { table: 'conversations', column: c('dissolved', 'bool', { default: 0 }) },
    ],
  },
  {
    version: 17,
    description: 'login log (登录流水): every sign-in attempt; online counts sampled over time (在线列表)',
    tables: [
      {
        name: 'login_events',
        columns: [
          c('id', 'id'), c('at', 'bigint'), c('account', 'string', { length: 64 }), c('user_id', 'int', { nullable: true }),
          c('ip', 'string', { length: 64, nullable: true }), c('device_type', 'string', { length: 16 }),
          c('device_name', 'string', { length: 100 }), c('result', 'string', { length: 24 }),
        ],
        indexes: [['user_id', 'id'], ['at']],
      },
      {
        name: 'online_samples',
        columns: [c('at', 'bigint'), c('total', 'int'), c('by_device', 'json')],
        primaryKey: ['at'],
      },
    ],
  },
  {
    version: 9,
    description: 'mentions as structured references (docs/mentions.md); who may @everyone per group; read receipts counted from an index of read cursors',
    tables: [
      {
        // One row per person a message mentions; user_id 0 is everyone (@所有人). Read with the member's cursor.
        name: 'mentions',
        columns: [c('conv_id', 'bigint'), c('user_id', 'bigint'), c('seq', 'bigint'), c('sender_id', 'bigint')],
        primaryKey: ['conv_id', 'user_id', 'seq'],
      },
    ],
    addColumns: [{ table: 'conversations', column: c('mention_all_policy', 'string', { length: 16, default: 'admins' }) }],
    // "N 人未读" and the who-has-read list: a range of this index, not a scan of every member.
    addIndexes: [{ table: 'members', columns: ['conv_id', 'active', 'read_seq'] }],
  },
  {
    version: 15,
    description: 'favourites (收藏): copies of starred messages and files; per-person notification settings',
    tables: [
      {
        name: 'favourites',
        columns: [
          c('id', 'id'), c('user_id', 'bigint'), c('source_key', 'string', { length: 80 }), c('kind', 'string', { length: 8 }),
          c('body', 'json'), c('search_text', 'text'), c('file_id', 'bigint', { nullable: true }),
          c('src_conv_id', 'bigint', { nullable: true }), c('src_seq', 'bigint', { nullable: true }), c('src_sender_id', 'bigint', { nullable: true }),
          c('src_sender_name', 'string', { length: 100, default: '' }), c('src_conv_title', 'string', { length: 100, default: '' }),
          c('src_at', 'bigint', { nullable: true }), c('created_at', 'bigint'), c('removed', 'bool', { default: 0 }), c('pos', 'bigint'),
        ],
        // A removed favourite's key is freed ("x:<id>"), so the same source can be starred again as a new favourite.
        unique: [['user_id', 'source_key']],
        // (user_id, id): the newest-first pages; (user_id, pos): sync; file_id: FileStore.canAccess.
        indexes: [['user_id', 'id'], ['user_id', 'pos'], ['file_id']],
      },
      {
        name: 'notify_settings',
        columns: [c('user_id', 'bigint'), c('settings', 'json'), c('updated_at', 'bigint'), c('pos', 'bigint')],
        primaryKey: ['user_id'],
      },
    ],
  },
  {
    version: 16,
    description: 'broadcasts (广播消息): the broadcast with its recipient list and fan-out cursor, one delivery row per recipient reached',
    tables: [
      {
        // recipients: the resolved user ids as JSON, in delivery order; delivered: how many of them hold it (the cursor).
        name: 'broadcasts',
        columns: [
          c('id', 'id'), c('sender_id', 'bigint'), c('cmid', 'string', { length: 64 }), c('title', 'string', { length: 200 }),
          c('content', 'text'), c('file', 'json', { nullable: true }), c('target', 'json'), c('recipients', 'json'),
          c('total', 'bigint'), c('delivered', 'bigint', { default: 0 }), c('created_at', 'bigint'),
        ],
        unique: [['sender_id', 'cmid']],
      },
      {
        // Where each recipient got it: the read count compares their read cursor there with seq.
        name: 'broadcast_deliveries',
        columns: [c('broadcast_id', 'bigint'), c('user_id', 'bigint'), c('conv_id', 'bigint'), c('seq', 'bigint')],
        primaryKey: ['broadcast_id', 'user_id'],
      },
    ],
  },
  {
    version: 8,
    description: 'message actions: the change log of recalled and edited messages (sync), the recall and edit windows',
    tables: [
      {
        // One row per changed message, at the stream position of its latest change.
        name: 'message_changes',
        columns: [c('conv_id', 'bigint'), c('seq', 'bigint'), c('pos', 'bigint')],
        primaryKey: ['conv_id', 'seq'],
        indexes: [['pos']],
      },
      // One row: the organisation's windows, in seconds (0: senders may not).
      { name: 'message_policy', columns: [c('id', 'int'), c('recall_window', 'bigint'), c('edit_window', 'bigint')], primaryKey: ['id'] },
    ],
    seed: ['INSERT INTO message_policy (id, recall_window, edit_window) VALUES (1, 86400, 86400)'],
  },
  {
    version: 10,
    description: 'files: image dimensions and the thumbnail blob',
    tables: [],
    addColumns: [
      { table: 'files', column: c('width', 'int', { nullable: true }) },
      { table: 'files', column: c('height', 'int', { nullable: true }) },
      // null: not tried yet; '': no thumbnail can be made.
      { table: 'files', column: c('thumb_sha256', 'string', { length: 64, nullable: true }) },
      { table: 'files', column: c('thumb_size', 'int', { nullable: true }) },
    ],
  },
  {
    version: 12,
    description: 'file-sending rules (文件发送限制) per organisation, department or person',
    tables: [
      {
        name: 'file_rules',
        columns: [
          c('scope', 'string', { length: 8 }), c('target_id', 'bigint'),
          // null: not set by this rule; allowed/blocked are JSON arrays of types.
          c('max_bytes', 'bigint', { nullable: true }), c('allowed', 'json', { nullable: true }), c('blocked', 'json', { nullable: true }),
          c('updated_by', 'bigint', { nullable: true }), c('updated_at', 'bigint'),
        ],
        primaryKey: ['scope', 'target_id'],
      },
    ],
  },
  {
    version: 13,
    description: 'message search: the index of text messages (FTS5 in SQLite, an inverted-index table in MySQL)',
    tables: [
      // One row per indexed message; doc = conv_id << 32 | seq (SQLite: | 2^32 - 1 - seq, newest first), so one
      // conversation is one key range.
      // terms: the MySQL postings' token hashes, so remove() deletes exactly those (empty in SQLite).
      { name: 'search_docs', columns: [c('doc', 'bigint'), c('sender_id', 'bigint'), c('created_at', 'bigint'), c('terms', 'text')], primaryKey: ['doc'] },
      { name: 'search_postings', only: 'mysql', columns: [c('token', 'bigint'), c('doc', 'bigint')], primaryKey: ['token', 'doc'] },
      { name: 'search_state', columns: [c('id', 'int'), c('backfilled_id', 'bigint')], primaryKey: ['id'] },
    ],
    seed: ['INSERT INTO search_state (id, backfilled_id) VALUES (1, 0)'],
    raw: { sqlite: ["CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, content='', contentless_delete=1, detail=none)"] },
  },
  {
    version: 14,
    description: 'tiered administration: roles (named permission sets) and grants (a role over department subtrees or the whole organisation)',
    tables: [
      {
        name: 'admin_roles',
        columns: [c('id', 'id'), c('name', 'string', { length: 64 }), c('permissions', 'json'), c('builtin', 'bool', { default: 0 }), c('created_at', 'bigint')],
        unique: [['name']],
      },
      {
        name: 'admin_grants',
        columns: [
          c('id', 'id'), c('user_id', 'bigint'), c('role_id', 'bigint'), c('dept_ids', 'json', { nullable: true }),
          c('granted_by', 'bigint', { nullable: true }), c('created_at', 'bigint'),
        ],
        indexes: [['user_id'], ['role_id']],
      },
    ],
    seed: [
      // The built-in roles (core/roles/permissions.ts names the same ids).
      `INSERT INTO admin_roles (id, name, permissions, builtin, created_at) VALUES
        (1, '超级管理员', '["people","departments","groups","messages","devices","security","audit","apps"]', 1, 0),
        (2, '人事管理员', '["people","departments"]', 1, 0),
        (3, '安全管理员', '["devices","security","audit"]', 1, 0),
        (4, '审计员', '["audit"]', 1, 0)`,
      // Administrators of before roles keep what they had: every permission, over their directory scope (none: everything).
      `INSERT INTO admin_grants (user_id, role_id, dept_ids, granted_by, created_at)
        SELECT u.id, 1, (SELECT s.dept_ids FROM dir_scopes s WHERE s.user_id = u.id), NULL, u.updated_at FROM users u WHERE u.is_admin = 1 AND u.is_super = 0`,
    ],
  },
  {
    version: 20,
    description: 'file uses: which messages carry a file, so recalling the last of them in a conversation closes the file to it',
    tables: [
      // One row per message that carries the file (a file message, or a bundle with it inside), beside file_refs.
      { name: 'file_uses', columns: [c('file_id', 'bigint'), c('conv_id', 'bigint'), c('seq', 'bigint')], primaryKey: ['file_id', 'conv_id', 'seq'], indexes: [['conv_id', 'seq']] },
    ],
    // File messages stored before: their uses (bundles of before are not read back; their files open as long as file_refs says).
    seed: ["INSERT INTO file_uses (file_id, conv_id, seq) SELECT JSON_EXTRACT(body, '$.file.id'), conv_id, seq FROM messages WHERE kind = 'file'"],
  },
  ...SECURITY_MIGRATIONS,
] satisfies Migration[]).sort((x, y) => x.version - y.version);
