import { readFileSync } from 'node:fs';
import { connect, isIP, type Socket } from 'node:net';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import type { AuditStore, DeviceStore, DataKeyStore, BroadcastStore, ConversationStore, DirectoryStore, FavouriteStore, FileRuleStore, FileStore, LoginLogStore, MentionStore, MessageActionStore, NotifySettingsStore, ReceiptStore, RoleStore, SessionStore, Store, UserStore } from '../../../core/ports.js';
import type { SearchIndex } from '../../../core/search/ports.js';
import { MIGRATIONS, migrationSql } from '../schema.js';
import { MysqlWriteBatcher, type Row } from './batcher.js';
import { mysqlDb } from './db.js';
import { mysqlUserStore } from './users.js';
import { mysqlSessionStore } from './sessions.js';
import { mysqlConversationStore } from './conversations.js';
import { mysqlMentionStore, mysqlReceiptStore } from './mentions.js';
import { mysqlMessageActionStore } from './message-actions.js';
import { chainExistingAudit, mysqlAuditStore } from './audit.js';
import { mysqlDirectoryStore } from './directory.js';
import { mysqlLoginLogStore } from './login-log.js';
import { mysqlFileStore } from './files.js';
import { mysqlFavouriteStore, mysqlNotifySettingsStore } from './favourites.js';
import { mysqlBroadcastStore } from './broadcasts.js';
import { mysqlFileRuleStore } from './file-rules.js';
import { mysqlCredentialStore } from './credentials.js';
import type { CredentialStore } from '../../../core/auth/ports.js';
import { mysqlLoginPolicyStore } from './login-policy.js';
import type { LoginPolicyStore } from '../../../core/login-policy/ports.js';
import { mysqlSearchIndex } from './search.js';
import { mysqlRoleStore } from './roles.js';
import { mysqlDeviceStore } from './devices.js';
import { mysqlDataKeyStore } from './keys.js';

export interface MysqlSsl {
  /** PEM files; `caFile` alone verifies the server, cert + key add a client certificate. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Defaults to true: the certificate must chain to a trusted CA and name the host in the URL. */
  rejectUnauthorized?: boolean;
}

export interface MysqlOptions {
  /** mysql://user:password@host:port/database */
  url: string;
  poolSize?: number;
  ssl?: MysqlSsl | null;
  /** Create the database when it does not exist (default true). */
  createDatabase?: boolean;
}

