import t from 'tap';
import type { Page } from 'playwright-core';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';
import type { TextBody } from '../../shared/protocol/types.js';

const openChat = async (page: Page, convId: number) => {
  await page.evaluate((id) => { location.hash = `#/chat/${id}`; }, convId);
  await page.waitForSelector('.chat .messages');
};

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('a reply with a mention written offline keeps its quote and mention across a reload', async (t) => {
    const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(env.server, n)));
    const g = await ann.api.call('conv.group', { title: '项目组', member_ids: [ben.user.id, cai.user.id], cmid: 'g' });
    const m1 = await ben.api.call('msg.send', { conv_id: g.id, cmid: 'b1', body: { text: '下午三点开会' } });
    const A = await signInPage(env.browser, env.server.url, ann.user.account, ann.password);
    const B = await signInPage(env.browser, env.server.url, ben.user.account, ben.password);
    t.teardown(() => Promise.all([A, B].map((x) => x.context.close())).then(() => {}));
    await openChat(A.page, g.id);
    await A.page.waitForSelector(`.msg[data-seq="${m1.seq}"] .bubble`);
    await A.page.evaluate(async () => { await navigator.serviceWorker.ready; });

    await A.context.setOffline(true);
    await A.page.waitForSelector('.banner:not([hidden])');
    await A.page.locator(`.msg[data-seq="${m1.seq}"] .bubble`).click({ button: 'right' });
    await A.page.click('.msg-menu button[data-action="reply"]');
    await A.page.waitForSelector('.reply-preview');
    await A.page.click('.composer-input');
    await A.page.keyboard.type('@Be');
    await A.page.waitForFunction(() => Array.from(document.querySelectorAll('.mention-picker li .name')).map((e) => e.textContent).join() === 'Ben');
    await A.page.keyboard.press('Enter');
    await A.page.keyboard.type('准时到');
    t.equal(await A.page.inputValue('.composer-input'), '@Ben 准时到');
    await A.page.keyboard.press('Enter');
    await A.page.waitForSelector('.msg.pending');
    const saved = await A.page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('sb.outbox.')).map(([, v]) => v));
    t.match(JSON.parse(saved[0] ?? '[]'), [{ convId: g.id, body: { text: '@Ben 准时到', mentions: [ben.user.id], reply_to: m1.seq } }], 'queued with its mention and reply');
    await A.page.waitForTimeout(1_000); // the IndexedDB snapshot is written 0.8 s after a change

    await A.page.reload();
    await A.page.waitForSelector('.messages .bubble');
    await A.page.waitForFunction(() => document.querySelectorAll('.msg.pending').length === 1);
    t.pass('still queued after the reload');
    await A.context.setOffline(false);
    await A.page.waitForFunction(() => document.body.dataset.connection === 'online', undefined, { timeout: 15_000 });
    await A.page.waitForFunction(() => !document.querySelector('.msg.pending') && document.querySelector('.msg.mine .quote') !== null, undefined, { timeout: 15_000 });
    t.pass('sent once back online, with its quote');

    const last = (await ben.api.call('msg.history', { conv_id: g.id, after: 0 })).messages.at(-1)!;
    const body = last.body as TextBody;
    t.same(body.mentions, [ben.user.id], 'stored with the structured mention');
    t.equal(body.reply_to?.seq, m1.seq, 'stored as a reply');
    await openChat(B.page, g.id);
    await B.page.waitForSelector(`.msg[data-seq="${last.seq}"].at-me .mention.mention-me`);
    t.equal(await B.page.textContent(`.msg[data-seq="${last.seq}"] .mention-me`), '@Ben', 'Ben sees the mention highlighted as his');
    t.match(await B.page.innerText(`.msg[data-seq="${last.seq}"] .quote`), /Ben: 下午三点开会/, 'and the quote');
  });
}
