import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import type { LoginResult } from '../../shared/protocol/types.js';
import { BUILTIN_ROLES } from '../../core/roles/permissions.js';
import { ADMIN_PASSWORD, makeUser } from '../helpers/server.js';
import { orgPerson } from '../helpers/admin-org.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/**
 * 管理后台 in the browser: an administrator works through the same operations as the CLI; what a scoped
 * administrator sees and what a plain person is told come from the server's answers.
 */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

  t.test('an administrator opens the console from the side header and creates a person; the generated password shows once', async (t) => {
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.click('a.console-link');
    await page.waitForSelector('.admin-console[data-section=people] .admin-list.users');
    t.match(await page.textContent('.admin-nav'), /成员[\s\S]*登录流水[\s\S]*在线[\s\S]*审计日志[\s\S]*设备[\s\S]*安全策略/, 'the sections, in Chinese');
    await page.fill('.new-user input[name=account]', 'wang.wu');
    await page.fill('.new-user input[name=name]', '王五');
    await page.click('.new-user button[type=submit]');
    await page.waitForSelector('.one-time');
    const password = (await page.textContent('.one-time-text'))!.trim();
    t.ok(password.length >= 8, 'a generated password is shown');
    t.match(await page.textContent('.one-time'), /只显示这一次/, 'and said to be shown once');
    await page.waitForSelector('.user-row[data-account="wang.wu"]');
    t.pass('the new person is in the list');
    const login = await new ApiClient(env.server.url).callUnchecked<Record<string, unknown>>('auth.login', { account: 'wang.wu', password, device_type: 'cli' })
      .then(() => 'ok', (e: { code?: string }) => e.code ?? 'failed');
    t.not(login, 'SB_BAD_CREDENTIALS', `the shown password is the person's (${login})`);
    await page.click('.one-time button.primary');
    t.equal(await page.locator('.one-time').count(), 0, 'closed, it is gone');
    t.notMatch(await page.textContent('.admin-console') ?? '', password, 'and nowhere on the page');
    await page.screenshot({ path: `${SHOTS}/admin-people.png` });
  });

  t.test('the login log filters by result and account', async (t) => {
    const li = await makeUser(env.server, '李四');
    await codeOf(new ApiClient(env.server.url).call('auth.login', { account: li.user.account, password: 'wrong-password-1', device_type: 'web' }));
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.goto(`${env.server.url}/#/admin/logins`);
    await page.waitForSelector('.login-log .admin-table');
    await page.selectOption('.login-log select[name=result]', 'bad_credentials');
    await page.fill('.login-log input[name=account]', li.user.account);
    await page.click('.login-log button[type=submit]');
    await page.waitForFunction(() => { const rows = document.querySelectorAll('.login-log tbody tr'); return rows.length === 1 && rows[0]!.getAttribute('data-result') === 'bad_credentials'; });
    t.match(await page.textContent('.login-log tbody'), /账号或密码错误/, 'the one failed attempt, in words');
    await page.selectOption('.login-log select[name=result]', 'ok');
    await page.click('.login-log button[type=submit]');
    await page.waitForFunction(() => { const rows = Array.from(document.querySelectorAll('.login-log tbody tr')); return rows.length > 0 && rows.every((r) => r.getAttribute('data-result') === 'ok'); });
    t.ok(await page.locator('.login-log tbody tr').count() >= 1, 'the successful sign-in of makeUser, only successes');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('.login-log button.export')]);
    t.equal(file.suggestedFilename(), 'login-log.csv', 'the CSV export downloads');
    await page.screenshot({ path: `${SHOTS}/admin-login-log.png` });
  });

  t.test('the audit log filters by action and exports; the online list counts this browser', async (t) => {
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.goto(`${env.server.url}/#/admin/audit`);
    await page.waitForSelector('.audit-admin .admin-table');
    await page.fill('.audit-admin input[name=action]', 'user.create');
    await page.click('.audit-admin button[type=submit]');
    await page.waitForFunction(() => { const cells = Array.from(document.querySelectorAll('.audit-admin tbody td code')); return cells.length > 0 && cells.every((c) => c.textContent === 'user.create'); });
    t.match(await page.textContent('.audit-admin tbody'), /wang\.wu|王五/, 'the person created in the console is there, by name');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('.audit-admin button.export')]);
    t.equal(file.suggestedFilename(), 'audit.csv', 'the export downloads');
    await page.waitForSelector('.audit-admin .admin-ok');
    t.match(await page.textContent('.audit-admin .admin-ok'), /已导出 \d+ 条/, 'and says how many rows');
    await page.click('.admin-nav a[href="#/admin/online"]');
    await page.waitForSelector('.online-admin .online-total');
    t.match(await page.textContent('.online-admin .admin-counts'), /网页版/, 'counted by device type');
    t.match(await page.textContent('.online-admin .admin-list'), /Administrator/, 'and listed by person');
    await page.screenshot({ path: `${SHOTS}/admin-online.png` });
  });

  t.test('an administrator approves a sign-in waiting on a new device', async (t) => {
    const dept = await env.server.admin.call('admin.dir.dept.create', { name: '审批部', org_id: 1 });
    const zhao = await orgPerson(env.server, 'zhao.liu', [dept.id]);
    const password = 'zhao.liu-password-1';
    await new ApiClient(env.server.url).call('auth.login', { account: 'zhao.liu', password, device_type: 'web', device_id: 'known-device-0123456789' });
    await env.server.admin.call('admin.loginPolicy.set', { scope: 'person', target_id: zhao.person.id, approval: 'new_device' });
    t.teardown(() => env.server.admin.call('admin.loginPolicy.delete', { scope: 'person', target_id: zhao.person.id }));
    const waiting = await new ApiClient(env.server.url).call('auth.login', { account: 'zhao.liu', password, device_type: 'web', device_id: 'new-device-0123456789' })
      .then(() => null, (e: { code?: string; details?: { ticket?: string } }) => e);
    t.equal(waiting?.code, 'SB_DEVICE_APPROVAL_REQUIRED', 'the new device waits');

    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.goto(`${env.server.url}/#/admin/devices`);
    await page.waitForSelector('.approval-row button.approve');
    await page.click('.approval-row button.approve');
    await page.waitForSelector('.devices-admin .admin-ok');
    t.match(await page.textContent('.devices-admin .admin-ok'), /已批准/, 'approved');
    const done = await new ApiClient(env.server.url).callUnchecked<LoginResult>('auth.completeSignIn', { ticket: waiting!.details!.ticket });
    t.ok(done.token, 'the waiting sign-in finishes');
  });

  t.test('a changed password policy applies: a password too short for it is refused, in words', async (t) => {
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    t.teardown(() => env.server.admin.call('admin.passwordPolicy.set', { min_length: 8 }));
    await page.goto(`${env.server.url}/#/admin/security`);
    await page.waitForSelector('.password-policy input[name=min_length]');
    await page.fill('.password-policy input[name=min_length]', '14');
    await page.click('.password-policy button[type=submit]');
    await page.waitForSelector('.password-policy .admin-ok');
    t.equal((await env.server.admin.call('admin.passwordPolicy.get')).min_length, 14, 'the server has the new rule');
    await page.screenshot({ path: `${SHOTS}/admin-security.png`, fullPage: true });

    await page.click('.admin-nav a[href="#/admin/people"]');
    await page.fill('.new-user input[name=account]', 'short.pw');
    await page.fill('.new-user input[name=password]', 'Short-pass-1');
    await page.click('.new-user button[type=submit]');
    await page.waitForSelector('.people-admin .form-error:not(:empty)');
    t.match(await page.textContent('.people-admin .form-error'), /密码策略[\s\S]*14[\s\S]*SB_WEAK_PASSWORD/, 'refused by the policy, with its rule and code');
    t.equal(await codeOf(env.server.admin.call('admin.users.list', { q: 'short.pw' }).then((l) => (l.length ? Promise.reject(new Error('created')) : l))), 'ok', 'nobody was created');
  });

  t.test('a scoped administrator sees only the people of their department', async (t) => {
    const admin = env.server.admin;
    const north = await admin.call('admin.dir.dept.create', { name: '华北', org_id: 1 });
    const south = await admin.call('admin.dir.dept.create', { name: '华南', org_id: 1 });
    const hr = await orgPerson(env.server, 'hr.north', [north.id]);
    await orgPerson(env.server, 'bj.north', [north.id]);
    await orgPerson(env.server, 'gz.south', [south.id]);
    await admin.call('admin.grants.add', { user_id: hr.userId, role_id: BUILTIN_ROLES.hr.id, dept_ids: [north.id] });
    const { context, page } = await signInPage(env.browser, env.server.url, 'hr.north', 'hr.north-password-1');
    t.teardown(() => context.close());
    await page.click('a.console-link');
    await page.waitForSelector('.user-row[data-account="bj.north"]');
    t.equal(await page.locator('.user-row[data-account="gz.south"]').count(), 0, 'not the person of another department');
    t.equal(await page.locator('.user-row[data-account="admin"]').count(), 0, 'nor the organisation\'s administrator');
    await page.click('.admin-nav a[href="#/admin/audit"]');
    await page.waitForSelector('.admin-refused');
    t.match(await page.textContent('.admin-refused'), /不包括这一部分[\s\S]*SB_FORBIDDEN/, 'a section beyond the grant says so');
  });

  t.test('administrators and roles: a grant over one department is added and revoked in the console', async (t) => {
    const dept = await env.server.admin.call('admin.dir.dept.create', { name: '财务部', org_id: 1 });
    const qian = await orgPerson(env.server, 'qian.ba', [dept.id]);
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.goto(`${env.server.url}/#/admin/admins`);
    await page.waitForSelector('.add-grant select[name=role] option', { state: 'attached' });
    await page.fill('.add-grant input[name=account]', 'qian.ba');
    await page.selectOption('.add-grant select[name=role]', String(BUILTIN_ROLES.hr.id));
    await page.fill('.add-grant input[name=depts]', String(dept.id));
    await page.click('.add-grant button[type=submit]');
    await page.waitForSelector('.admins-admin .admin-ok, .admins-admin .form-error');
    t.match(await page.textContent('.admins-admin .admin-ok, .admins-admin .form-error'), /已授权/, 'granted');
    await page.waitForSelector('.grant-row:has-text("qian.ba-名")');
    const grants = await env.server.admin.call('admin.grants.list', { user_id: qian.userId });
    t.same(grants.map((g) => [g.role_id, g.dept_ids]), [[BUILTIN_ROLES.hr.id, [dept.id]]], 'the server has the grant, over the department');
    t.match(await page.textContent('.grant-row:has-text("qian.ba-名")'), /人事管理员[\s\S]*财务部/, 'listed with the role and the department');
    await page.screenshot({ path: `${SHOTS}/admin-admins.png` });
    await page.click('.grant-row:has-text("qian.ba-名") button.revoke');
    await page.click('.modal button.confirm');
    await page.waitForSelector('.grant-row:has-text("qian.ba-名")', { state: 'detached' });
    t.same(await env.server.admin.call('admin.grants.list', { user_id: qian.userId }), [], 'revoked at the server');
  });

  t.test('a plain person has no console link, and #/admin says it is for administrators', async (t) => {
    const plain = await makeUser(env.server, '孙七');
    const { context, page } = await signInPage(env.browser, env.server.url, plain.user.account, plain.password);
    t.teardown(() => context.close());
    t.equal(await page.locator('a.console-link').count(), 0, 'no link');
    await page.goto(`${env.server.url}/#/admin`);
    await page.waitForSelector('.admin-refusal [role=alert]:not(:empty)');
    t.match(await page.textContent('.admin-refusal'), /只对管理员开放/, 'a refusal');
    t.equal(await page.locator('.admin-console').count(), 0, 'no console');
  });

  // Last but one: an import replaces the whole organisation, departments the tests above made included.
  t.test('the directory exports as a file and imports in two steps, checked and then applied', async (t) => {
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD);
    t.teardown(() => context.close());
    await page.goto(`${env.server.url}/#/admin/directory`);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('.directory-admin button.export-csv')]);
    t.match(file.suggestedFilename(), /\.csv$/, 'the export downloads as CSV');
    const csv = [
      'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status',
      'dept,HQ,,总部,0', 'dept,OPS,HQ,运维部,1',
      'person,,,周九,,zhou.jiu,,,,,,,E901,,active', 'member,OPS,,,0,zhou.jiu,,,,,,工程师',
    ].join('\n');
    await page.setInputFiles('.import-form input[type=file]', { name: 'org.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('.import-form button[type=submit]');
    await page.waitForSelector('.import-report button.apply-import');
    t.match(await page.textContent('.import-report'), /检查通过[\s\S]*新建人员 1/, 'the check reports what would change');
    t.notOk((await env.server.admin.directorySnapshot()).depts.some((d) => d.name === '运维部'), 'and changes nothing');
    await page.click('.import-report button.apply-import');
    await page.waitForFunction(() => /已导入/.test(document.querySelector('.import-report')?.textContent ?? ''));
    t.ok((await env.server.admin.directorySnapshot()).depts.some((d) => d.name === '运维部'), 'applied: the department is there');
    await page.screenshot({ path: `${SHOTS}/admin-directory.png` });
  });

  t.test('on a 360 px phone the sections scroll in a row above the section', async (t) => {
    const { context, page } = await signInPage(env.browser, env.server.url, 'admin', ADMIN_PASSWORD, { viewport: { width: 360, height: 740 }, touch: true });
    t.teardown(() => context.close());
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360, 'the side header with the console button fits');
    await page.screenshot({ path: `${SHOTS}/admin-phone-side.png` });
    await page.click('a.console-link');
    await page.waitForSelector('.admin-console .admin-list.users');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    t.ok(width <= 360, `nothing wider than the screen (${width} px)`);
    const nav = await page.locator('.admin-nav').boundingBox();
    const body = await page.locator('.admin-body').boundingBox();
    t.ok(nav && body && nav.y + nav.height <= body.y + 1, 'the section list is above the section');
    await page.screenshot({ path: `${SHOTS}/admin-phone.png` });
    await page.click('.admin-nav a[href="#/admin/logins"]');
    await page.waitForSelector('.login-log .admin-table');
    await page.screenshot({ path: `${SHOTS}/admin-phone-logins.png` });
  });
}