/** Connection settings from a mysql:// URL. */
export function parseMysqlUrl(url: string): { host: string; port: number; user: string; password: string; database: string } {
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error(`not a mysql:// URL: ${u.protocol}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]+$/.test(database)) throw new Error('the MySQL URL must name a database (letters, digits, _ and $)');
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), database };
}

/** mysql2 checks that the certificate names the server only when asked to (`verifyIdentity`). */
function sslOptions(ssl: MysqlSsl | null | undefined): PoolOptions['ssl'] {
  if (!ssl) return undefined;
  const verify = ssl.rejectUnauthorized ?? true;
  return {
    ...(ssl.caFile ? { ca: readFileSync(ssl.caFile, 'utf8') } : {}),
    ...(ssl.certFile ? { cert: readFileSync(ssl.certFile, 'utf8') } : {}),
    ...(ssl.keyFile ? { key: readFileSync(ssl.keyFile, 'utf8') } : {}),
    rejectUnauthorized: verify,
    verifyIdentity: verify,
  };
}

/**
 * For a server named by IP address mysql2 upgrades its socket to TLS without
 * saying which host it is, and Node then checks the certificate against
 * "localhost". A socket that carries its host (as Node's own DNS-name sockets
 * do) gets the address checked against the certificate's IP entries instead.
 */
function ipSocket(host: string, port: number, keepAlive: boolean): () => Socket {
  return () => {
    const socket = connect({ host, port });
    (socket as Socket & { _host?: string })._host = host;
    socket.setNoDelay(true);
    if (keepAlive) socket.once('connect', () => socket.setKeepAlive(true, 0));
    return socket;
  };
}

const MIGRATION_LOCK = 'switchboard_migrations';
/** Re-running a half-applied migration (DDL is not transactional in MySQL) meets what already exists. */
const ALREADY_DONE = new Set([1050 /* table exists */, 1060 /* duplicate column */, 1061 /* duplicate key name */, 1062 /* seed row present */]);

/**
 * Store on MySQL 8 / MariaDB 10.6+ (mysql2 pool). Reads go straight to the
 * pool; writes are group-committed by MysqlWriteBatcher, whose lock on the
 * stream row orders writers across every central process sharing the database.
 */
export class MysqlStore implements Store {
  readonly kind = 'mysql';
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
  private readonly writes: MysqlWriteBatcher;

  private constructor(readonly pool: Pool, readonly database: string) {
    this.writes = new MysqlWriteBatcher(pool);
    const db = mysqlDb(pool, this.writes);
    this.users = mysqlUserStore(db);
    this.sessions = mysqlSessionStore(db);
    this.conversations = mysqlConversationStore(db);
    this.mentions = mysqlMentionStore(db);
    this.receipts = mysqlReceiptStore(db);
    this.messageActions = mysqlMessageActionStore(db);
    this.audit = mysqlAuditStore(db);
    this.loginLog = mysqlLoginLogStore(db);
    this.files = mysqlFileStore(db.rows, this.writes);
    this.fileRules = mysqlFileRuleStore(db.rows, this.writes);
    this.credentials = mysqlCredentialStore(db.rows, this.writes);
    this.loginPolicy = mysqlLoginPolicyStore(db.rows, this.writes);
    this.directory = mysqlDirectoryStore(pool);
    this.favourites = mysqlFavouriteStore(db);
    this.notifySettings = mysqlNotifySettingsStore(db);
    this.broadcasts = mysqlBroadcastStore(db);
    this.search = mysqlSearchIndex(db);
    this.roles = mysqlRoleStore(db);
    this.devices = mysqlDeviceStore(db);
    this.keys = mysqlDataKeyStore(db);
  }

  static async open(opts: MysqlOptions): Promise<MysqlStore> {
    const target = parseMysqlUrl(opts.url);
    const ssl = sslOptions(opts.ssl);
    const base = { host: target.host, port: target.port, user: target.user, password: target.password, ssl, charset: 'utf8mb4_bin' };
    const checkIp = ssl !== undefined && (opts.ssl?.rejectUnauthorized ?? true) && isIP(target.host) !== 0;
    const tcp = (keepAlive: boolean) => (checkIp ? { stream: ipSocket(target.host, target.port, keepAlive) } : {});
    if (opts.createDatabase ?? true) {
      const admin = await mysql.createConnection({ ...base, ...tcp(false) });
      try {
        await admin.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      } catch (e) {
        // An account limited to its own (existing) database may not create one; a missing database fails below.
        if ((e as { errno?: number }).errno !== 1044) throw e;
      } finally {
        await admin.end();
      }
    }
    const pool = mysql.createPool({
      ...base, ...tcp(true), database: target.database, connectionLimit: opts.poolSize ?? 10, waitForConnections: true,
      enableKeepAlive: true, dateStrings: true, multipleStatements: true, connectTimeout: 5_000, supportBigNumbers: true, bigNumberStrings: false,
    });
    // Every statement reads the latest committed data; the stream-row lock does the ordering.
    pool.pool.on('connection', (conn: { query(sql: string): unknown }) => {
      conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    });
    const store = new MysqlStore(pool, target.database);
    try {
      await store.migrate();
    } catch (e) {
      await pool.end().catch(() => {}); // closing after a failed start; the start error is thrown
      throw e;
    }
    return store;
  }

  /** Write batches committed and batches run again after a deadlock or lock-wait timeout. */
  writeStats(): { batches: number; retries: number } {
    return this.writes.stats();
  }

  async close(): Promise<void> {
    await this.writes.drain();
    await this.pool.end();
  }

  /** Applies missing migrations; a named lock makes centrals that start together take turns. */
  private async migrate(): Promise<void> {
    const conn = await this.pool.getConnection();
    try {
      const [locked] = await conn.query('SELECT GET_LOCK(?, 60) AS ok', [`${MIGRATION_LOCK}_${this.database}`]);
      if (Number((locked as Row[])[0]!.ok) !== 1) throw new Error('timed out waiting for another central to finish migrating');
      try {
        await conn.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL) ENGINE=InnoDB');
        const [rows] = await conn.query('SELECT version FROM schema_migrations');
        const done = new Set((rows as Row[]).map((r) => Number(r.version)));
        for (const m of MIGRATIONS) {
          if (done.has(m.version)) continue;
          for (const sql of migrationSql(m, 'mysql')) {
            try {
              await conn.query(sql);
            } catch (e) {
              if (!ALREADY_DONE.has((e as { errno?: number }).errno ?? 0)) throw e;
            }
          }
          if (m.backfill === 'audit-chain') await chainExistingAudit(conn);
          await conn.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, Date.now()]);
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [`${MIGRATION_LOCK}_${this.database}`]).catch(() => {}); // the lock is released with the connection anyway
      }
    } finally {
      conn.release();
    }
  }
}
