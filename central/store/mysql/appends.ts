import { AppError } from '../../../shared/errors.js';
import type { AppendInput, AppendResult, MessageEffects, MessageRecord } from '../../../core/ports.js';
import type { MemberRole } from '../../../shared/protocol/types.js';
import { isRetryable, type MysqlWriteBatcher, type Row, type Tx } from './batcher.js';
import { mentionStatement } from './mentions.js';

type Pending = { input: AppendInput; resolve: (r: AppendResult) => void; reject: (e: unknown) => void };
type Outcome = { ok: true; value: AppendResult } | { ok: false; error: unknown };

/** What a message's effects change on its conversation row (flags and texts an effect leaves out stay as they are). */
export const CONV_UPDATE = `UPDATE conversations SET last_seq = ?, pos = ?, title = COALESCE(?, title), owner_id = COALESCE(?, owner_id),
  notice = COALESCE(?, notice), discussion = COALESCE(?, discussion), mute_all = COALESCE(?, mute_all), dissolved = COALESCE(?, dissolved) WHERE id = ?`;
const bit = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);
export const convUpdateParams = (seq: number, pos: number, fx: MessageEffects | undefined, convId: number): unknown[] => [
  seq, pos, fx?.setTitle ?? null, fx?.setOwner ?? null, fx?.setNotice ?? null, bit(fx?.setDiscussion), bit(fx?.setMuteAll), bit(fx?.dissolve), convId,
];

/** Keeps one multi-statement packet well under MySQL's default max_allowed_packet. */
const MAX_PACKET_CHARS = 4_000_000;

/**
 * Appends coalesced into one job of the next write batch: the whole group is
 * checked with one round trip (prior cmids, conversation rows locked, senders'
 * memberships) and written with one more, instead of two round trips each.
 * Checks run in order in memory, so each append sees the ones before it
 * (seq, membership effects, retried cmids) exactly as if run one by one.
 * If the group's write fails, each append runs again alone.
 */
export class AppendCoalescer {
  private queue: Pending[] = [];

  constructor(
    private readonly writes: MysqlWriteBatcher,
    private readonly one: (tx: Tx, input: AppendInput) => Promise<AppendResult>,
  ) {}

