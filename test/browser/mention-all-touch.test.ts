import t from 'tap';
import type { Page } from 'playwright-core';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';
import type { TextBody } from '../../shared/protocol/types.js';

const openChat = async (page: Page, convId: number) => {
  await page.evaluate((id) => { location.hash = `#/chat/${id}`; }, convId);
  await page.waitForSelector('.chat .composer-input');
};
const offered = (page: Page) => page.locator('.mention-picker li .name').allTextContents();

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('@所有人: the owner is offered it and sends it; a member is not, where the owner keeps it to admins, and the API refuses them', async (t) => {
    const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(env.server, n)));
    const g = await ann.api.call('conv.group', { title: '全员群', member_ids: [ben.user.id, cai.user.id], cmid: 'g' });
    t.equal(g.mention_all_policy, 'admins', 'the owner and admins only (the default)');
    const A = await signInPage(env.browser, env.server.url, ann.user.account, ann.password);
    const B = await signInPage(env.browser, env.server.url, ben.user.account, ben.password);
    const C = await signInPage(env.browser, env.server.url, cai.user.account, cai.password);
    t.teardown(() => Promise.all([A, B, C].map((x) => x.context.close())).then(() => {}));

    await openChat(A.page, g.id);
    await A.page.click('.composer-input');
    await A.page.keyboard.type('@');
    await A.page.waitForSelector('.mention-picker');
    t.ok((await offered(A.page)).includes('@所有人'), 'the owner sees 所有人');
    await A.page.keyboard.type('syr');
    await A.page.waitForFunction(() => Array.from(document.querySelectorAll('.mention-picker li .name')).map((e) => e.textContent).join() === '@所有人');
    await A.page.keyboard.press('Enter');
    await A.page.keyboard.type('下午开会');
    await A.page.keyboard.press('Enter');
    await A.page.waitForSelector('.msg.mine .mention');
    const sent = (await ann.api.call('msg.history', { conv_id: g.id, after: 0 })).messages.at(-1)!;
    t.equal((sent.body as TextBody).mention_all, true, 'stored as @所有人');
    await openChat(C.page, g.id);
    await C.page.waitForSelector(`.msg[data-seq="${sent.seq}"].at-me .mention`);
    t.equal(await C.page.textContent(`.msg[data-seq="${sent.seq}"] .mention`), '@所有人', 'a member sees it as a mention of them');

    await openChat(B.page, g.id);
    await B.page.click('.composer-input');
    await B.page.keyboard.type('@');
    await B.page.waitForSelector('.mention-picker');
    const forBen = await offered(B.page);
    t.ok(forBen.includes('Ann') && forBen.includes('Cai'), 'a member is offered the members');
    t.notOk(forBen.includes('@所有人'), 'but not 所有人');
    await B.page.keyboard.type('syr');
    await B.page.waitForSelector('.mention-picker li', { state: 'detached' }).catch(() => { /* an empty picker may stay open */ });
    t.same(await offered(B.page), [], 'nor by typing its pinyin');
    await t.rejects(ben.api.call('msg.send', { conv_id: g.id, cmid: 'b-all', body: { text: '@所有人 ', mention_all: true } }), { code: 'SB_FORBIDDEN' }, 'the API refuses a member');
    t.equal((await ben.api.call('msg.history', { conv_id: g.id, after: sent.seq })).messages.length, 0, 'and stores nothing');

    await ann.api.call('conv.setMentionAll', { conv_id: g.id, policy: 'everyone' });
    await B.page.keyboard.press('Escape');
    await B.page.fill('.composer-input', '');
    await B.page.keyboard.type('@');
    await B.page.waitForFunction(() => Array.from(document.querySelectorAll('.mention-picker li .name')).some((e) => e.textContent === '@所有人'));
    t.pass('opened to everyone by the owner: the member is offered it at once');
  });

  t.test('a long press on a message on a 360 px touch phone opens the message menu; a tap does not', async (t) => {
    const [ann, ben] = await Promise.all(['Ann', 'Ben'].map((n) => makeUser(env.server, n)));
    const d = await ann.api.call('conv.direct', { user_id: ben.user.id });
    const m = await ben.api.call('msg.send', { conv_id: d.id, cmid: 'b1', body: { text: '长按这条消息' } });
    const P = await signInPage(env.browser, env.server.url, ann.user.account, ann.password, { viewport: { width: 360, height: 740 }, touch: true });
    t.teardown(() => P.context.close());
    t.equal(await P.page.evaluate(() => window.innerWidth), 360, 'a phone-wide viewport');
    t.ok(await P.page.evaluate(() => navigator.maxTouchPoints > 0 && 'ontouchstart' in window), 'with touch');
    await openChat(P.page, d.id);
    const bubble = P.page.locator(`.msg[data-seq="${m.seq}"] .bubble`);
    await bubble.waitFor();
    const box = (await bubble.boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;

    await bubble.tap();
    await P.page.waitForTimeout(800); // longer than the long press, so a menu would have opened
    t.equal(await P.page.locator('.msg-menu').count(), 0, 'a tap opens no menu');

    const cdp = await P.context.newCDPSession(P.page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    await P.page.waitForSelector('.msg-menu', { timeout: 3_000 });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    t.same(await P.page.locator('.msg-menu button').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))), ['copy', 'reply', 'forward', 'multiSelect'], 'the menu of someone else\'s message');
    const menu = (await P.page.locator('.msg-menu').boundingBox())!;
    t.ok(menu.x >= 0 && menu.x + menu.width <= 360, `the menu fits the screen's width (${Math.round(menu.x)}–${Math.round(menu.x + menu.width)} px)`);
    await P.page.tap('.msg-menu button[data-action="reply"]');
    await P.page.waitForSelector('.reply-preview');
    t.match(await P.page.innerText('.reply-preview'), /长按这条消息/, 'and its actions work by touch');
  });
}
