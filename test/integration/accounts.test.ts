import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import type { LoginResult } from '../../shared/protocol/types.js';
import { totpAt, totpStep } from '../../core/auth/totp.js';
import { makeUser, signIn, startServer, type TestServer } from '../helpers/server.js';

/**
 * Accounts people can actually use (docs/security.md): the password policy, lockout with backoff, forced change
 * at first sign-in, generated passwords and activation codes, and the TOTP second factor, all through the relay.
 */
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => {
  if (!(e instanceof AppError)) throw e;
  return e;
});
const codeOf = async (p: Promise<unknown>) => (await fail(p)).code;
const details = <T>(e: AppError) => e.details as T;
const login = (server: TestServer, account: string, password: string, extra: Record<string, unknown> = {}) =>
  new ApiClient(server.url).callUnchecked<LoginResult>('auth.login', { account, password, device_type: 'web', ...extra });
const complete = (server: TestServer, params: Record<string, unknown>) => new ApiClient(server.url).callUnchecked<LoginResult>('auth.completeSignIn', params);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('the policy: read, changed only by an unscoped security administrator, bad input changes nothing, audited', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const policy = await server.admin.call('admin.passwordPolicy.get');
  t.match(policy, { min_length: 8, min_classes: 2, history: 3, max_age_days: 0, lockout_threshold: 10, lockout_seconds: 60, totp_for_admins: false });
  for (const bad of [{ min_length: 4 }, { min_classes: 5 }, { lockout_seconds: 0 }, { history: -1 }, { min_length: 'twelve' }, { totp_for_admins: 'yes' }]) {
    t.equal(await codeOf(server.admin.callUnchecked('admin.passwordPolicy.set', bad)), 'SB_VALIDATION', `refused: ${JSON.stringify(bad)}`);
  }
  t.same(await server.admin.call('admin.passwordPolicy.get'), policy, 'nothing changed');
  t.notOk('surprise' in await server.admin.callUnchecked<Record<string, unknown>>('admin.passwordPolicy.set', { surprise: true }), 'an unknown key is not kept');
  t.equal((await server.admin.call('admin.audit', { action: 'password_policy.set' })).length, 0, 'and a change of nothing is not audited');

  const dept = await server.admin.call('admin.dir.dept.create', { name: 'Branch', org_id: 1 });
  await server.admin.call('admin.users.create', { account: 'branchsec', password: 'branch-sec-pass-1', is_admin: true });
  const sec = (await server.admin.call('admin.users.list', { q: 'branchsec' }))[0]!;
  await server.admin.call('admin.dir.scope.set', { user_id: sec.id, dept_ids: [dept.id] });
  const scoped = new ApiClient(server.url, await signIn(server.url, 'branchsec', 'branch-sec-pass-1'));
  t.equal(await codeOf(scoped.call('admin.passwordPolicy.set', { min_length: 6 + 6 })), 'SB_FORBIDDEN', 'a branch administrator cannot set the organisation\'s policy');
  const plain = await makeUser(server);
  t.equal(await codeOf(plain.api.callUnchecked('admin.passwordPolicy.set', { min_length: 12 })), 'SB_FORBIDDEN', 'nor can a person');

  const after = await server.admin.call('admin.passwordPolicy.set', { min_length: 12, min_classes: 3 });
  t.match(after, { min_length: 12, min_classes: 3, history: 3 });
  const audit = await server.admin.call('admin.audit', { action: 'password_policy.set' });
  t.equal(audit.length, 1, 'one audit entry');
  t.match(audit[0]!.details, { changed: { min_length: 12, min_classes: 3 }, before: { min_length: 8, min_classes: 2 } });
  t.equal((await plain.api.call('auth.security')).policy.min_length, 12, 'a person reads the rules that apply to them');
});

