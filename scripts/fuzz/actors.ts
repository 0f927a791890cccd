import { AppError } from '../../shared/errors.js';
import type { ConversationView, FileView, LoginResult, UserView } from '../../shared/protocol/types.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { FUZZ_ADMIN_PASSWORD } from './target.js';
import type { Targets } from './values.js';

/** A signed-in account of the fuzz: its password is kept so it can sign in again after the fuzz ends its session. */
export interface Account {
  account: string;
  password: string;
  user: UserView;
  tokens: string[];
}

export interface Cast {
  /** The first administrator: sets everything up and repairs fuzz accounts; never used by the generators. */
  admin: ApiClient;
  /** The watched pair and their conversation. */
  bystanders: [Account, Account];
  bystanderConv: number;
  /** Two employees and a second administrator, whose tokens, ids and conversations the generators use. */
  fuzzers: Account[];
  targets: Targets;
}

const SESSIONS_PER_FUZZER = 3;

async function signIn(url: string, account: string, password: string, device: string): Promise<string> {
  return (await new ApiClient(url).callUnchecked<LoginResult>('auth.login', { account, password, device_type: 'cli', device_name: device })).token;
}

async function create(url: string, admin: ApiClient, account: string, sessions: number): Promise<Account> {
  const password = `pw-${account}-123456`;
  const user = await admin.callUnchecked<UserView>('admin.users.create', { account, name: account, password });
  const tokens: string[] = [];
  for (let i = 0; i < sessions; i++) tokens.push(await signIn(url, account, password, `${account}-${i}`));
  return { account, password, user, tokens };
}

export async function setUp(url: string): Promise<Cast> {
  const admin = new ApiClient(url, await signIn(url, 'admin', FUZZ_ADMIN_PASSWORD, 'fuzz-setup'));
  const me = await admin.callUnchecked<UserView>('users.me');
  const bystanders = [await create(url, admin, 'bystander-a', 1), await create(url, admin, 'bystander-b', 1)] as [Account, Account];
  const conv = await new ApiClient(url, bystanders[0].tokens[0]).callUnchecked<ConversationView>('conv.direct', { user_id: bystanders[1].user.id });
  const fuzzers = [await create(url, admin, 'fz-employee-1', SESSIONS_PER_FUZZER), await create(url, admin, 'fz-employee-2', SESSIONS_PER_FUZZER)];
  const deputy = await create(url, admin, 'fz-deputy-admin', 0);
  await admin.call('admin.users.setAdmin', { user_id: deputy.user.id, is_admin: true });
  for (let i = 0; i < SESSIONS_PER_FUZZER; i++) deputy.tokens.push(await signIn(url, deputy.account, deputy.password, `deputy-${i}`));
  fuzzers.push(deputy);
  const [e1, e2] = fuzzers.map((f) => new ApiClient(url, f.tokens[0]));
  const direct = await e1!.callUnchecked<ConversationView>('conv.direct', { user_id: fuzzers[1]!.user.id });
  const group = await e1!.callUnchecked<ConversationView>('conv.group', { title: 'fuzz', member_ids: fuzzers.map((f) => f.user.id), cmid: 'fuzz-group' });
  const file = await e2!.upload('fuzz.txt', 'text/plain', new TextEncoder().encode('a file the fuzz may share'));
  const targets: Targets = {
    liveTokens: fuzzers.slice(0, 2).flatMap((f) => f.tokens),
    deadTokens: [],
    adminTokens: [...deputy.tokens],
    convIds: [direct.id, group.id],
    foreignConvIds: [conv.id],
    userIds: fuzzers.map((f) => f.user.id),
    fileIds: [(file as FileView).id],
    protectedIds: new Set([me.id, ...bystanders.map((b) => b.user.id)]),
  };
  return { admin, bystanders, bystanderConv: conv.id, fuzzers, targets };
}

/**
 * Keeps the fuzz accounts usable: a token whose session the fuzz ended (sign-out, password change, disable, wipe)
 * moves to the replay list, and the account signs in again; the first administrator re-enables it and resets
 * its password first when the fuzz changed them. A refused sign-in (rate limited) is tried on the next round.
 */
export async function revive(url: string, cast: Cast): Promise<void> {
  for (const f of cast.fuzzers) {
    const pool = f === cast.fuzzers[2] ? cast.targets.adminTokens : cast.targets.liveTokens;
    for (const tok of [...f.tokens]) {
      const alive = await new ApiClient(url, tok).call('users.me').then(() => true, (e: unknown) => !(e instanceof AppError && /SB_UNAUTHENTICATED|SB_TOKEN_EXPIRED|SB_USER_DISABLED|SB_WIPED/.test(e.code)));
      if (alive) continue;
      f.tokens.splice(f.tokens.indexOf(tok), 1);
      pool.splice(pool.indexOf(tok), 1);
      if (cast.targets.deadTokens.length < 50) cast.targets.deadTokens.push(tok);
    }
    while (f.tokens.length < SESSIONS_PER_FUZZER) {
      const token = await signIn(url, f.account, f.password, `${f.account}-r${Date.now()}`).catch(async (e: unknown) => {
        if (!(e instanceof AppError) || !['SB_BAD_CREDENTIALS', 'SB_USER_DISABLED'].includes(e.code)) return null;
        await cast.admin.call('admin.users.enable', { user_id: f.user.id });
        await cast.admin.call('admin.users.password', { user_id: f.user.id, password: f.password });
        return null;
      });
      if (!token) break;
      f.tokens.push(token);
      pool.push(token);
    }
  }
}
