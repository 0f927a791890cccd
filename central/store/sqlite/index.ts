import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditStore, DeviceStore, DataKeyStore, BroadcastStore, ConversationStore, DirectoryStore, FavouriteStore, FileRuleStore, FileStore, LoginLogStore, MentionStore, MessageActionStore, NotifySettingsStore, ReceiptStore, RoleStore, SessionStore, Store, UserStore } from '../../../core/ports.js';
import type { SearchIndex } from '../../../core/search/ports.js';
import { sqliteRoleStore } from './roles.js';
import { MIGRATIONS, migrationSql } from '../schema.js';
import { WriteBatcher } from './batcher.js';
import { sqliteDb, type Row } from './db.js';
import { sqliteUserStore } from './users.js';
import { sqliteSessionStore } from './sessions.js';
import { sqliteConversationStore } from './conversations.js';
import { sqliteMentionStore, sqliteReceiptStore } from './mentions.js';
import { sqliteMessageActionStore } from './message-actions.js';
import { chainExistingAudit, sqliteAuditStore } from './audit.js';
import { sqliteFileStore } from './files.js';
import { sqliteFileRuleStore } from './file-rules.js';
import { sqliteCredentialStore } from './credentials.js';
import type { CredentialStore } from '../../../core/auth/ports.js';
import { sqliteLoginPolicyStore } from './login-policy.js';
import type { LoginPolicyStore } from '../../../core/login-policy/ports.js';
import { sqliteDirectoryStore } from './directory.js';
import { sqliteLoginLogStore } from './login-log.js';
import { sqliteFavouriteStore, sqliteNotifySettingsStore } from './favourites.js';
import { sqliteBroadcastStore } from './broadcasts.js';
import { sqliteSearchIndex } from './search.js';
import { sqliteDeviceStore } from './devices.js';
import { sqliteDataKeyStore } from './keys.js';

/** Embedded store on better-sqlite3: WAL, group-committed writes, synchronous reads. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly writes: WriteBatcher;

  users: UserStore;
  sessions: SessionStore;
  conversations: ConversationStore;
  mentions: MentionStore;
  receipts: ReceiptStore;
  messageActions: MessageActionStore;
  audit: AuditStore;
  files: FileStore;
  fileRules: FileRuleStore;
  credentials: CredentialStore;
  loginPolicy: LoginPolicyStore;
  directory: DirectoryStore;
  loginLog: LoginLogStore;
  favourites: FavouriteStore;
  notifySettings: NotifySettingsStore;
  broadcasts: BroadcastStore;
  search: SearchIndex;
  roles: RoleStore;
  devices: DeviceStore;
  keys: DataKeyStore;

  constructor(file: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.writes = new WriteBatcher(this.db);
    const db = sqliteDb(this.db, this.writes);
    this.users = sqliteUserStore(db);
    this.sessions = sqliteSessionStore(db);
    this.conversations = sqliteConversationStore(db);
    this.mentions = sqliteMentionStore(db);
    this.receipts = sqliteReceiptStore(db);
    this.messageActions = sqliteMessageActionStore(db);
    this.audit = sqliteAuditStore(db);
    this.loginLog = sqliteLoginLogStore(db);
    this.files = sqliteFileStore(this.db, this.writes);
    this.fileRules = sqliteFileRuleStore(this.db, this.writes);
    this.credentials = sqliteCredentialStore(this.db, this.writes);
    this.loginPolicy = sqliteLoginPolicyStore(this.db, this.writes);
    this.directory = sqliteDirectoryStore(this.db, this.writes);
    this.favourites = sqliteFavouriteStore(db);
    this.notifySettings = sqliteNotifySettingsStore(db);
    this.broadcasts = sqliteBroadcastStore(db);
    this.search = sqliteSearchIndex(this.db, this.writes);
    this.roles = sqliteRoleStore(db);
    this.devices = sqliteDeviceStore(db);
    this.keys = sqliteDataKeyStore(db);
  }

  async close(): Promise<void> {
    this.writes.drain();
    this.db.close();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        for (const sql of migrationSql(m, 'sqlite')) this.db.exec(sql);
        if (m.backfill === 'audit-chain') chainExistingAudit(this.db);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      })();
    }
  }
}