t.test('new passwords follow the policy and the history; administrators are held to it too', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const u = await makeUser(server);
  const change = (current: string, next: string) => u.api.call('auth.password', { current_password: current, new_password: next });
  const weak = await fail(change(u.password, 'alllowercase'));
  t.equal(weak.code, 'SB_WEAK_PASSWORD', 'one class of characters is not enough');
  t.match(details<{ policy: { min_classes: number } }>(weak).policy, { min_classes: 2 }, 'the answer carries the rules');
  t.equal(await codeOf(change(u.password, `${u.user.account}123`)), 'SB_WEAK_PASSWORD', 'nor is the account name');
  t.equal(await codeOf(change(u.password, 'Password!2026')), 'SB_WEAK_PASSWORD', 'nor one of the commonest passwords');
  t.equal(await codeOf(change(u.password, u.password)), 'SB_PASSWORD_REUSED', 'the current password again is refused');
  await change(u.password, 'second-choice-2');
  await change('second-choice-2', 'third-choice-3');
  t.equal(await codeOf(change('third-choice-3', u.password)), 'SB_PASSWORD_REUSED', 'one of the last three is refused');
  await server.admin.call('admin.passwordPolicy.set', { history: 0 });
  await change('third-choice-3', u.password);
  t.pass('with history 0 an earlier one is allowed again');

  t.equal(await codeOf(server.admin.call('admin.users.create', { account: 'weakling', password: 'abcdefghij' })), 'SB_WEAK_PASSWORD', 'an administrator cannot create a weak one');
  t.equal(await codeOf(server.admin.call('admin.users.password', { user_id: u.user.id, password: 'abcdefghij' })), 'SB_WEAK_PASSWORD', 'nor set one');
  t.equal(await codeOf(server.admin.callUnchecked('admin.users.password', { user_id: u.user.id, password: 'strong-enough-1', generate: true })), 'SB_VALIDATION', 'a password or generate, not both');
  t.equal((await server.admin.call('admin.users.list', { q: 'weakling' })).length, 0, 'nothing was created');
  t.ok(await login(server, u.user.account, u.password), 'and the password in force still works');
});

t.test('failed sign-ins lock the account with a doubling backoff; the right password waits too; an administrator unlocks', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  await server.admin.call('admin.passwordPolicy.set', { lockout_threshold: 3, lockout_seconds: 1 });
  const u = await makeUser(server);
  for (let i = 0; i < 3; i++) t.equal(await codeOf(login(server, u.user.account, `wrong-guess-${i}`)), 'SB_BAD_CREDENTIALS');
  const lockedOut = await fail(login(server, u.user.account, u.password));
  t.equal(lockedOut.code, 'SB_ACCOUNT_LOCKED', 'locked: even the right password is refused');
  const first = details<{ retry_after_ms: number }>(lockedOut).retry_after_ms;
  t.ok(first > 0 && first <= 1000, `for the first lock's length (${first} ms)`);
  await sleep(first + 100);
  for (let i = 0; i < 3; i++) await codeOf(login(server, u.user.account, `wrong-again-${i}`));
  const second = details<{ retry_after_ms: number }>(await fail(login(server, u.user.account, u.password))).retry_after_ms;
  t.ok(second > 1000 && second <= 2000, `a second lock in a row lasts twice as long (${second} ms)`);

  const unlocked = await server.admin.call('admin.users.unlock', { user_id: u.user.id });
  t.same(unlocked, { unlocked: true });
  t.ok((await login(server, u.user.account, u.password)).token, 'unlocked by the administrator: signs in at once');
  t.match((await server.admin.call('admin.audit', { action: 'user.unlock' }))[0], { target: `user:${u.user.id}`, details: { was_locked: true } });
  const results = (await server.admin.call('admin.loginLog', { user_id: u.user.id })).map((e) => e.result);
  t.ok(results.includes('locked'), `the login log shows the refused attempts as locked (${results.join(', ')})`);
  t.same(await server.admin.call('admin.users.unlock', { user_id: u.user.id }), { unlocked: false }, 'unlocking an open account says so');
});

