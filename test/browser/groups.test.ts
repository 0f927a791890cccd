import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { makeUser, startServer, type TestServer } from '../helpers/server.js';
import { chromiumAvailable, launch, signInPage } from '../helpers/browser.js';

/** Set SB_SHOTS to a directory to keep screenshots of the screens these tests reach. */
const SHOTS = process.env.SB_SHOTS;
const shot = async (page: Page, name: string) => { if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` }); };

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  let server: TestServer;
  let browser: Browser;
  /** Departments of the organisation: Engineering (with Platform below it) and Sales. */
  let eng: number;
  let platform: number;
  let sales: number;
  t.before(async () => {
    server = await startServer();
    browser = await launch();
    eng = (await server.admin.call('admin.dir.dept.create', { name: '研发中心' })).id;
    platform = (await server.admin.call('admin.dir.dept.create', { name: '平台组', parent_id: eng })).id;
    sales = (await server.admin.call('admin.dir.dept.create', { name: '销售部' })).id;
  });
  t.teardown(async () => {
    await browser?.close();
    await server?.stop();
  });

  let sort = 0;
  /** A person in the directory (so search knows the pinyin of the name) who can sign in. */
  const person = async (name: string, deptId: number) => {
    const u = await makeUser(server, name);
    await server.admin.call('admin.dir.person.create', { account: u.user.account, name, depts: [{ dept_id: deptId, title: '', sort: ++sort }] });
    return u;
  };
  const open = (u: Awaited<ReturnType<typeof person>>) => signInPage(browser, server.url, u.user.account, u.password);
  const memberNames = (page: Page) => page.$$eval('.group-info .member-list li .member-name', (els) => els.map((e) => e.textContent));
  const openInfo = async (page: Page, convId: number) => {
    await page.evaluate((id) => { location.hash = `#/chat/${id}/info`; }, convId);
    await page.waitForSelector('.group-info .member-list li');
  };
  const openChat = async (page: Page, convId: number) => {
    await page.evaluate((id) => { location.hash = `#/chat/${id}`; }, convId);
    await page.waitForSelector('.chat .composer');
  };
  const confirm = (page: Page) => page.click('.modal button.confirm');

  t.test('owner and members: notice board, admins, mute-all, transfer, dissolve', async (t) => {
    const owner = await person('王芳', eng);
    const zhang = await person('张伟', platform);
    const li = await person('李娜', sales);
    const group = await owner.api.call('conv.group', { title: '项目组', member_ids: [zhang.user.id, li.user.id] });
    const O = await open(owner);
    const Z = await open(zhang);
    t.teardown(() => Promise.all([O, Z].map((x) => x.context.close())).then(() => {}));

    // The owner writes the notice; a member reads it and has no edit button.
    await openInfo(O.page, group.id);
    t.equal(await O.page.textContent('.notice .notice-text'), '暂无群公告', 'an empty board says so');
    await O.page.click('.notice button.edit-notice');
    await O.page.fill('.notice textarea', '周五下午三点例会\n请准时参加');
    await O.page.click('.notice button[type=submit]');
    await O.page.waitForSelector('.notice textarea', { state: 'detached' });
    await openInfo(Z.page, group.id);
    await Z.page.waitForFunction(() => document.querySelector('.notice .notice-text')?.textContent === '周五下午三点例会\n请准时参加');
    t.equal(await Z.page.locator('.notice button.edit-notice').count(), 0, 'a member cannot edit the notice');
    t.same(await memberNames(Z.page), ['王芳', '张伟', '李娜'], 'owner first');
    t.equal(await Z.page.textContent('.member-list li[data-user="' + owner.user.id + '"] .tag'), '群主');
    t.equal(await Z.page.locator('.member-list .member-menu, .member-list button.small').count(), 0, 'a member manages nobody');
    t.equal(await Z.page.locator('.group-info .mute-all input:disabled').count(), 1, 'a member sees mute-all but cannot switch it');
    await shot(O.page, 'group-info-owner');

    // Mute-all: the member's composer gives way to a line saying why; the owner can still send.
    await openChat(Z.page, group.id);
    await O.page.check('.group-info .mute-all input');
    await Z.page.waitForSelector('.chat .composer-locked');
    t.equal(await Z.page.textContent('.chat .composer-locked'), '⊘全员禁言中，仅群主和管理员可以发言');
    t.equal(await Z.page.locator('.chat .composer-input').count(), 0, 'no message box while muted');
    await Z.page.waitForFunction(() => Array.from(document.querySelectorAll('.messages .system')).some((e) => e.textContent === '王芳 开启了全员禁言'));
    await shot(Z.page, 'chat-muted-all');

    // Made an admin, the member may speak again; unmade, muted again.
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .member-menu summary`);
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .menu button.make-admin`);
    await Z.page.waitForSelector('.chat .composer-input');
    t.equal(await O.page.textContent(`.member-list li[data-user="${zhang.user.id}"] .tag`), '管理员');
    t.pass('an admin may send while everyone is muted');
    await openInfo(Z.page, group.id);
    await Z.page.waitForSelector(`.member-list li[data-user="${li.user.id}"] button.small`);
    t.equal(await Z.page.locator(`.member-list li[data-user="${owner.user.id}"] button.small`).count(), 0, 'an admin removes members, not the owner');
    t.equal(await Z.page.locator('.member-list .member-menu').count(), 0, 'nor appoints admins');
    t.notOk(await Z.page.isDisabled('.group-info .mute-all input'), 'an admin switches mute-all');
    await openChat(Z.page, group.id);
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .member-menu summary`);
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .menu button.unmake-admin`);
    await Z.page.waitForSelector('.chat .composer-locked');
    await O.page.uncheck('.group-info .mute-all input');
    await Z.page.waitForSelector('.chat .composer-input');
    t.pass('mute-all lifted: the composer is back');

    // Transfer, asked first: the new owner gets the owner's controls, the old owner becomes an admin.
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .member-menu summary`);
    await O.page.click(`.member-list li[data-user="${zhang.user.id}"] .menu button.transfer`);
    t.equal(await O.page.textContent('.modal p'), '确定将群主转让给 张伟？转让后你将成为管理员。');
    await shot(O.page, 'confirm-transfer');
    await confirm(O.page);
    await O.page.waitForFunction((id) => document.querySelector(`.member-list li[data-user="${id}"] .tag`)?.textContent === '群主', zhang.user.id);
    t.equal(await O.page.textContent(`.member-list li[data-user="${owner.user.id}"] .tag`), '管理员', 'old owner is an admin');
    t.equal(await O.page.locator('.group-info button.dissolve').count(), 0, 'the old owner cannot dissolve');
    await openInfo(Z.page, group.id);
    await Z.page.waitForSelector('.group-info button.dissolve');
    t.ok(await Z.page.locator(`.member-list li[data-user="${owner.user.id}"] .member-menu`).count(), 'the new owner manages admins');
    t.ok(await Z.page.locator('.notice button.edit-notice').count(), 'and the notice');
    t.notOk(await Z.page.isDisabled('.group-info .mute-all input'), 'and mute-all');

    // Dissolve, asked first: read-only for everyone.
    await openChat(O.page, group.id);
    await Z.page.click('.group-info button.dissolve');
    await confirm(Z.page);
    await O.page.waitForFunction(() => document.querySelector('.chat .composer-locked')?.textContent === '⊘该群已解散，只能查看历史消息');
    t.equal(await O.page.textContent('.chat-head .sub'), '该群已解散');
    t.ok(await O.page.locator('.messages .bubble, .messages .system', { hasText: '张伟 解散了群聊' }).count(), 'the history says who dissolved it');
    await shot(O.page, 'chat-dissolved');
    await openInfo(O.page, group.id);
    t.ok(await O.page.isDisabled('.group-info input[aria-label="群名称"]'), 'nobody renames a dissolved group');
    t.equal(await O.page.locator('.group-info details.add-members, .notice button.edit-notice, .member-list .member-menu, .member-list button.small').count(), 0, 'nor changes it');
    t.equal(await O.page.textContent('.group-info .info-banner'), '该群已解散，只能查看历史消息');
    await shot(O.page, 'group-info-dissolved');
    await O.page.click('.group-info button.leave');
    await confirm(O.page);
    await O.page.waitForFunction((id) => location.hash === '#/chats' && !document.querySelector(`.conv[href="#/chat/${id}"]`), group.id);
    t.pass('a member still leaves a dissolved group, and it is gone from the list');
  });

  t.test('member search by name, pinyin and initials', async (t) => {
    const owner = await person('赵敏', sales);
    const others = [await person('张小龙', platform), await person('李明', platform), await person('周杰', eng)];
    const group = await owner.api.call('conv.group', { title: '搜索', member_ids: others.map((o) => o.user.id) });
    const O = await open(owner);
    t.teardown(() => O.context.close());
    await openInfo(O.page, group.id);
    const search = async (q: string, want: string[]) => {
      await O.page.fill('.member-search', q);
      await O.page.waitForFunction((n) => JSON.stringify(Array.from(document.querySelectorAll('.member-list li .member-name')).map((e) => e.textContent)) === n, JSON.stringify(want), { timeout: 15_000 })
        .catch(() => { /* the assertion below names what was shown instead */ });
      t.same(await memberNames(O.page), want, `"${q}"`);
    };
    await search('zhangxiaolong', ['张小龙']);
    await search('zxl', ['张小龙']);
    await search('liming', ['李明']);
    await search('明', ['李明']);
    await search('z', ['赵敏', '张小龙', '周杰']);
    await search('nobody', []);
    t.equal(await O.page.textContent('.member-list .empty-note'), '没有匹配的成员');
    await search('', ['赵敏', '张小龙', '李明', '周杰']);
  });

  t.test('a discussion from a one-to-one chat, then converted to a group', async (t) => {
    const a = await person('陈静', sales);
    const b = await person('刘洋', sales);
    const c = await person('黄磊', platform);
    const direct = await a.api.call('conv.direct', { user_id: b.user.id });
    const A = await open(a);
    const C = await open(c);
    t.teardown(() => Promise.all([A, C].map((x) => x.context.close())).then(() => {}));

    await A.page.evaluate((id) => { location.hash = `#/chat/${id}/info`; }, direct.id);
    await A.page.click('.group-info details.add-members summary');
    await A.page.fill('.group-info .picker input[type=search]', 'huang');
    await A.page.check(`.group-info .picker input[data-user="${c.user.id}"]`);
    await shot(A.page, 'start-discussion');
    await A.page.click('.group-info details.add-members button.primary');
    await A.page.waitForFunction((id) => /^#\/chat\/\d+$/.test(location.hash) && location.hash !== `#/chat/${id}`, direct.id);
    await A.page.waitForSelector('.chat .composer-input');
    t.equal(await A.page.textContent('.chat-head .sub'), '多人讨论 · 成员（3）');
    const discussionId = Number((await A.page.evaluate(() => location.hash)).split('/')[2]);
    t.not(discussionId, direct.id, 'a new conversation; the 1:1 stays');
    await C.page.waitForSelector(`.conv[href="#/chat/${discussionId}"]`);

    // Nobody owns it: no roles, no notice, no removing; 转为群聊 makes me the owner.
    await A.page.click('a[aria-label="群信息"]');
    await A.page.waitForSelector('.group-info .convert');
    t.equal(await A.page.textContent('.group-info h2'), '讨论信息');
    t.equal(await A.page.locator('.group-info .notice, .member-list .tag, .member-list button.small, .group-info .mute-all, .group-info .dissolve').count(), 0, 'nothing to manage');
    await shot(A.page, 'discussion-info');
    await A.page.click('.group-info button.convert');
    await confirm(A.page);
    await A.page.waitForFunction((id) => document.querySelector(`.member-list li[data-user="${id}"] .tag`)?.textContent === '群主', a.user.id);
    t.equal(await A.page.textContent('.group-info h2'), '群信息');
    t.equal(await A.page.locator('.group-info .convert').count(), 0, 'converted once');
    await A.page.waitForSelector('.group-info .notice button.edit-notice');
    await openInfo(C.page, discussionId);
    await C.page.waitForFunction((id) => document.querySelector(`.member-list li[data-user="${id}"] .tag`)?.textContent === '群主', a.user.id);
    await openChat(C.page, discussionId);
    t.equal(await C.page.textContent('.chat-head .sub'), '成员（3）', 'a group now');
    t.ok(await C.page.locator('.messages .system', { hasText: '陈静 将多人讨论转为群聊' }).count(), 'the history says so');
  });

  t.test('a new group picked by department', async (t) => {
    const me = await person('孙丽', sales);
    const p1 = await person('吴昊', platform);
    const p2 = await person('郑爽', platform);
    const e1 = await person('钱多', eng);
    const M = await open(me);
    t.teardown(() => M.context.close());
    await M.page.click('a[href="#/new-group"]');
    await M.page.waitForSelector(`.dept-picker input[data-dept="${eng}"]`);
    t.equal(await M.page.locator(`.dept-picker input[data-dept="${platform}"]`).count(), 0, 'sub-departments hidden until opened');
    await M.page.click('.dept-picker button.twisty');
    await M.page.waitForSelector(`.dept-picker input[data-dept="${platform}"]`);
    const platformCount = await M.page.textContent(`.dept-picker label:has(input[data-dept="${platform}"]) .muted-text`);
    await M.page.check(`.dept-picker input[data-dept="${platform}"]`);
    await M.page.waitForFunction((ids) => ids.every((id) => document.querySelector(`.chosen-list li[data-user="${id}"]`)), [p1.user.id, p2.user.id]);
    t.equal(await M.page.locator(`.chosen-list li[data-user="${e1.user.id}"]`).count(), 0, 'only the ticked department');
    t.equal(await M.page.locator(`.chosen-list li[data-user="${me.user.id}"]`).count(), 0, 'I am not offered');
    // Everyone in Platform so far, me excepted.
    t.equal(await M.page.locator('.chosen-list li').count(), Number(platformCount!.replace(/\D/g, '')), 'the count shown is who gets added');
    await M.page.check(`.dept-picker input[data-dept="${eng}"]`);
    await M.page.waitForSelector(`.chosen-list li[data-user="${e1.user.id}"]`);
    t.ok(await M.page.isChecked(`.dept-picker input[data-dept="${platform}"]`), 'the department below is ticked with it');
    await M.page.click(`.chosen-list li[data-user="${p2.user.id}"] button.unselect`);
    t.equal(await M.page.$eval(`.dept-picker input[data-dept="${platform}"]`, (el) => (el as HTMLInputElement).indeterminate), true, 'partly chosen');
    await M.page.fill('input[name=title]', '跨部门项目');
    await shot(M.page, 'new-group-by-department');
    const chosen = await M.page.locator('.chosen-list li').count();
    await M.page.click('form.new-group button[type=submit]');
    await M.page.waitForSelector('.chat .composer-input');
    t.equal(await M.page.textContent('.chat-head h2'), '跨部门项目');
    t.equal(await M.page.textContent('.chat-head .sub'), `成员（${chosen + 1}）`, 'everyone chosen, and me');
    const conv = (await me.api.call('conv.list', {})).find((c) => c.title === '跨部门项目')!;
    t.ok(conv.members.some((m) => m.user_id === e1.user.id) && conv.members.some((m) => m.user_id === p1.user.id), 'by department, on the server');
    t.notOk(conv.members.some((m) => m.user_id === p2.user.id), 'the one taken off is not in it');
  });
}
