import t from 'tap';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? '';

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('@ picked from the members (by pinyin initials), highlighted for the mentioned person, badge and jump; links; html shown as text', async (t) => {
    const admin = env.server.admin;
    const ann = await makeUser(env.server, 'Ann');
    const ben = await makeUser(env.server, 'Ben');
    // 张伟 comes from the directory, so the picker can find him by pinyin initials.
    const dept = await admin.call('admin.dir.dept.create', { name: '研发部' });
    const person = await admin.call('admin.dir.person.create', { account: 'zhangwei', name: '张伟', depts: [dept.id] });
    const zwId = (await admin.call('dir.person', { person_id: person.id })).user_id!;
    await admin.call('admin.users.password', { user_id: zwId, password: 'plain-words-123' });
    const g = await ann.api.call('conv.group', { title: '项目组', member_ids: [ben.user.id, zwId] });
    await ann.api.call('msg.send', { conv_id: g.id, cmid: 'before', body: { text: '大家好' } });

    const A = await signInPage(env.browser, env.server.url, ann.user.account, ann.password);
    const Z = await signInPage(env.browser, env.server.url, 'zhangwei', 'plain-words-123');
    const B = await signInPage(env.browser, env.server.url, ben.user.account, ben.password);
    const dialogs: string[] = [];
    for (const P of [A, Z, B]) P.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    t.teardown(() => Promise.all([A, Z, B].map((x) => x.context.close())).then(() => {}));

    await A.page.click(`.conv[data-conv="${g.id}"]`);
    await A.page.waitForSelector('.chat .composer-input');
    await A.page.click('.composer-input');
    await A.page.keyboard.type('请@');
    await A.page.waitForSelector('.mention-picker');
    const offered = await A.page.locator('.mention-picker li .name').allTextContents();
    t.ok(offered.includes('@所有人'), 'the owner is offered 所有人');
    t.ok(offered.includes('Ben') && offered.includes('张伟'), 'and the members');
    t.notOk(offered.includes('Ann'), 'not myself');
    await A.page.keyboard.type('zw');
    await A.page.waitForFunction(() => Array.from(document.querySelectorAll('.mention-picker li .name')).map((e) => e.textContent).join() === '张伟');
    t.pass('"zw" narrows the list to 张伟 (pinyin initials)');
    if (SHOTS) await A.page.screenshot({ path: `${SHOTS}/mention-picker.png` });
    await A.page.keyboard.press('Enter');
    t.equal(await A.page.inputValue('.composer-input'), '请@张伟 ', 'Enter picks: "@姓名 " inserted, nothing sent');
    t.equal(await A.page.locator('.mention-picker').count(), 0, 'the picker closes');
    await A.page.keyboard.type('看看 https://example.com/a?b=1。');
    await A.page.keyboard.press('Shift+Enter');
    await A.page.keyboard.type('<img src=x onerror=alert(1)>');
    await A.page.click('.emoji-btn');
    await A.page.click('.emoji-grid .emoji >> nth=0');
    t.match(await A.page.inputValue('.composer-input'), /😀$/, 'an emoji goes in at the caret');
    await A.page.keyboard.press('Enter');
    await A.page.waitForSelector('.msg.mine .mention');

    // The mentioned person: a badge in the list, the mention highlighted for them, a jump button.
    await Z.page.waitForSelector(`.conv[data-conv="${g.id}"] .at-badge`);
    t.equal(await Z.page.textContent(`.conv[data-conv="${g.id}"] .at-badge`), '[有人@我]', 'the 有人@我 badge');
    if (SHOTS) await Z.page.screenshot({ path: `${SHOTS}/mention-badge.png` });
    await Z.page.click(`.conv[data-conv="${g.id}"]`);
    await Z.page.waitForSelector('.msg.at-me .mention.mention-me');
    t.equal(await Z.page.textContent('.msg.at-me .mention-me'), '@张伟', 'highlighted as mine');
    t.equal(await Z.page.locator('.mention-jump').count(), 1, 'a jump-to-mention button');
    const link = Z.page.locator('.msg.at-me a.link');
    t.equal(await link.getAttribute('href'), 'https://example.com/a?b=1', 'the link, without the sentence\'s full stop');
    t.equal(await link.getAttribute('target'), '_blank');
    t.match(await link.getAttribute('rel'), /noopener/);
    const bubble = Z.page.locator('.msg.at-me .bubble');
    t.match(await bubble.innerText(), /^请@张伟 看看 https:\/\/example\.com\/a\?b=1。\n<img src=x onerror=alert\(1\)>😀$/, 'html-looking text shown literally, line break kept');
    t.equal(await Z.page.locator('.messages img').count(), 0, 'no element made from the text');
    if (SHOTS) await Z.page.screenshot({ path: `${SHOTS}/mention-highlight.png` });
    await Z.page.click('.mention-jump');
    await Z.page.waitForSelector('.mention-jump', { state: 'detached' });
    t.pass('the jump button goes once its mention is shown');
    await Z.page.waitForSelector(`.conv[data-conv="${g.id}"] .at-badge`, { state: 'detached' });
    t.pass('reading clears the badge');

    // Someone else: the mention is marked, not as theirs; no badge.
    await B.page.waitForSelector(`.conv[data-conv="${g.id}"].has-unread`);
    t.equal(await B.page.locator(`.conv[data-conv="${g.id}"] .at-badge`).count(), 0, 'no badge for Ben');
    await B.page.click(`.conv[data-conv="${g.id}"]`);
    await B.page.waitForSelector('.messages .mention');
    t.equal(await B.page.locator('.messages .mention-me').count(), 0, 'not highlighted as his');
    t.equal(await B.page.locator('.msg.at-me').count(), 0);

    // A link opens in a new tab.
    const [popup] = await Promise.all([Z.page.context().waitForEvent('page'), link.click()]);
    t.ok(popup, 'the link opens a new page');
    await popup.close();
    t.same(dialogs, [], 'no script ran from the text');
    const stored = (await ann.api.call('msg.history', { conv_id: g.id })).messages.at(-1)!;
    t.same((stored.body as { mentions?: number[] }).mentions, [zwId], 'the reference was sent with the message');
  });
}
