import type { Migration } from './schema.js';
import { column as c } from './column.js';

/**
 * The migrations of account security and encryption at rest (credentials, remote wipe and the PIN, login
 * authorisation, data keys); migrations.ts gathers them with the rest. Never edit one that has shipped: add the next.
 */
export const SECURITY_MIGRATIONS: Migration[] = [
  {
    version: 18,
    description: 'credentials besides the password hash (history, lockout, TOTP, activation codes); the password policy',
    tables: [
      {
        name: 'credentials',
        columns: [
          c('user_id', 'bigint'), c('password_set_at', 'bigint', { nullable: true }), c('must_change', 'bool', { default: 0 }),
          c('history', 'json'), c('failures', 'int', { default: 0 }), c('locked_until', 'bigint', { nullable: true }),
          c('lockouts', 'int', { default: 0 }), c('totp_secret', 'string', { length: 64, nullable: true }),
          c('totp_pending', 'string', { length: 64, nullable: true }), c('totp_last_step', 'bigint', { default: 0 }),
          c('activation_hash', 'string', { length: 200, nullable: true }), c('activation_expires_at', 'bigint', { nullable: true }),
        ],
        primaryKey: ['user_id'],
      },
      // One row: the organisation's password policy as JSON (core/auth/policy.ts); absent until first set.
      { name: 'password_policy', columns: [c('id', 'int'), c('policy', 'json')], primaryKey: ['id'] },
    ],
  },
  {
    version: 19,
    description: 'remote wipe (远程数据抹除): wipe orders per session and their acknowledgement; the security PIN (安全密码) and the device policy',
    tables: [
      {
        // One order per session, kept after the session ended: its token is how the device learns of it.
        name: 'device_wipes',
        columns: [
          c('id', 'id'), c('session_id', 'string', { length: 32 }), c('user_id', 'bigint'), c('device_type', 'string', { length: 16 }),
          c('device_name', 'string', { length: 100 }), c('reason', 'string', { length: 8 }), c('ordered_by', 'bigint'),
          c('ordered_at', 'bigint'), c('acked_at', 'bigint', { nullable: true }),
        ],
        unique: [['session_id']],
        indexes: [['user_id', 'id']],
      },
      // A slow hash (scrypt, shared/crypto.ts) per person, never the PIN.
      { name: 'device_pins', columns: [c('user_id', 'bigint'), c('pin_hash', 'string', { length: 200 }), c('set_at', 'bigint')], primaryKey: ['user_id'] },
      // One row: whether a PIN is required and after how many wrong entries a client wipes itself.
      {
        name: 'device_policy',
        columns: [c('id', 'int'), c('require_pin', 'bool', { default: 0 }), c('max_attempts', 'int'), c('updated_at', 'bigint', { nullable: true }), c('updated_by', 'bigint', { nullable: true })],
        primaryKey: ['id'],
      },
    ],
    seed: ['INSERT INTO device_policy (id, require_pin, max_attempts, updated_at, updated_by) VALUES (1, 0, 5, NULL, NULL)'],
  },
  {
    version: 21,
    description: 'login authorisation (登录授权): device types and new-device approval per org, department or person; the devices people sign in from',
    tables: [
      {
        name: 'login_rules',
        columns: [
          c('scope', 'string', { length: 8 }), c('target_id', 'bigint'), c('device_types', 'json', { nullable: true }),
          c('approval', 'string', { length: 16, nullable: true }), c('updated_by', 'bigint', { nullable: true }), c('updated_at', 'bigint'),
        ],
        primaryKey: ['scope', 'target_id'],
      },
      {
        // One row per device a person signed in from (the client's own id): approved, waiting, or refused.
        name: 'trusted_devices',
        columns: [
          c('user_id', 'bigint'), c('device_id', 'string', { length: 64 }), c('device_type', 'string', { length: 16 }),
          c('device_name', 'string', { length: 100 }), c('ip', 'string', { length: 64, nullable: true }), c('status', 'string', { length: 16 }),
          c('requested_at', 'bigint'), c('decided_at', 'bigint', { nullable: true }), c('decided_by', 'bigint', { nullable: true }), c('last_seen_at', 'bigint'),
        ],
        primaryKey: ['user_id', 'device_id'],
        indexes: [['status', 'requested_at']],
      },
    ],
  },
  {
    version: 22,
    description: 'encryption at rest: data keys per conversation, file and the search index, stored wrapped under a master key',
    tables: [
      {
        name: 'data_keys',
        columns: [
          c('scope', 'string', { length: 1 }), c('owner', 'bigint'), c('version', 'int'), c('master_id', 'string', { length: 16 }),
          c('wrapped', 'string', { length: 120 }), c('created_at', 'bigint'),
        ],
        primaryKey: ['scope', 'owner', 'version'],
        indexes: [['master_id']],
      },
    ],
  },
];
