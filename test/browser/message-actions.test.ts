import t from 'tap';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { makeUser, waitFor } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';
import type { TextBody } from '../../shared/protocol/types.js';

/** Screenshots of each step, for looking at (SWITCHBOARD_SHOTS names the directory). */
const SHOTS = process.env.SWITCHBOARD_SHOTS ?? '';
const shot = async (page: Page, name: string) => {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
};
const openChat = async (page: Page, convId: number) => {
  await page.evaluate((id) => { location.hash = `#/chat/${id}`; }, convId);
  await page.waitForSelector('.chat .messages');
};
const bubble = (page: Page, seq: number) => page.locator(`.msg[data-seq="${seq}"] .bubble`);
const menuItems = async (page: Page) => page.locator('.msg-menu button').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('message actions in the browser: menu, reply, merged forward opened by a third person, recall seen by a page that was offline', async (t) => {
    const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(env.server, n)));
    const d = await ann.api.call('conv.direct', { user_id: ben.user.id });
    const toCai = await ann.api.call('conv.direct', { user_id: cai.user.id });
    const m1 = await ben.api.call('msg.send', { conv_id: d.id, cmid: 'b1', body: { text: '下午三点开会' } });
    const m2 = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'a1', body: { text: '好的，我准备材料' } });
    const m3 = await ben.api.call('msg.send', { conv_id: d.id, cmid: 'b2', body: { text: '会议室在三楼' } });
    const A = await signInPage(env.browser, env.server.url, ann.user.account, ann.password);
    const B = await signInPage(env.browser, env.server.url, ben.user.account, ben.password);
    const C = await signInPage(env.browser, env.server.url, cai.user.account, cai.password);
    t.teardown(() => Promise.all([A, B, C].map((x) => x.context.close())).then(() => {}));
    await openChat(A.page, d.id);
    await A.page.waitForSelector(`.msg[data-seq="${m3.seq}"]`);

    // The context menu: what applies to someone else's message, and to my own.
    await bubble(A.page, m1.seq).click({ button: 'right' });
    await A.page.waitForSelector('.msg-menu');
    t.same(await menuItems(A.page), ['copy', 'reply', 'forward', 'multiSelect'], "someone else's message: no recall, no edit");
    t.same(await A.page.locator('.msg-menu button').allInnerTexts(), ['复制', '回复', '转发', '多选'], 'in Chinese');
    await A.page.keyboard.press('Escape');
    await A.page.waitForSelector('.msg-menu', { state: 'detached' });
    await bubble(A.page, m2.seq).click({ button: 'right' });
    t.same(await menuItems(A.page), ['copy', 'reply', 'forward', 'multiSelect', 'recall', 'edit'], 'my own message');
    await shot(A.page, 'menu');

    // Edit my own message: 已编辑 on both sides.
    await A.page.click('.msg-menu button[data-action="edit"]');
    await A.page.fill('.edit-input', '好的，我来准备材料');
    await A.page.click('.edit-dialog button[type="submit"]');
    await A.page.waitForSelector(`.msg[data-seq="${m2.seq}"] .edited`);
    t.equal(await bubble(A.page, m2.seq).innerText(), '好的，我来准备材料', 'the edit shows');

    // Reply: the preview above the composer, then the quote in the bubble.
    await bubble(A.page, m1.seq).click({ button: 'right' });
    await A.page.click('.msg-menu button[data-action="reply"]');
    await A.page.waitForSelector('.reply-preview');
    t.match(await A.page.innerText('.reply-preview'), /回复 Ben[\s\S]*下午三点开会/, 'whom and what it answers');
    await shot(A.page, 'reply-preview');
    await A.page.fill('.composer-input', '收到，准时到');
    await A.page.keyboard.press('Enter');
    await A.page.waitForSelector('.msg.mine .quote');
    await A.page.waitForSelector('.reply-preview', { state: 'detached' });
    t.match(await A.page.innerText('.msg.mine .quote'), /Ben: 下午三点开会/, 'the quote in the bubble');
    const hist = (await ann.api.call('msg.history', { conv_id: d.id, after: 0 })).messages;
    const reply = hist[hist.length - 1]!;
    t.equal((reply.body as TextBody).reply_to?.seq, m1.seq, 'stored as a reply');
    await shot(A.page, 'reply');

    // Multi-select, merged forward to Cai; Cai opens the record with senders and times.
    await bubble(A.page, m1.seq).click({ button: 'right' });
    await A.page.click('.msg-menu button[data-action="multiSelect"]');
    await A.page.waitForSelector('.select-bar');
    await bubble(A.page, m3.seq).click();
    t.equal(await A.page.locator('.select-box:checked').count(), 2, 'two chosen');
    await shot(A.page, 'multi-select');
    await A.page.click('.select-bar .forward-bundle');
    await A.page.check(`.forward-dialog input[data-conv="${toCai.id}"]`);
    await shot(A.page, 'forward-dialog');
    await A.page.click('.forward-dialog .forward-send');
    await A.page.waitForSelector('.forward-dialog', { state: 'detached' });
    await A.page.waitForSelector('.select-bar', { state: 'detached' });

    await openChat(C.page, toCai.id);
    await C.page.waitForSelector('.bundle-card');
    t.match(await C.page.innerText('.bundle-card'), /Ben的聊天记录[\s\S]*Ben: 下午三点开会[\s\S]*Ben: 会议室在三楼/, 'the card: title and first lines');
    await shot(C.page, 'bundle-card');
    await C.page.click('.bundle-card');
    await C.page.waitForSelector('.bundle-dialog');
    const items = await C.page.locator('.bundle-dialog .bundle-item').allInnerTexts();
    t.equal(items.length, 2, 'the original list');
    t.match(items[0]!, /Ben\s*\d\d:\d\d[\s\S]*下午三点开会/, 'sender, time and text');
    await shot(C.page, 'bundle-open');
    await C.page.keyboard.press('Escape');
    await C.page.waitForSelector('.bundle-dialog', { state: 'detached' });

    // A record inside a record opens too.
    const bundleSeq = (await cai.api.call('conv.get', { conv_id: toCai.id })).last_seq;
    const note = await ann.api.call('msg.send', { conv_id: toCai.id, cmid: 'n1', body: { text: '看看这个' } });
    await ann.api.call('msg.forward', { from_conv_id: toCai.id, seqs: [bundleSeq, note.seq], to_conv_ids: [toCai.id], mode: 'bundle', cmid: 'nest1' });
    await C.page.waitForFunction(() => document.querySelectorAll('.messages .bundle-card').length === 2);
    await C.page.locator('.messages .bundle-card').last().click();
    await C.page.locator('.bundle-dialog .bundle-card').click();
    await C.page.waitForSelector('.bundle-dialog[data-depth="2"]');
    t.equal(await C.page.locator('.bundle-dialog[data-depth="2"] .bundle-item').count(), 2, 'the inner record opens with its items');
    await shot(C.page, 'bundle-nested');
    await C.page.keyboard.press('Escape');
    await C.page.keyboard.press('Escape');

    // Ben's page goes offline; Ann recalls; back online, Ben sees the recall and the quote of it recalled.
    await openChat(B.page, d.id);
    await B.page.waitForSelector(`.msg[data-seq="${reply.seq}"] .quote`);
    await B.context.setOffline(true);
    await B.page.waitForFunction(() => document.body.dataset.connection !== 'online');
    await bubble(A.page, m2.seq).click({ button: 'right' });
    await A.page.click('.msg-menu button[data-action="recall"]');
    await A.page.waitForSelector(`.system.recalled[data-seq="${m2.seq}"]`);
    t.equal(await A.page.innerText(`.system.recalled[data-seq="${m2.seq}"]`), '你撤回了一条消息', 'mine, recalled');
    await ben.api.call('msg.recall', { conv_id: d.id, seq: m1.seq });
    await waitFor(async () => (await ann.api.call('msg.history', { conv_id: d.id, after: 0 })).messages[0]!.kind === 'recalled', 3000, 'both recalls stored');
    t.equal(await B.page.locator('.system.recalled').count(), 0, 'the offline page has not seen them yet');
    await B.context.setOffline(false);
    await B.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await B.page.waitForSelector(`.system.recalled[data-seq="${m2.seq}"]`, { timeout: 15_000 });
    t.equal(await B.page.innerText(`.system.recalled[data-seq="${m2.seq}"]`), 'Ann撤回了一条消息', 'the returning page shows who recalled it');
    await B.page.waitForTimeout(1500);
    await B.page.waitForSelector(`.msg[data-seq="${reply.seq}"] .quote.is-recalled`);
    t.equal(await B.page.innerText(`.msg[data-seq="${reply.seq}"] .quote`), '引用的消息已撤回', 'and the quote of the recalled message');
    t.notOk((await B.page.innerText('.messages')).includes('我来准备材料'), 'the recalled text is gone from the page');
    await shot(B.page, 'recalled-after-offline');
  });
}
