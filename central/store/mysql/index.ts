import { readFileSync } from 'node:fs';
import { connect, isIP, type Socket } from 'node:net';
import mysql, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import { AppError } from '../../../shared/errors.js';
import type { AuditEntry } from '../../../shared/protocol/types.js';
import type {
  AppendInput, AppendResult, AuditChainRow, AuditStore, ChangedMembership, ConversationRecord, ConversationStore, DirectoryStore, FileStore, MemberRecord,
  MessageRecord, NewConversation, NewUser, SessionRecord, SessionStore, Store, UserPatch, UserRecord, UserStore,
} from '../../../core/ports.js';
import { AUDIT_HASHED, MIGRATIONS, migrationSql } from '../schema.js';
import { auditRowHash, GENESIS_HASH, linkRows, type AuditHashed } from '../../../core/admin/audit-chain.js';
import { isDuplicate, MysqlWriteBatcher, type Row, type Tx } from './batcher.js';
import { mysqlDirectoryStore } from './directory.js';
import { mysqlFileStore } from './files.js';
import { AppendCoalescer } from './appends.js';

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

const toUser = (r: Row): UserRecord => {
  const { admin_disabled: ad, is_super: sup, ...rest } = r;
  // disabled is either source: the directory's status or an administrator's disable.
  return { ...rest, is_admin: Number(r.is_admin) === 1, is_super: Number(sup) === 1, disabled_by_admin: Number(ad) === 1, disabled: Number(r.disabled) === 1 || Number(ad) === 1 } as UserRecord;
};
const toMember = (r: Row): MemberRecord => ({ ...r, active: Number(r.active) === 1, muted: Number(r.muted) === 1 } as MemberRecord);
const CONV_COLS = 'c.id, c.kind, c.title, c.notice, c.owner_id, c.direct_key, c.last_seq, c.created_at, c.pos';
const JOINED_COLS = `${CONV_COLS}, m.conv_id, m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq, m.pos AS m_pos`;

