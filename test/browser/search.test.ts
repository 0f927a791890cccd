import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, startServer } from '../helpers/server.js';
import { chromiumAvailable, launch, signInPage } from '../helpers/browser.js';

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  t.test('the search box finds a message; its hit opens the conversation at that message, flashed', async (t) => {
    const server = await startServer();
    const browser = await launch();
    t.teardown(async () => { await browser.close(); await server.stop(); });
    const [ann, ben] = await Promise.all([makeUser(server, '安娜'), makeUser(server, 'Ben')]);
    const g = await ann.api.call('conv.group', { title: '项目组', member_ids: [ben.user.id], cmid: 'g' });
    let target = 0;
    // Enough history that the hit is far above the newest messages (older than the first page loaded).
    for (let i = 0; i < 140; i += 1) {
      const text = i === 20 ? '下周三去北京见客户 <b>not bold</b>' : `进度更新 第${i}条`;
      const m = await ann.api.call('msg.send', { conv_id: g.id, cmid: `m${i}`, body: { text } });
      if (i === 20) target = m.seq;
    }
    const { context, page } = await signInPage(browser, server.url, ben.user.account, ben.password, { viewport: { width: 1100, height: 700 } });
    t.teardown(() => context.close());
    await page.waitForSelector('.conv');
    await page.fill('.chat-search', '北京');
    const hit = page.locator(`a.hit[data-hit="${g.id}:${target}"]`);
    await hit.waitFor();
    t.equal(await hit.locator('mark').textContent(), '北京', 'the match is marked');
    t.match(await hit.textContent(), '<b>not bold</b>', 'message text stays text');
    t.equal(await page.locator('.hit b').count(), 0, 'no element made from the message');
    const dir = join(process.cwd(), 'dist', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'search-results.png') });

    await hit.click();
    const bubble = page.locator(`.messages .msg[data-seq="${target}"]`);
    await bubble.waitFor({ timeout: 10_000 });
    await page.waitForSelector(`.messages .msg.flash[data-seq="${target}"]`, { timeout: 5_000 });
    t.pass('the message is shown and flashed');
    const inView = await page.evaluate((seq) => {
      const list = document.querySelector('.messages')!.getBoundingClientRect();
      const el = document.querySelector(`.messages .msg[data-seq="${seq}"]`)!.getBoundingClientRect();
      return el.top >= list.top && el.bottom <= list.bottom;
    }, target);
    t.ok(inView, 'scrolled to it');
    t.equal(await page.locator(`.messages .msg[data-seq="${target - 1}"]`).count(), 1, 'with the messages around it');
    t.equal(await page.locator(`.messages .msg[data-seq="${target + 1}"]`).count(), 1);
    t.match(page.url(), `#/chat/${g.id}/m/${target}`);
    await page.screenshot({ path: join(dir, 'search-opened.png') });
  });
}
