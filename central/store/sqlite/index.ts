import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import type { AuditEntry } from '../../../shared/protocol/types.js';
import type {
  AppendInput, AppendResult, AuditChainRow, AuditStore, DirectoryStore, ChangedMembership, FileStore, ConversationRecord, ConversationStore, MemberRecord,
  MessageRecord, NewConversation, NewUser, SessionRecord, SessionStore, Store, UserPatch, UserRecord, UserStore,
} from '../../../core/ports.js';
import { AUDIT_HASHED, MIGRATIONS, migrationSql } from '../schema.js';
import { auditRowHash, GENESIS_HASH, linkRows, type AuditHashed } from '../../../core/admin/audit-chain.js';
import { WriteBatcher } from './batcher.js';
import { sqliteFileStore } from './files.js';
import { sqliteDirectoryStore } from './directory.js';

type Row = Record<string, any>;

const toUser = (r: Row): UserRecord => {
  const { admin_disabled: ad, is_super: sup, ...rest } = r;
  // disabled is either source: the directory's status or an administrator's disable.
  return { ...rest, is_admin: r.is_admin === 1, is_super: sup === 1, disabled_by_admin: ad === 1, disabled: r.disabled === 1 || ad === 1 } as UserRecord;
};
const toMember = (r: Row): MemberRecord => ({ ...r, active: r.active === 1, muted: r.muted === 1 } as MemberRecord);
const CONV_COLS = 'c.id, c.kind, c.title, c.notice, c.owner_id, c.direct_key, c.last_seq, c.created_at, c.pos';
const MEMBER_COLS = 'm.conv_id, m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq, m.pos';

function splitJoined(r: Row): ChangedMembership {
  return {
    conversation: { id: r.id, kind: r.kind, title: r.title, notice: r.notice, owner_id: r.owner_id, direct_key: r.direct_key, last_seq: r.last_seq, created_at: r.created_at, pos: r.pos },
    member: { conv_id: r.conv_id, user_id: r.user_id, role: r.role, active: r.active === 1, muted: r.muted === 1, joined_seq: r.joined_seq, read_seq: r.read_seq, pos: r.m_pos },
  };
}

