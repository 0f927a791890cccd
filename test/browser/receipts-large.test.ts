import t from 'tap';
import { makeUser, startServer, type TestServer } from '../helpers/server.js';
import { chromiumAvailable, launch, signInPage } from '../helpers/browser.js';
import type { Browser } from 'playwright-core';

/** A group past `limits.sharedReadCursors` (2 here): the sender's "N 人未读" and its lists come from central, live. */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  let server: TestServer;
  let browser: Browser;
  t.before(async () => {
    server = await startServer({ limits: { sharedReadCursors: 2 } });
    browser = await launch();
  });
  t.teardown(async () => {
    await browser?.close();
    await server?.stop();
  });

  t.test('receipts in a large group: counted at central, refreshed when someone reads past my message', async (t) => {
    const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
    const g = await ann.api.call('conv.group', { title: '大群', member_ids: [ben.user.id, cai.user.id, dan.user.id], cmid: 'big' });
    const m = await ann.api.call('msg.send', { conv_id: g.id, cmid: 'a1', body: { text: '周五前交' } });
    const A = await signInPage(browser, server.url, ann.user.account, ann.password);
    t.teardown(() => A.context.close());
    await A.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, g.id);
    const receipt = `.msg[data-seq="${m.seq}"] .receipt summary`;
    await A.page.waitForSelector(receipt);
    t.equal((await A.page.textContent(receipt))?.trim(), '3 人未读', 'the count from central');
    await ben.api.call('msg.read', { conv_id: g.id, seq: m.seq });
    await A.page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '2 人未读', receipt);
    t.pass('Ben read it: the count follows without a reload');
    await A.page.click(receipt);
    await A.page.waitForFunction(() => document.querySelector('.readers [data-state="read"]')?.textContent?.includes('Ben') === true);
    t.match(await A.page.textContent('.readers [data-state="unread"]'), /Cai.*Dan|Dan.*Cai/, 'who has not read it, from central');
    await cai.api.call('msg.send', { conv_id: g.id, cmid: 'c1', body: { text: '好' } });
    await A.page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '1 人未读', receipt);
    t.pass('Cai sent after it, which reads it');
    await dan.api.call('msg.read', { conv_id: g.id, seq: m.seq + 1 });
    await A.page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '全部已读', receipt);
    t.pass('Dan read it: all read');
  });
}