t.test('a generated password works once, for setting a new one; the step is a single-use ticket', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const created = await server.admin.call('admin.users.create', { account: 'newhire', name: '新同事' });
  t.ok(created.password && created.password.length >= 16, 'the generated password is in the answer');
  const step = await fail(login(server, 'newhire', created.password!));
  t.equal(step.code, 'SB_PASSWORD_CHANGE_REQUIRED', 'the first sign-in asks for a new password');
  const { ticket, reason } = details<{ ticket: string; reason: string }>(step);
  t.equal(reason, 'initial');
  t.equal(await codeOf(complete(server, { ticket, new_password: 'short1' })), 'SB_VALIDATION', 'too short for the schema');
  t.equal(await codeOf(complete(server, { ticket, new_password: 'onlylowercaseletters' })), 'SB_WEAK_PASSWORD', 'the policy applies');
  t.equal(await codeOf(complete(server, { ticket, new_password: created.password })), 'SB_PASSWORD_REUSED', 'the generated one cannot be kept');
  const done = await complete(server, { ticket, new_password: 'my-own-choice-7' });
  t.ok(done.token, 'the new password finishes the sign-in with a session');
  t.equal(await codeOf(complete(server, { ticket, new_password: 'another-choice-8' })), 'SB_UNAUTHENTICATED', 'the ticket works once');
  t.equal(await codeOf(complete(server, { ticket: 'x'.repeat(32), new_password: 'another-choice-8' })), 'SB_UNAUTHENTICATED', 'an invented ticket does nothing');
  t.equal(await codeOf(login(server, 'newhire', created.password!)), 'SB_BAD_CREDENTIALS', 'the generated password is gone');
  t.ok((await login(server, 'newhire', 'my-own-choice-7')).token, 'the chosen one signs in directly');

  const reset = await server.admin.call('admin.users.password', { user_id: created.id, generate: true });
  t.equal(await codeOf(login(server, 'newhire', reset.password!)), 'SB_PASSWORD_CHANGE_REQUIRED', 'a generated reset must be changed too');
  await server.admin.call('admin.passwordPolicy.set', { force_change_admin_set: true });
  await server.admin.call('admin.users.password', { user_id: created.id, password: 'typed-by-admin-9' });
  t.equal(await codeOf(login(server, 'newhire', 'typed-by-admin-9')), 'SB_PASSWORD_CHANGE_REQUIRED', 'with force_change_admin_set, a typed one must be changed as well');
  await server.admin.call('admin.users.password', { user_id: created.id, password: 'typed-by-admin-10', must_change: false });
  t.ok((await login(server, 'newhire', 'typed-by-admin-10')).token, 'unless the administrator says otherwise for this one');
});

t.test('an expired password must be changed at sign-in', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const u = await makeUser(server);
  await server.admin.call('admin.passwordPolicy.set', { max_age_days: 90 });
  t.ok((await login(server, u.user.account, u.password)).token, 'a fresh password signs in');
  const security = await u.api.call('auth.security');
  t.ok(security.password_expires_at! > Date.now() + 89 * 86_400_000, 'and says when it expires');
  const db = new Database(join(server.dataDir, 'switchboard.db'));
  db.prepare('UPDATE credentials SET password_set_at = ? WHERE user_id = ?').run(Date.now() - 91 * 86_400_000, u.user.id);
  db.close();
  const step = await fail(login(server, u.user.account, u.password));
  t.equal(step.code, 'SB_PASSWORD_CHANGE_REQUIRED');
  t.equal(details<{ reason: string }>(step).reason, 'expired');
});

t.test('activation codes let imported people without a password in once, to set one', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const dept = await server.admin.call('admin.dir.dept.create', { name: '财务部', org_id: 1 });
  const sub = await server.admin.call('admin.dir.dept.create', { name: '会计组', org_id: 1, parent_id: dept.id });
  const other = await server.admin.call('admin.dir.dept.create', { name: '销售部', org_id: 1 });
  const a = await server.admin.call('admin.dir.person.create', { account: 'cw.li', name: '李会计', depts: [sub.id] });
  const b = await server.admin.call('admin.dir.person.create', { account: 'cw.wang', name: '王出纳', depts: [dept.id] });
  const c = await server.admin.call('admin.dir.person.create', { account: 'xs.zhao', name: '赵销售', depts: [other.id] });
  await server.admin.call('admin.users.password', { user_id: b.user_id!, password: 'has-one-already-1' });
  const codes = await server.admin.call('admin.users.activationCodes', { dept_id: dept.id });
  t.same(codes.map((x) => x.account), ['cw.li'], 'everyone in the subtree without a password, nobody else');
  t.match(codes[0]!.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/, 'a code to read off paper');
  t.match((await server.admin.call('admin.audit', { action: 'user.activation_codes' }))[0]!.details, { count: 1, user_ids: [a.user_id] });

  const step = await fail(login(server, 'cw.li', codes[0]!.code.toLowerCase()));
  t.equal(step.code, 'SB_PASSWORD_CHANGE_REQUIRED', 'the code signs in, as far as setting a password');
  t.equal(details<{ reason: string }>(step).reason, 'activation');
  const done = await complete(server, { ticket: details<{ ticket: string }>(step).ticket, new_password: 'li-chose-this-1' });
  t.ok(done.token);
  t.equal(await codeOf(login(server, 'cw.li', codes[0]!.code)), 'SB_BAD_CREDENTIALS', 'the code does not work twice');
  t.equal(await codeOf(server.admin.call('admin.users.activationCodes', {})), 'SB_VALIDATION', 'people or a department must be named');
  const named = await server.admin.call('admin.users.activationCodes', { user_ids: [c.user_id!] });
  t.equal(named.length, 1, 'or named people');
  t.equal(await codeOf(login(server, 'xs.zhao', 'ABCD-EFGH-JKMN')), 'SB_BAD_CREDENTIALS', 'a made-up code does nothing');
});