function splitJoined(r: Row): ChangedMembership {
  return {
    conversation: { id: r.id, kind: r.kind, title: r.title, notice: r.notice, owner_id: r.owner_id, direct_key: r.direct_key, last_seq: r.last_seq, created_at: r.created_at, pos: r.pos },
    member: { conv_id: r.conv_id, user_id: r.user_id, role: r.role, active: Number(r.active) === 1, muted: Number(r.muted) === 1, joined_seq: r.joined_seq, read_seq: r.read_seq, pos: r.m_pos },
  };
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
  audit: AuditStore;
  files: FileStore;
  directory: DirectoryStore;
  private readonly writes: MysqlWriteBatcher;

  private constructor(readonly pool: Pool, readonly database: string) {
    this.writes = new MysqlWriteBatcher(pool);
    this.users = this.userStore();
    this.sessions = this.sessionStore();
    this.conversations = this.conversationStore();
    this.audit = this.auditStore();
    this.files = mysqlFileStore((sql, params) => this.rows(sql, params), this.writes);
    this.directory = mysqlDirectoryStore(pool);
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
          if (m.backfill === 'audit-chain') await this.chainExistingAudit(conn);
          await conn.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, Date.now()]);
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [`${MIGRATION_LOCK}_${this.database}`]).catch(() => {}); // the lock is released with the connection anyway
      }
    } finally {
      conn.release();
    }
  }

  /** Reads: a connection the server dropped (restart, idle timeout) fails once and is replaced. */
  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      const [rows] = await this.pool.query(sql, params);
      return rows as Row[];
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal !== true) throw e;
      const [rows] = await this.pool.query(sql, params);
      return rows as Row[];
    }
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | null> {
    return (await this.rows(sql, params))[0] ?? null;
  }

  private userStore(): UserStore {
    const byId = async (id: number) => { const r = await this.one('SELECT * FROM users WHERE id = ?', [id]); return r ? toUser(r) : null; };
    return {
      create: (u: NewUser) => this.writes.run(async (tx) => {
        try {
          const r = await tx.q('INSERT INTO users (account, name, password_hash, is_admin, is_super, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
            [u.account, u.name, u.passwordHash, u.isAdmin ? 1 : 0, u.isSuper ? 1 : 0, u.at, u.at]);
          return toUser((await tx.q('SELECT * FROM users WHERE id = ?', [r.insertId]))[0]);
        } catch (e) {
          if (isDuplicate(e)) throw new AppError('SB_CONFLICT', 'That account already exists', { field: 'account' });
          throw e;
        }
      }),
      byId,
      byIds: async (ids) => {
        if (ids.length === 0) return [];
        return (await this.rows('SELECT * FROM users WHERE id IN (?)', [ids])).map(toUser);
      },
      byAccount: async (account) => { const r = await this.one('SELECT * FROM users WHERE account = ?', [account]); return r ? toUser(r) : null; },
      list: async ({ afterId, limit, query }) => {
        // Case-insensitive like SQLite's LIKE; the column collation is binary.
        const like = query ? `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`).toLowerCase()}%` : null;
        const rows = await this.rows(
          'SELECT * FROM users WHERE id > ? AND (? IS NULL OR LOWER(account) LIKE ? OR LOWER(name) LIKE ?) ORDER BY id LIMIT ?',
          [afterId ?? 0, like, like, like, limit]);
        return rows.map(toUser);
      },
      update: (id, patch: UserPatch, at) => this.writes.run(async (tx) => {
        const cur = (await tx.q('SELECT * FROM users WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined;
        if (!cur) return null;
        await tx.q('UPDATE users SET name = ?, password_hash = ?, is_admin = ?, admin_disabled = ?, updated_at = ? WHERE id = ?', [
          patch.name ?? cur.name, patch.passwordHash ?? cur.password_hash,
          patch.isAdmin === undefined ? cur.is_admin : patch.isAdmin ? 1 : 0,
          patch.disabled === undefined ? cur.admin_disabled : patch.disabled ? 1 : 0, at, id]);
        return toUser((await tx.q('SELECT * FROM users WHERE id = ?', [id]))[0]);
      }),
      count: async () => Number((await this.one('SELECT COUNT(*) AS n FROM users'))!.n),
    };
  }

  private sessionStore(): SessionStore {
    const toSession = (r: Row | undefined | null): SessionRecord | null => (r ? (r as SessionRecord) : null);
    return {
      create: (s) => this.writes.run(async (tx) => {
        await tx.q(`INSERT INTO sessions (id, user_id, token_hash, device_type, device_name, ip, created_at, expires_at, last_seen_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`, [s.id, s.user_id, s.token_hash, s.device_type, s.device_name, s.ip, s.created_at, s.expires_at, s.last_seen_at]);
      }),
      byTokenHash: async (h) => toSession(await this.one('SELECT * FROM sessions WHERE token_hash = ?', [h])),
      byId: async (id) => toSession(await this.one('SELECT * FROM sessions WHERE id = ?', [id])),
      revoke: (id, at) => this.writes.run(async (tx) => {
        const s = (await tx.q('SELECT * FROM sessions WHERE id = ? AND revoked_at IS NULL FOR UPDATE', [id]))[0] as SessionRecord | undefined;
        if (!s) return null;
        await tx.q('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, id]);
        return { ...s, revoked_at: at };
      }),
      revokeAllForUser: (userId, at) => this.writes.run(async (tx) => {
        const list = (await tx.q('SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL FOR UPDATE', [userId])) as SessionRecord[];
        if (list.length) await tx.q('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [at, userId]);
        return list.map((s) => ({ ...s, revoked_at: at }));
      }),
      listActive: async ({ userId, now, limit }) => (await this.rows(
        'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND (? IS NULL OR user_id = ?) ORDER BY created_at DESC LIMIT ?',
        [now, userId ?? null, userId ?? null, limit])) as SessionRecord[],
    };
  }

  private conversationStore(): ConversationStore {
    const getConv = async (id: number) => (await this.one('SELECT * FROM conversations WHERE id = ?', [id])) as ConversationRecord | null;
    const getMember = async (convId: number, userId: number) => {
      const r = await this.one('SELECT * FROM members WHERE conv_id = ? AND user_id = ?', [convId, userId]);
      return r ? toMember(r) : null;
    };
    const txConv = async (tx: Tx, id: number, lock = false) =>
      ((await tx.q(`SELECT * FROM conversations WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id]))[0] as ConversationRecord | undefined) ?? null;
    const txMember = async (tx: Tx, convId: number, userId: number) => {
      const r = (await tx.q('SELECT * FROM members WHERE conv_id = ? AND user_id = ? FOR UPDATE', [convId, userId]))[0] as Row | undefined;
      return r ? toMember(r) : null;
    };
    const byCmid = async (tx: Tx, senderId: number, cmid: string) =>
      ((await tx.q('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?', [senderId, cmid]))[0] as MessageRecord | undefined) ?? null;
    const insertMessage = async (tx: Tx, convId: number, seq: number, senderId: number, cmid: string, kind: string, body: string, at: number, pos: number): Promise<MessageRecord> => {
      const r = await tx.q('INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [convId, seq, senderId, cmid, kind, body, at, pos]);
      return { id: Number(r.insertId), conv_id: convId, seq, sender_id: senderId, cmid, kind: kind as MessageRecord['kind'], body, created_at: at, pos };
    };
    const upsertMembers = async (tx: Tx, convId: number, members: { userId: number; role: string }[], seq: number, pos: number) => {
      if (members.length === 0) return;
      await tx.q(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?
        ON DUPLICATE KEY UPDATE role = VALUES(role), active = 1, joined_seq = VALUES(joined_seq), read_seq = VALUES(read_seq), pos = VALUES(pos)`,
      [members.map((m) => [convId, m.userId, m.role, 1, seq, seq, pos])]);
    };

    const create = (input: NewConversation) => this.writes.run(async (tx) => {
      if (input.directKey) {
        const existing = (await tx.q('SELECT * FROM conversations WHERE direct_key = ?', [input.directKey]))[0] as ConversationRecord | undefined;
        if (existing) return { conversation: existing, message: null, created: false };
      }
      if (input.first) {
        const prior = await byCmid(tx, input.first.senderId, input.first.cmid);
        if (prior) return { conversation: (await txConv(tx, prior.conv_id))!, message: prior, created: false };
      }
      const pos = tx.nextPos();
      const at = input.first?.at ?? Date.now();
      const seq = input.first ? 1 : 0;
      const r = await tx.q('INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [input.kind, input.title, input.ownerId, input.directKey, seq, at, pos]);
      const convId = Number(r.insertId);
      await upsertMembers(tx, convId, input.members, seq, pos);
      const message = input.first ? await insertMessage(tx, convId, 1, input.first.senderId, input.first.cmid, 'system', input.first.body, at, pos) : null;
      return { conversation: (await txConv(tx, convId))!, message, created: true };
    });

    const appendOne = async (tx: Tx, input: AppendInput): Promise<AppendResult> => {
      // One round trip for the checks (the conversation row is locked), one for the writes.
      const [priorRows, convRows] = await tx.q(
        `SELECT * FROM messages WHERE sender_id = ? AND cmid = ?;
         SELECT c.*, m.role AS m_role, m.active AS m_active FROM conversations c
           LEFT JOIN members m ON m.conv_id = c.id AND m.user_id = ? WHERE c.id = ? FOR UPDATE`,
        [input.senderId, input.cmid, input.senderId, input.convId]) as [MessageRecord[], Row[]];
      if (priorRows[0]) return { message: priorRows[0], created: false, recipients: [] };
      const row = convRows[0];
      const active = row?.m_active !== null && row?.m_active !== undefined && Number(row.m_active) === 1;
      if (!row || (input.requireMember && !active)) throw new AppError('SB_NOT_MEMBER');
      if (input.requireRole && (row.m_role === null || !input.requireRole.includes(row.m_role))) throw new AppError('SB_FORBIDDEN');
      const convId = Number(row.id);
      const pos = tx.nextPos();
      const seq = Number(row.last_seq) + 1;
      const fx = input.effects;
      const sql: string[] = ['INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'];
      const params: unknown[] = [convId, seq, input.senderId, input.cmid, input.kind, input.body, input.at, pos];
      if (fx?.addMembers?.length) {
        sql.push(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?
          ON DUPLICATE KEY UPDATE role = VALUES(role), active = 1, joined_seq = VALUES(joined_seq), read_seq = VALUES(read_seq), pos = VALUES(pos)`);
        params.push(fx.addMembers.map((m) => [convId, m.userId, m.role, 1, seq, seq, pos]));
      }
      if (fx?.removeMembers?.length) {
        sql.push('UPDATE members SET active = 0, role = ?, pos = ? WHERE conv_id = ? AND user_id IN (?)');
        params.push('member', pos, convId, fx.removeMembers);
      }
      for (const r of fx?.setRoles ?? []) {
        sql.push('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1');
        params.push(r.role, pos, convId, r.userId);
      }
      if (fx?.setOwner !== undefined) {
        sql.push('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ?');
        params.push('owner', pos, convId, fx.setOwner);
      }
      sql.push('UPDATE conversations SET last_seq = ?, pos = ?, title = COALESCE(?, title), owner_id = COALESCE(?, owner_id), notice = COALESCE(?, notice) WHERE id = ?');
      params.push(seq, pos, fx?.setTitle ?? null, fx?.setOwner ?? null, fx?.setNotice ?? null, convId);
      // Whoever writes has read everything up to their own message.
      sql.push('UPDATE members SET read_seq = GREATEST(read_seq, ?), pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1');
      params.push(seq, pos, convId, input.senderId);
      // Who receives it: read after the membership effects, under the conversation's lock.
      sql.push('SELECT user_id FROM members WHERE conv_id = ? AND active = 1');
      params.push(convId);
      let inserted: Row;
      let recipients: number[];
      try {
        const results = await tx.q(sql.join(';\n'), params, { last: true }) as Row[];
        inserted = results[0]!;
        recipients = (results[results.length - 1] as unknown as Row[]).map((r) => Number(r.user_id));
      } catch (e) {
        // Another handle stored the same (sender, cmid) first: that one is the message.
        if (!isDuplicate(e)) throw e;
        const prior = (await tx.q('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?', [input.senderId, input.cmid]))[0] as MessageRecord | undefined;
        if (!prior) throw e;
        return { message: prior, created: false, recipients: [] };
      }
      const message: MessageRecord = {
        id: Number(inserted.insertId), conv_id: convId, seq, sender_id: input.senderId, cmid: input.cmid, kind: input.kind, body: input.body, created_at: input.at, pos,
      };
      return { message, created: true, recipients };
    };
    const coalescer = new AppendCoalescer(this.writes, appendOne);
    const append = (input: AppendInput) => coalescer.append(input);

    const markRead = (convId: number, userId: number, seq: number) => this.writes.run(async (tx) => {
      const m = await txMember(tx, convId, userId);
      if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
      if (seq <= m.read_seq) return { readSeq: m.read_seq, changed: false };
      const pos = tx.nextPos();
      await tx.q('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?; UPDATE conversations SET pos = ? WHERE id = ?',
        [seq, pos, convId, userId, pos, convId]);
      return { readSeq: seq, changed: true };
    });

    const setMuted = (convId: number, userId: number, muted: boolean) => this.writes.run(async (tx) => {
      const m = await txMember(tx, convId, userId);
      if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
      if (m.muted === muted) return { changed: false };
      await tx.q('UPDATE members SET muted = ?, pos = ? WHERE conv_id = ? AND user_id = ?', [muted ? 1 : 0, tx.nextPos(), convId, userId]);
      return { changed: true };
    });

    return {
      create, append, markRead, setMuted,
      get: getConv,
      byDirectKey: async (key) => (await this.one('SELECT * FROM conversations WHERE direct_key = ?', [key])) as ConversationRecord | null,
      members: async (convId) => (await this.rows('SELECT * FROM members WHERE conv_id = ? ORDER BY user_id', [convId])).map(toMember),
      membership: getMember,
      history: async (convId, { afterSeq, beforeSeq, limit }) => {
        if (afterSeq !== undefined) {
          return (await this.rows('SELECT * FROM messages WHERE conv_id = ? AND seq > ? ORDER BY seq LIMIT ?', [convId, afterSeq, limit])) as MessageRecord[];
        }
        const rows = await this.rows('SELECT * FROM messages WHERE conv_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
          [convId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit]);
        return (rows as MessageRecord[]).reverse();
      },
      messageBySeq: async (convId, seq) => (await this.one('SELECT * FROM messages WHERE conv_id = ? AND seq = ?', [convId, seq])) as MessageRecord | null,
      messagesBySeqs: async (pairs) => {
        const found = new Map<string, MessageRecord>();
        for (let i = 0; i < pairs.length; i += 200) {
          const chunk = pairs.slice(i, i + 200);
          const rows = await this.rows(`SELECT * FROM messages WHERE ${chunk.map(() => '(conv_id = ? AND seq = ?)').join(' OR ')}`,
            chunk.flatMap((p) => [p.convId, p.seq]));
          for (const r of rows as MessageRecord[]) found.set(`${r.conv_id}:${r.seq}`, r);
        }
        return pairs.map((p) => found.get(`${p.convId}:${p.seq}`)).filter((m): m is MessageRecord => m !== undefined);
      },
      listForUser: async (userId) => (await this.rows(
        `SELECT ${JOINED_COLS} FROM members m JOIN conversations c ON c.id = m.conv_id WHERE m.user_id = ? AND m.active = 1`, [userId])).map(splitJoined),
      changedSince: async (userId, since) => {
        // Position first: every change at or below it is committed (positions commit in order),
        // so the query that follows sees all of them. Later changes it also sees come again next time.
        const pos = Number((await this.one('SELECT pos FROM stream WHERE id = 1'))!.pos);
        const rows = await this.rows(
          `SELECT ${JOINED_COLS} FROM members m JOIN conversations c ON c.id = m.conv_id
           WHERE m.user_id = ? AND (m.pos > ? OR (m.active = 1 AND c.pos > ?))`, [userId, since, since]);
        return { pos, changes: rows.map(splitJoined) };
      },
      unreadCount: async (convId, userId, afterSeq) => Number((await this.one(
        "SELECT COUNT(*) AS n FROM messages WHERE conv_id = ? AND seq > ? AND sender_id <> ? AND kind <> 'system'",
        [convId, afterSeq, userId]))!.n),
    };
  }

  private auditStore(): AuditStore {
    return {
      // The head row, locked and updated by every append, serialises appends across central processes
      // (and, on Galera, makes concurrent ones conflict at certification): the chain cannot fork.
      append: (e) => this.writes.run(async (tx) => {
        const [head, , stored] = await tx.q(
          `SELECT hash FROM audit_head WHERE id = 1 FOR UPDATE;
           INSERT INTO audit_log (actor_id, action, target, details, at) VALUES (?, ?, ?, ?, ?);
           SELECT ${AUDIT_HASHED} FROM audit_log WHERE id = LAST_INSERT_ID()`,
          [e.actor_id, e.action, e.target, JSON.stringify(e.details ?? null), e.at]) as [Row[], unknown, AuditHashed[]];
        // Hashed as stored, so verification recomputes exactly this.
        const prev = head[0]!.hash as string;
        const row = stored[0]!;
        const hash = auditRowHash(prev, row);
        await tx.q('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?; UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1',
          [prev, hash, row.id, row.id, hash], { last: true });
      }),
      list: async ({ limit, beforeId }) => (await this.rows(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit])).map((r) => ({ ...r, details: JSON.parse(r.details as string) }) as AuditEntry),
      chain: async ({ afterId, throughId, limit }) => (await this.rows(`SELECT ${AUDIT_HASHED}, prev_hash, hash FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
        [afterId, throughId, limit])) as AuditChainRow[],
      head: async () => {
        const r = (await this.one('SELECT last_id, hash FROM audit_head WHERE id = 1'))!;
        return { last_id: Number(r.last_id), hash: r.hash as string };
      },
    };
  }

  /** Migration 7: rows written before the chain existed are linked in id order, a page per transaction (safe to run again). */
  private async chainExistingAudit(conn: PoolConnection): Promise<void> {
    let prev = GENESIS_HASH;
    let lastId = 0;
    for (;;) {
      const [rows] = await conn.query(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000`, [lastId]);
      const links = linkRows(prev, rows as AuditHashed[]);
      if (!links.length) break;
      await conn.query(['START TRANSACTION', ...links.map(() => 'UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?'), 'COMMIT'].join(';\n'),
        links.flatMap((l) => [l.prev_hash, l.hash, l.id]));
      prev = links.at(-1)!.hash;
      lastId = links.at(-1)!.id;
    }
    await conn.query('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1', [lastId, prev]);
  }
}
