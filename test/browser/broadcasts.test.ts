import t from 'tap';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, makeUser, startServer, waitFor, type TestServer } from '../helpers/server.js';
import { chromiumAvailable, launch, signInPage } from '../helpers/browser.js';

/** Where the screens are kept for a look (SWITCHBOARD_SCREENSHOTS, else a directory under the system's tmp). */
const SHOTS = process.env.SWITCHBOARD_SCREENSHOTS ?? join(tmpdir(), 'sb-broadcast-shots');

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  let server: TestServer;
  let browser: Browser;
  t.before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launch();
  });
  t.teardown(async () => {
    await browser?.close();
    await server?.stop();
  });

  t.test('a broadcast reaches a signed-in recipient\'s system conversation: its own icon, a card, no composer', async (t) => {
    const ann = await makeUser(server, '安娜');
    const A = await signInPage(browser, server.url, ann.user.account, ann.password);
    t.teardown(() => A.context.close());

    const text = '本周五 14:00 起停电检修，请提前保存工作。\n<b>不是 HTML</b>';
    await server.admin.call('admin.broadcast.send', { title: '停电通知', text, user_ids: [ann.user.id] });

    // It arrives by push, in the list, with the system icon and an unread badge.
    const row = A.page.locator('.conv', { hasText: '系统消息' });
    await row.waitFor();
    t.equal(await row.locator('.system-avatar').count(), 1, 'the system conversation has its own icon');
    t.equal((await row.locator('.badge').textContent())?.trim(), '1', 'one unread');
    t.match(await row.locator('.conv-preview').textContent(), /\[广播\] 停电通知/, 'the preview names the broadcast');
    await A.page.screenshot({ path: join(SHOTS, 'list.png') });

    await row.click();
    const card = A.page.locator('.messages .broadcast-card');
    await card.waitFor();
    t.equal(await card.locator('.broadcast-title').textContent(), '停电通知', 'the card shows the title');
    t.equal(await card.locator('.broadcast-text').innerText(), text, 'and the text, as text (line break kept, no markup)');
    t.equal(await card.locator('b').count(), 0, 'nothing in it is read as HTML');
    t.equal(await A.page.locator('.chat .composer').count(), 0, 'no composer');
    t.equal((await A.page.locator('.chat .read-only-note').textContent())?.trim(), '系统消息不可回复', 'but a note that it cannot be replied to');
    t.equal(await A.page.locator('.chat-head .system-avatar').count(), 1, 'the header has the icon too');
    t.equal((await A.page.locator('.chat-head h2').textContent())?.trim(), '系统消息');
    await row.locator('.badge').waitFor({ state: 'detached' });
    t.pass('opening it marks it read');
    await A.page.screenshot({ path: join(SHOTS, 'conversation.png') });

    // A second one lands in the same conversation while it is open.
    await server.admin.call('admin.broadcast.send', { title: '年会', text: '年会定于下月 18 日。', user_ids: [ann.user.id] });
    await A.page.locator('.messages .broadcast-card', { hasText: '年会' }).waitFor();
    t.equal(await A.page.locator('.conv', { hasText: '系统消息' }).count(), 1, 'still one system conversation');
    const [latest] = await server.admin.call('admin.broadcast.list', {});
    await waitFor(async () => (await server.admin.call('admin.broadcast.get', { broadcast_id: latest!.id })).read === 1, 5000, 'the read count');
    t.pass('the sender sees it read: the open conversation marked it');
    await A.page.screenshot({ path: join(SHOTS, 'two.png') });
  });

  t.test('English, narrow screen', async (t) => {
    const ben = await makeUser(server, 'Ben');
    await server.admin.call('admin.broadcast.send', { title: 'Maintenance', text: 'Friday 2 pm: power off.', user_ids: [ben.user.id] });
    const B = await signInPage(browser, server.url, ben.user.account, ben.password, { lang: 'en', viewport: { width: 390, height: 760 } });
    t.teardown(() => B.context.close());
    const row = B.page.locator('.conv', { hasText: 'System messages' });
    await row.waitFor();
    t.pass('an offline recipient finds it on signing in');
    await row.click();
    await B.page.locator('.messages .broadcast-card').waitFor();
    t.equal((await B.page.locator('.chat .read-only-note').textContent())?.trim(), 'System messages cannot be replied to');
    t.equal(await B.page.locator('.chat .composer').count(), 0);
    await B.page.screenshot({ path: join(SHOTS, 'narrow-en.png') });
  });

  t.test('an administrator sends one from the 发送广播 form to a department; a member sees it', async (t) => {
    const dept = await server.admin.call('admin.dir.dept.create', { name: '客服部', org_id: 1 });
    const p = await server.admin.call('admin.dir.person.create', { account: 'kefu', name: '客服', depts: [dept.id] });
    await server.admin.call('admin.users.password', { user_id: p.user_id!, password: 'kefu-password-1' });
    const admin = await signInPage(browser, server.url, 'admin', ADMIN_PASSWORD);
    const member = await signInPage(browser, server.url, 'kefu', 'kefu-password-1');
    t.teardown(() => Promise.all([admin.context.close(), member.context.close()]).then(() => {}));
    t.equal(await member.page.locator('a[href="#/broadcast"]').count(), 0, 'no 发送广播 for someone who is not an administrator');
    await admin.page.click('a[href="#/broadcast"]');
    await admin.page.fill('.send-broadcast input[name=title]', '培训');
    await admin.page.fill('.send-broadcast textarea[name=text]', '周三下午产品培训');
    await admin.page.check('.send-broadcast input[value=depts]');
    await admin.page.fill('.send-broadcast input[name=depts]', String(dept.id));
    await admin.page.screenshot({ path: join(SHOTS, 'form.png') });
    await admin.page.click('.send-broadcast button[type=submit]');
    await admin.page.waitForFunction(() => /1\/1/.test(document.querySelector('.send-broadcast [role=status]')?.textContent ?? ''));
    t.pass('the form reports it delivered to 1 of 1');
    await member.page.locator('.conv', { hasText: '系统消息' }).click();
    await member.page.locator('.messages .broadcast-card', { hasText: '周三下午产品培训' }).waitFor();
    t.pass('the member reads it in their system conversation');
  });
}