t.test('the second factor: set up with the password, required at sign-in, no code works twice, an administrator resets it', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const u = await makeUser(server);
  t.equal(await codeOf(u.api.call('auth.totp.begin', { current_password: 'not-my-password' })), 'SB_BAD_CREDENTIALS', 'setting up takes the password');
  const { secret, otpauth_uri: uri } = await u.api.call('auth.totp.begin', { current_password: u.password });
  t.match(uri, /^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=/);
  t.equal(await codeOf(u.api.call('auth.totp.confirm', { code: '000000' === totpAt(secret, totpStep(Date.now())) ? '111111' : '000000' })), 'SB_BAD_TOTP', 'a wrong first code turns nothing on');
  t.equal((await u.api.call('auth.security')).totp_enabled, false);
  const now = totpStep(Date.now());
  await u.api.call('auth.totp.confirm', { code: totpAt(secret, now) });
  t.equal((await u.api.call('auth.security')).totp_enabled, true);

  t.equal(await codeOf(login(server, u.user.account, u.password)), 'SB_TOTP_REQUIRED', 'the password alone is not enough now');
  t.equal(await codeOf(login(server, u.user.account, 'wrong-password-1', { totp_code: totpAt(secret, now + 1) })), 'SB_BAD_CREDENTIALS', 'a code does not help a wrong password');
  t.equal(await codeOf(login(server, u.user.account, u.password, { totp_code: totpAt(secret, now) })), 'SB_BAD_TOTP', 'the code used to turn it on does not work again');
  t.equal(await codeOf(login(server, u.user.account, u.password, { totp_code: totpAt(secret, now + 5) })), 'SB_BAD_TOTP', 'nor one from minutes away');
  const signed = await login(server, u.user.account, u.password, { totp_code: totpAt(secret, now + 1) });
  t.ok(signed.token, 'password and a fresh code sign in');
  t.equal(await codeOf(login(server, u.user.account, u.password, { totp_code: totpAt(secret, now + 1) })), 'SB_BAD_TOTP', 'and that code is spent');

  const results = (await server.admin.call('admin.loginLog', { user_id: u.user.id })).map((e) => e.result);
  t.ok(results.includes('totp_required') && results.includes('bad_totp'), `logged (${results.join(', ')})`);
  const reset = await server.admin.call('admin.users.resetTotp', { user_id: u.user.id });
  t.same(reset, { reset: true, sessions_ended: 2 }, 'a lost phone: the factor goes and so do the sessions');
  t.equal(await codeOf(u.api.call('users.me')), 'SB_UNAUTHENTICATED');
  t.ok((await login(server, u.user.account, u.password)).token, 'the password alone signs in again');
});

t.test('administrators must set up a second factor when the policy says so, and cannot turn it off', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  await server.admin.call('admin.users.create', { account: 'itops', password: 'it-ops-password-1', is_admin: true });
  const person = await makeUser(server);
  await server.admin.call('admin.passwordPolicy.set', { totp_for_admins: true });
  t.ok((await login(server, person.user.account, person.password)).token, 'people who are not administrators are not asked');
  const step = await fail(login(server, 'itops', 'it-ops-password-1'));
  t.equal(step.code, 'SB_TOTP_SETUP_REQUIRED', 'an administrator without one is asked to set it up');
  const { ticket, secret } = details<{ ticket: string; secret: string; otpauth_uri: string }>(step);
  t.equal(await codeOf(complete(server, { ticket })), 'SB_VALIDATION', 'the step needs a code');
  const now = totpStep(Date.now());
  const done = await complete(server, { ticket, totp_code: totpAt(secret, now) });
  t.ok(done.token, 'the first code from the new authenticator finishes the sign-in');
  const itops = new ApiClient(server.url, done.token);
  t.match(await itops.call('auth.security'), { totp_enabled: true, totp_required: true });
  t.equal(await codeOf(itops.call('auth.totp.disable', { current_password: 'it-ops-password-1', code: totpAt(secret, now + 1) })), 'SB_FORBIDDEN', 'it cannot be turned off');
  t.equal(await codeOf(login(server, 'itops', 'it-ops-password-1')), 'SB_TOTP_REQUIRED', 'and it is asked for from now on');
});
