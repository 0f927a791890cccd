import type { AppendInput, MemberRecord, Store } from '../../../core/ports.js';
import { AppError } from '../../../shared/errors.js';

export interface StoreHarness {
  store: Store;
  /** Another process's handle on the same database, for stores that allow several central processes. */
  sibling?: () => Promise<Store>;
  /** SQL run on the database behind the store's back, as an intruder with database access would. */
  raw?: (sql: string, params?: unknown[]) => Promise<void>;
}

let unique = 0;
export const tag = () => `${process.pid}-${Date.now().toString(36)}-${++unique}`;

export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? e.code : `other: ${(e as Error).message}`;
  }
}

/** Users, groups and messages made fresh for each case (the suite shares one database per run). */
export function fixtures(store: () => Store) {
  const user = async (name = 'User') => store().users.create({ account: `acct-${tag()}`, name, passwordHash: 'hash', isAdmin: false, at: 1_000 });
  const group = async (ownerId: number, memberIds: number[], title = 'Group') => {
    const r = await store().conversations.create({
      kind: 'group', title, ownerId, directKey: null,
      members: [{ userId: ownerId, role: 'owner' }, ...memberIds.map((userId) => ({ userId, role: 'member' as const }))],
      first: { senderId: ownerId, cmid: `create-${tag()}`, body: '{"event":"created"}', at: 2_000 },
    });
    return r.conversation;
  };
  const text = (convId: number, senderId: number, extra: Partial<AppendInput> = {}): AppendInput => ({
    convId, senderId, cmid: `m-${tag()}`, kind: 'text', body: JSON.stringify({ text: 'hi' }), at: 3_000, requireMember: true, ...extra,
  });
  const member = async (convId: number, userId: number): Promise<MemberRecord> => (await store().conversations.membership(convId, userId))!;
  return { user, group, text, member };
}