function isUnique(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Embedded store on better-sqlite3: WAL, group-committed writes, synchronous reads. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly writes: WriteBatcher;
  /** Last stream position handed out; positions only need to grow, gaps are harmless. */
  private pos = 0;

  users: UserStore;
  sessions: SessionStore;
  conversations: ConversationStore;
  audit: AuditStore;
  files: FileStore;
  directory: DirectoryStore;

  constructor(file: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.pos = (this.db.prepare('SELECT pos FROM stream WHERE id = 1').get() as Row).pos;
    this.writes = new WriteBatcher(this.db);
    this.users = this.userStore();
    this.sessions = this.sessionStore();
    this.conversations = this.conversationStore();
    this.audit = this.auditStore();
    this.files = sqliteFileStore(this.db, this.writes);
    this.directory = sqliteDirectoryStore(this.db, this.writes);
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
        if (m.backfill === 'audit-chain') this.chainExistingAudit();
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      })();
    }
  }

  /** Called inside a write: the next stream position, persisted with the batch. */
  private nextPos(): number {
    this.pos += 1;
    this.stmt('UPDATE stream SET pos = ? WHERE id = 1').run(this.pos);
    return this.pos;
  }

  private cache = new Map<string, Database.Statement>();
  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) { s = this.db.prepare(sql); this.cache.set(sql, s); }
    return s;
  }

  private userStore(): UserStore {
    return {
      create: (u: NewUser) => this.writes.run(() => {
        try {
          const r = this.stmt('INSERT INTO users (account, name, password_hash, is_admin, is_super, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
            .run(u.account, u.name, u.passwordHash, u.isAdmin ? 1 : 0, u.isSuper ? 1 : 0, u.at, u.at);
          return toUser(this.stmt('SELECT * FROM users WHERE id = ?').get(r.lastInsertRowid) as Row);
        } catch (e) {
          if (isUnique(e)) throw new AppError('SB_CONFLICT', 'That account already exists', { field: 'account' });
          throw e;
        }
      }),
      byId: async (id) => { const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined; return r ? toUser(r) : null; },
      byIds: async (ids) => {
        if (ids.length === 0) return [];
        const rows = this.db.prepare(`SELECT * FROM users WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
        return rows.map(toUser);
      },
      byAccount: async (account) => {
        const r = this.stmt('SELECT * FROM users WHERE account = ?').get(account) as Row | undefined;
        return r ? toUser(r) : null;
      },
      list: async ({ afterId, limit, query }) => {
        const like = query ? `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
        const rows = this.stmt(`SELECT * FROM users WHERE id > ? AND (? IS NULL OR account LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY id LIMIT ?`)
          .all(afterId ?? 0, like, like, like, limit) as Row[];
        return rows.map(toUser);
      },
      update: (id, patch: UserPatch, at) => this.writes.run(() => {
        const cur = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
        if (!cur) return null;
        this.stmt('UPDATE users SET name = ?, password_hash = ?, is_admin = ?, admin_disabled = ?, updated_at = ? WHERE id = ?').run(
          patch.name ?? cur.name, patch.passwordHash ?? cur.password_hash,
          patch.isAdmin === undefined ? cur.is_admin : patch.isAdmin ? 1 : 0,
          patch.disabled === undefined ? cur.admin_disabled : patch.disabled ? 1 : 0, at, id);
        return toUser(this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row);
      }),
      count: async () => (this.stmt('SELECT COUNT(*) AS n FROM users').get() as Row).n as number,
    };
  }

  private sessionStore(): SessionStore {
    return {
      create: (s) => this.writes.run(() => {
        this.stmt(`INSERT INTO sessions (id, user_id, token_hash, device_type, device_name, ip, created_at, expires_at, last_seen_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`).run(s.id, s.user_id, s.token_hash, s.device_type, s.device_name, s.ip, s.created_at, s.expires_at, s.last_seen_at);
      }),
      byTokenHash: async (h) => (this.stmt('SELECT * FROM sessions WHERE token_hash = ?').get(h) as SessionRecord | undefined) ?? null,
      byId: async (id) => (this.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRecord | undefined) ?? null,
      revoke: (id, at) => this.writes.run(() => {
        const s = this.stmt('SELECT * FROM sessions WHERE id = ? AND revoked_at IS NULL').get(id) as SessionRecord | undefined;
        if (!s) return null;
        this.stmt('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(at, id);
        return { ...s, revoked_at: at };
      }),
      revokeAllForUser: (userId, at) => this.writes.run(() => {
        const list = this.stmt('SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL').all(userId) as SessionRecord[];
        this.stmt('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId);
        return list.map((s) => ({ ...s, revoked_at: at }));
      }),
      listActive: async ({ userId, now, limit }) => this.stmt(
        'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND (? IS NULL OR user_id = ?) ORDER BY created_at DESC LIMIT ?',
      ).all(now, userId ?? null, userId ?? null, limit) as SessionRecord[],
    };
  }

  private conversationStore(): ConversationStore {
    const getConv = (id: number) => (this.stmt('SELECT * FROM conversations WHERE id = ?').get(id) as ConversationRecord | undefined) ?? null;
    const getMember = (convId: number, userId: number) => {
      const r = this.stmt('SELECT * FROM members WHERE conv_id = ? AND user_id = ?').get(convId, userId) as Row | undefined;
      return r ? toMember(r) : null;
    };
    const byCmid = (senderId: number, cmid: string) =>
      (this.stmt('SELECT * FROM messages WHERE sender_id = ? AND cmid = ?').get(senderId, cmid) as MessageRecord | undefined) ?? null;
    const insertMessage = (convId: number, seq: number, senderId: number, cmid: string, kind: string, body: string, at: number, pos: number): MessageRecord => {
      const r = this.stmt('INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(convId, seq, senderId, cmid, kind, body, at, pos);
      return { id: Number(r.lastInsertRowid), conv_id: convId, seq, sender_id: senderId, cmid, kind: kind as MessageRecord['kind'], body, created_at: at, pos };
    };
    const upsertMember = this.db.prepare(`INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES (?, ?, ?, 1, ?, ?, ?)
      ON CONFLICT (conv_id, user_id) DO UPDATE SET role = excluded.role, active = 1, joined_seq = excluded.joined_seq, read_seq = excluded.read_seq, pos = excluded.pos`);

    const create = (input: NewConversation) => this.writes.run(() => {
      if (input.directKey) {
        const existing = this.stmt('SELECT * FROM conversations WHERE direct_key = ?').get(input.directKey) as ConversationRecord | undefined;
        if (existing) return { conversation: existing, message: null, created: false };
      }
      if (input.first) {
        const prior = byCmid(input.first.senderId, input.first.cmid);
        if (prior) return { conversation: getConv(prior.conv_id)!, message: prior, created: false };
      }
      const pos = this.nextPos();
      const at = input.first?.at ?? Date.now();
      const seq = input.first ? 1 : 0;
      const r = this.stmt('INSERT INTO conversations (kind, title, owner_id, direct_key, last_seq, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(input.kind, input.title, input.ownerId, input.directKey, seq, at, pos);
      const convId = Number(r.lastInsertRowid);
      for (const m of input.members) upsertMember.run(convId, m.userId, m.role, seq, seq, pos);
      const message = input.first ? insertMessage(convId, 1, input.first.senderId, input.first.cmid, 'system', input.first.body, at, pos) : null;
      return { conversation: getConv(convId)!, message, created: true };
    });

    const append = (input: AppendInput) => this.writes.run((): AppendResult => {
      const prior = byCmid(input.senderId, input.cmid);
      if (prior) return { message: prior, created: false, recipients: [] };
      const conv = getConv(input.convId);
      const member = getMember(input.convId, input.senderId);
      if (!conv || (input.requireMember && (!member || !member.active))) throw new AppError('SB_NOT_MEMBER');
      if (input.requireRole && (!member || !input.requireRole.includes(member.role))) throw new AppError('SB_FORBIDDEN');
      const pos = this.nextPos();
      const seq = conv.last_seq + 1;
      const message = insertMessage(conv.id, seq, input.senderId, input.cmid, input.kind, input.body, input.at, pos);
      const fx = input.effects;
      for (const m of fx?.addMembers ?? []) upsertMember.run(conv.id, m.userId, m.role, seq, seq, pos);
      for (const userId of fx?.removeMembers ?? []) {
        this.stmt('UPDATE members SET active = 0, role = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run('member', pos, conv.id, userId);
      }
      for (const r of fx?.setRoles ?? []) {
        this.stmt('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1').run(r.role, pos, conv.id, r.userId);
      }
      if (fx?.setOwner !== undefined) {
        this.stmt('UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run('owner', pos, conv.id, fx.setOwner);
      }
      this.stmt('UPDATE conversations SET last_seq = ?, pos = ?, title = COALESCE(?, title), owner_id = COALESCE(?, owner_id), notice = COALESCE(?, notice) WHERE id = ?')
        .run(seq, pos, fx?.setTitle ?? null, fx?.setOwner ?? null, fx?.setNotice ?? null, conv.id);
      // Whoever writes has read everything up to their own message.
      this.stmt('UPDATE members SET read_seq = MAX(read_seq, ?), pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1')
        .run(seq, pos, conv.id, input.senderId);
      const recipients = (this.stmt('SELECT user_id FROM members WHERE conv_id = ? AND active = 1').all(conv.id) as { user_id: number }[]).map((r) => r.user_id);
      return { message, created: true, recipients };
    });

    const markRead = (convId: number, userId: number, seq: number) => this.writes.run(() => {
      const m = getMember(convId, userId);
      if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
      if (seq <= m.read_seq) return { readSeq: m.read_seq, changed: false };
      const pos = this.nextPos();
      this.stmt('UPDATE members SET read_seq = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run(seq, pos, convId, userId);
      this.stmt('UPDATE conversations SET pos = ? WHERE id = ?').run(pos, convId);
      return { readSeq: seq, changed: true };
    });

    const setMuted = (convId: number, userId: number, muted: boolean) => this.writes.run(() => {
      const m = getMember(convId, userId);
      if (!m || !m.active) throw new AppError('SB_NOT_MEMBER');
      if (m.muted === muted) return { changed: false };
      this.stmt('UPDATE members SET muted = ?, pos = ? WHERE conv_id = ? AND user_id = ?').run(muted ? 1 : 0, this.nextPos(), convId, userId);
      return { changed: true };
    });

    return {
      create, append, markRead, setMuted,
      get: async (id) => getConv(id),
      byDirectKey: async (key) => (this.stmt('SELECT * FROM conversations WHERE direct_key = ?').get(key) as ConversationRecord | undefined) ?? null,
      members: async (convId) => (this.stmt('SELECT * FROM members WHERE conv_id = ? ORDER BY user_id').all(convId) as Row[]).map(toMember),
      membership: async (convId, userId) => getMember(convId, userId),
      history: async (convId, { afterSeq, beforeSeq, limit }) => {
        if (afterSeq !== undefined) {
          return this.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(convId, afterSeq, limit) as MessageRecord[];
        }
        const rows = this.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
          .all(convId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as MessageRecord[];
        return rows.reverse();
      },
      messageBySeq: async (convId, seq) => (this.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq = ?').get(convId, seq) as MessageRecord | undefined) ?? null,
      messagesBySeqs: async (pairs) => pairs
        .map((p) => this.stmt('SELECT * FROM messages WHERE conv_id = ? AND seq = ?').get(p.convId, p.seq) as MessageRecord | undefined)
        .filter((m): m is MessageRecord => m !== undefined),
      listForUser: async (userId) => (this.stmt(
        `SELECT ${CONV_COLS}, ${MEMBER_COLS.replace('m.pos', 'm.pos AS m_pos')} FROM members m JOIN conversations c ON c.id = m.conv_id WHERE m.user_id = ? AND m.active = 1`,
      ).all(userId) as Row[]).map(splitJoined),
      changedSince: async (userId, since) => {
        // Synchronous: no write can interleave, so `pos` matches what the query saw.
        const pos = this.pos;
        const rows = this.stmt(
          `SELECT ${CONV_COLS}, ${MEMBER_COLS.replace('m.pos', 'm.pos AS m_pos')} FROM members m JOIN conversations c ON c.id = m.conv_id
           WHERE m.user_id = ? AND (m.pos > ? OR (m.active = 1 AND c.pos > ?))`,
        ).all(userId, since, since) as Row[];
        return { pos, changes: rows.map(splitJoined) };
      },
      unreadCount: async (convId, userId, afterSeq) => (this.stmt(
        "SELECT COUNT(*) AS n FROM messages WHERE conv_id = ? AND seq > ? AND sender_id <> ? AND kind <> 'system'",
      ).get(convId, afterSeq, userId) as Row).n as number,
    };
  }

  private auditStore(): AuditStore {
    return {
      // The single writer serialises appends: the head read here is the last row's.
      append: (e) => this.writes.run(() => {
        const head = this.stmt('SELECT hash FROM audit_head WHERE id = 1').get() as { hash: string };
        const r = this.stmt('INSERT INTO audit_log (actor_id, action, target, details, at, prev_hash) VALUES (?, ?, ?, ?, ?, ?)')
          .run(e.actor_id, e.action, e.target, JSON.stringify(e.details ?? null), e.at, head.hash);
        // Hashed as stored, so verification recomputes exactly this.
        const row = this.stmt(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id = ?`).get(r.lastInsertRowid) as AuditHashed;
        const hash = auditRowHash(head.hash, row);
        this.stmt('UPDATE audit_log SET hash = ? WHERE id = ?').run(hash, row.id);
        this.stmt('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1').run(row.id, hash);
      }),
      list: async ({ limit, beforeId }) => (this.stmt(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`)
        .all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Row[]).map((r) => ({ ...r, details: JSON.parse(r.details as string) }) as AuditEntry),
      chain: async ({ afterId, throughId, limit }) => this.stmt(`SELECT ${AUDIT_HASHED}, prev_hash, hash FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`)
        .all(afterId, throughId, limit) as AuditChainRow[],
      head: async () => this.stmt('SELECT last_id, hash FROM audit_head WHERE id = 1').get() as { last_id: number; hash: string },
    };
  }

  /** Migration 7: rows written before the chain existed are linked in id order, a page at a time. */
  private chainExistingAudit(): void {
    let prev = GENESIS_HASH;
    let lastId = 0;
    const page = this.db.prepare(`SELECT ${AUDIT_HASHED} FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000`);
    const set = this.db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
    for (let rows = page.all(0) as AuditHashed[]; rows.length; rows = page.all(lastId) as AuditHashed[]) {
      for (const link of linkRows(prev, rows)) {
        set.run(link.prev_hash, link.hash, link.id);
        prev = link.hash;
        lastId = link.id;
      }
    }
    this.db.prepare('UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1').run(lastId, prev);
  }
}