  append(input: AppendInput): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length === 1) this.schedule();
    });
  }

  private schedule(): void {
    let group: Pending[] | null = null;
    // The group is taken when the batch runs (everything queued by then), and kept if the batch is retried.
    this.writes.run(async (tx) => {
      group ??= this.queue.splice(0);
      return group.length === 1 ? [await this.single(tx, group[0]!.input)] : bulk(tx, group.map((p) => p.input));
    }).then((outcomes) => {
      group!.forEach((p, i) => {
        const o = outcomes[i]!;
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    }, (error: unknown) => {
      if (!group) return;
      if (group.length === 1 || isRetryable(error) || error instanceof AppError) {
        for (const p of group) p.reject(error);
        return;
      }
      // Isolate whatever broke the group: each append on its own.
      for (const p of group) this.writes.run((tx) => this.one(tx, p.input)).then(p.resolve, p.reject);
    });
  }

  private async single(tx: Tx, input: AppendInput): Promise<Outcome> {
    try {
      return { ok: true, value: await this.one(tx, input) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error };
      throw error;
    }
  }
}

async function bulk(tx: Tx, inputs: AppendInput[]): Promise<Outcome[]> {
  const convIds = [...new Set(inputs.map((i) => i.convId))];
  const pairs = [...new Map(inputs.map((i) => [`${i.convId}:${i.senderId}`, i])).values()];
  const cmids = [...new Map(inputs.map((i) => [`${i.senderId}:${i.cmid}`, i])).values()];
  const [priorRows, convRows, memberRows, activeRows] = await tx.q(
    `SELECT * FROM messages WHERE ${cmids.map(() => '(sender_id = ? AND cmid = ?)').join(' OR ')};
     SELECT id, kind, last_seq, mute_all, dissolved FROM conversations WHERE id IN (?) FOR UPDATE;
     SELECT conv_id, user_id, role, active FROM members WHERE ${pairs.map(() => '(conv_id = ? AND user_id = ?)').join(' OR ')} FOR UPDATE;
     SELECT conv_id, user_id FROM members WHERE conv_id IN (?) AND active = 1`,
    [...cmids.flatMap((i) => [i.senderId, i.cmid]), convIds, ...pairs.flatMap((i) => [i.convId, i.senderId]), convIds],
  ) as [MessageRecord[], Row[], Row[], Row[]];

  const priors = new Map<string, MessageRecord>(priorRows.map((m) => [`${m.sender_id}:${m.cmid}`, m]));
  const lastSeq = new Map<number, number>(convRows.map((c) => [Number(c.id), Number(c.last_seq)]));
  // Mute-all and dissolved as of each append (effects earlier in the group applied).
  const flags = new Map<number, { muteAll: boolean; dissolved: boolean }>(
    convRows.map((c) => [Number(c.id), { muteAll: Number(c.mute_all) === 1, dissolved: Number(c.dissolved) === 1 }]));
  // System conversations (系统消息) only receive broadcasts, delivered by the broadcast store.
  const system = new Set<number>(convRows.filter((c) => c.kind === 'system').map((c) => Number(c.id)));
  const members = new Map<string, { role: MemberRole; active: boolean }>(
    memberRows.map((m) => [`${m.conv_id}:${m.user_id}`, { role: m.role as MemberRole, active: Number(m.active) === 1 }]));
  // Who receives each message: the active members as of that message (effects earlier in the group applied).
  const activeOf = new Map<number, Set<number>>(convIds.map((id) => [id, new Set<number>()]));
  for (const r of activeRows) activeOf.get(Number(r.conv_id))!.add(Number(r.user_id));

  const outcomes: (Outcome | { pendingInsert: number; message: Omit<MessageRecord, 'id'>; recipients: number[] | null })[] = [];
  const statements: { sql: string; params: unknown[] }[] = [];
  const fresh = new Map<string, number>(); // sender:cmid → index of the append that creates it here
  // Plain messages only (the usual case): one multi-row insert and one update per conversation and sender,
  // the same end state as the statements of each append in turn.
  const compact = inputs.every((i) => !i.effects || Object.keys(i.effects).length === 0);
  const plain: (Omit<MessageRecord, 'id'>)[] = [];
  for (const input of inputs) {
    const key = `${input.senderId}:${input.cmid}`;
    const prior = priors.get(key);
    if (prior) { outcomes.push({ ok: true, value: { message: prior, created: false, recipients: [] } }); continue; }
    const earlier = fresh.get(key);
    if (earlier !== undefined) { outcomes.push({ ok: true, value: { message: null as unknown as MessageRecord, created: false, recipients: [] }, earlier } as Outcome); continue; }
    const last = lastSeq.get(input.convId);
    const sender = members.get(`${input.convId}:${input.senderId}`);
    if (last === undefined || (input.requireMember && !sender?.active)) { outcomes.push({ ok: false, error: new AppError('SB_NOT_MEMBER') }); continue; }
    if (input.requireRole && (!sender || !input.requireRole.includes(sender.role))) { outcomes.push({ ok: false, error: new AppError('SB_FORBIDDEN') }); continue; }
    if (system.has(input.convId)) { outcomes.push({ ok: false, error: new AppError('SB_READ_ONLY') }); continue; }
    const flag = flags.get(input.convId)!;
    if (flag.dissolved && !input.allowDissolved) { outcomes.push({ ok: false, error: new AppError('SB_GROUP_DISSOLVED') }); continue; }
    if (flag.muteAll && input.kind !== 'system' && (!sender || sender.role === 'member')) { outcomes.push({ ok: false, error: new AppError('SB_GROUP_MUTED') }); continue; }
    if (input.effects?.setMuteAll !== undefined) flag.muteAll = input.effects.setMuteAll;
    if (input.effects?.dissolve) flag.dissolved = true;

    const convId = input.convId;
    const seq = last + 1;
    const pos = tx.nextPos();
    lastSeq.set(convId, seq);
    fresh.set(key, outcomes.length);
    const record = { conv_id: convId, seq, sender_id: input.senderId, cmid: input.cmid, kind: input.kind, body: input.body, created_at: input.at, pos };
    const mention = mentionStatement(convId, seq, input.senderId, input.mentions);
    if (mention) statements.push(mention);
    if (compact) {
      // No effects in the group: every message of a conversation goes to the same members (filled in below).
      outcomes.push({ pendingInsert: -1, message: record, recipients: null });
      plain.push(record);
      continue;
    }
    const pendingAt = outcomes.length;
    outcomes.push({ pendingInsert: statements.length, message: record, recipients: null });
    statements.push({ sql: 'INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', params: [convId, seq, input.senderId, input.cmid, input.kind, input.body, input.at, pos] });
    const fx = input.effects;
    if (fx?.addMembers?.length) {
      statements.push({
        sql: `INSERT INTO members (conv_id, user_id, role, active, joined_seq, read_seq, pos) VALUES ?
          ON DUPLICATE KEY UPDATE role = VALUES(role), active = 1, joined_seq = VALUES(joined_seq), read_seq = VALUES(read_seq), pos = VALUES(pos)`,
        params: [fx.addMembers.map((m) => [convId, m.userId, m.role, 1, seq, seq, pos])],
      });
      for (const m of fx.addMembers) { members.set(`${convId}:${m.userId}`, { role: m.role, active: true }); activeOf.get(convId)!.add(m.userId); }
    }
    if (fx?.removeMembers?.length) {
      statements.push({ sql: 'UPDATE members SET active = 0, role = ?, pos = ? WHERE conv_id = ? AND user_id IN (?)', params: ['member', pos, convId, fx.removeMembers] });
      for (const id of fx.removeMembers) { const m = members.get(`${convId}:${id}`); if (m) { m.active = false; m.role = 'member'; } activeOf.get(convId)!.delete(id); }
    }
    for (const r of fx?.setRoles ?? []) {
      statements.push({ sql: 'UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1', params: [r.role, pos, convId, r.userId] });
      const m = members.get(`${convId}:${r.userId}`);
      if (m?.active) m.role = r.role;
    }
    if (fx?.setOwner !== undefined) {
      // One owner: anyone else still holding the role becomes an admin (as in conversations.ts).
      statements.push({ sql: "UPDATE members SET role = 'admin', pos = ? WHERE conv_id = ? AND role = 'owner' AND user_id <> ? AND active = 1", params: [pos, convId, fx.setOwner] });
      for (const [k, m] of members) if (k.startsWith(`${convId}:`) && m.active && m.role === 'owner') m.role = 'admin';
      statements.push({ sql: 'UPDATE members SET role = ?, pos = ? WHERE conv_id = ? AND user_id = ?', params: ['owner', pos, convId, fx.setOwner] });
      const m = members.get(`${convId}:${fx.setOwner}`);
      if (m) m.role = 'owner';
    }
    statements.push({ sql: CONV_UPDATE, params: convUpdateParams(seq, pos, fx, convId) });
    statements.push({ sql: 'UPDATE members SET read_seq = GREATEST(read_seq, ?), pos = ? WHERE conv_id = ? AND user_id = ? AND active = 1', params: [seq, pos, convId, input.senderId] });
    (outcomes[pendingAt] as { recipients: number[] | null }).recipients = [...activeOf.get(convId)!];
  }

  // A multi-row insert reports the id of its first row. The others follow it one by one unless the server
  // is set to step auto-increments (e.g. Galera): the id of each insert's last row tells which, and only
  // then are the ids read back.
  const inserts: { at: number; lastAt: number; rows: Omit<MessageRecord, 'id'>[] }[] = [];
  if (compact && plain.length) {
    let rows: Omit<MessageRecord, 'id'>[] = [];
    let size = 0;
    const flush = () => {
      if (!rows.length) return;
      const last = rows[rows.length - 1]!;
      inserts.push({ at: statements.length, lastAt: statements.length + 1, rows });
      statements.push({ sql: 'INSERT INTO messages (conv_id, seq, sender_id, cmid, kind, body, created_at, pos) VALUES ?',
        params: [rows.map((m) => [m.conv_id, m.seq, m.sender_id, m.cmid, m.kind, m.body, m.created_at, m.pos])] });
      statements.push({ sql: 'SELECT id FROM messages WHERE conv_id = ? AND seq = ?', params: [last.conv_id, last.seq] });
      rows = [];
      size = 0;
    };
    for (const m of plain) {
      if (size + m.body.length * 2 > MAX_PACKET_CHARS / 2) flush();
      rows.push(m);
      size += m.body.length * 2 + 200;
    }
    flush();
    const lastOfConv = new Map<number, Omit<MessageRecord, 'id'>>();
    const lastOfSender = new Map<string, Omit<MessageRecord, 'id'>>();
    for (const m of plain) { lastOfConv.set(m.conv_id, m); lastOfSender.set(`${m.conv_id}:${m.sender_id}`, m); }
    // One statement per table, whatever the number of conversations and senders in the group.
    const convs = [...lastOfConv.values()];
    statements.push({
      sql: `UPDATE conversations SET last_seq = CASE id ${convs.map(() => 'WHEN ? THEN ?').join(' ')} END,
        pos = CASE id ${convs.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (?)`,
      params: [...convs.flatMap((m) => [m.conv_id, m.seq]), ...convs.flatMap((m) => [m.conv_id, m.pos]), convs.map((m) => m.conv_id)],
    });
    // Whoever writes has read everything up to their own message.
    const senders = [...lastOfSender.values()];
    statements.push({
      sql: `UPDATE members m JOIN (${senders.map((_, i) => (i === 0 ? 'SELECT ? AS conv_id, ? AS user_id, ? AS seq, ? AS pos' : 'SELECT ?, ?, ?, ?')).join(' UNION ALL ')}) w
        ON m.conv_id = w.conv_id AND m.user_id = w.user_id
        SET m.read_seq = GREATEST(m.read_seq, w.seq), m.pos = w.pos WHERE m.active = 1`,
      params: senders.flatMap((m) => [m.conv_id, m.sender_id, m.seq, m.pos]),
    });
  }

  // Write: as few packets as the sizes allow.
  const results: Row[] = [];
  for (let i = 0; i < statements.length;) {
    let size = 0;
    const chunk: typeof statements = [];
    while (i < statements.length && (chunk.length === 0 || size + statementSize(statements[i]!) < MAX_PACKET_CHARS)) {
      size += statementSize(statements[i]!);
      chunk.push(statements[i++]!);
    }
    const r = await tx.q(chunk.map((s) => s.sql).join(';\n'), chunk.flatMap((s) => s.params), { last: i === statements.length });
    results.push(...(chunk.length === 1 ? [r as Row] : (r as Row[])));
  }

  const recipientsOf = new Map<number, number[]>();
  const recipientsFor = (convId: number) => {
    let list = recipientsOf.get(convId);
    if (!list) recipientsOf.set(convId, list = [...activeOf.get(convId)!]);
    return list;
  };
  const ids = new Map<string, number>();
  const unknownIds: Omit<MessageRecord, 'id'>[] = [];
  for (const ins of inserts) {
    const first = Number(results[ins.at]!.insertId);
    const last = Number((results[ins.lastAt] as unknown as Row[])[0]?.id);
    if (last - first === ins.rows.length - 1) ins.rows.forEach((m, i) => ids.set(`${m.conv_id}:${m.seq}`, first + i));
    else unknownIds.push(...ins.rows);
  }
  if (unknownIds.length) {
    const rows = await tx.q(`SELECT id, conv_id, seq FROM messages WHERE ${unknownIds.map(() => '(conv_id = ? AND seq = ?)').join(' OR ')}`,
      unknownIds.flatMap((m) => [m.conv_id, m.seq])) as Row[];
    for (const r of rows) ids.set(`${r.conv_id}:${r.seq}`, Number(r.id));
  }
  const done: Outcome[] = outcomes.map((o) => {
    if ('pendingInsert' in o) {
      const id = o.pendingInsert >= 0 ? Number(results[o.pendingInsert]!.insertId) : ids.get(`${o.message.conv_id}:${o.message.seq}`);
      if (id === undefined) throw new Error('a stored message was not read back');
      return { ok: true, value: { message: { id, ...o.message }, created: true, recipients: o.recipients ?? recipientsFor(o.message.conv_id) } };
    }
    return o;
  });
  // Retries of a message created earlier in this same group get that message.
  return done.map((o) => {
    const earlier = (o as { earlier?: number }).earlier;
    if (earlier === undefined) return o;
    const first = done[earlier]!;
    return first.ok ? { ok: true, value: { message: first.value.message, created: false, recipients: [] } } : first;
  });
}

function statementSize(s: { sql: string; params: unknown[] }): number {
  let n = s.sql.length;
  for (const p of s.params) n += typeof p === 'string' ? p.length * 2 + 4 : 32;
  return n;
}
