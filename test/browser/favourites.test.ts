import t from 'tap';
import { makeUser, waitFor } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';
import type { TextBody } from '../../shared/protocol/types.js';

/** Where the screenshots go (outside the repository): SWITCHBOARD_SHOTS, else the temp directory. */
const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('a star on one device shows in 收藏 on the other; search, forward and unstar there', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const g = await alice.api.call('conv.group', { title: '项目组', member_ids: [bob.user.id] });
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'b1', body: { text: '周五前提交季度报告' } });
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'b2', body: { text: '午饭吃什么？' } });
    const direct = await alice.api.call('conv.direct', { user_id: bob.user.id });
    const desk = await signInPage(env.browser, env.server.url, alice.user.account, alice.password);
    const laptop = await signInPage(env.browser, env.server.url, alice.user.account, alice.password);
    t.teardown(() => Promise.all([desk.context.close(), laptop.context.close()]).then(() => {}));

    // Desk: open the group, star the first message from its hover button.
    await desk.page.click(`.conv-list a[href="#/chat/${g.id}"]`);
    const msg = desk.page.locator('.msg', { hasText: '周五前提交季度报告' });
    await msg.waitFor();
    t.equal(await msg.locator('.star').evaluate((e) => getComputedStyle(e).opacity), '0', 'the star is hidden until hovered');
    await msg.hover();
    t.equal(await msg.locator('.star').evaluate((e) => getComputedStyle(e).opacity), '1', 'shown on hover');
    await desk.page.screenshot({ path: `${SHOTS}/fav-star-hover.png` });
    await msg.locator('.star').click();
    await msg.locator('.star.on').waitFor();
    t.equal(await msg.locator('.star').getAttribute('aria-pressed'), 'true', 'starred');
    t.equal((await alice.api.call('fav.list', {})).favourites.length, 1, 'stored at the server');

    // Laptop: 收藏 from the main navigation lists it, with where it came from.
    await laptop.page.click('.tabs a[href="#/favourites"]');
    const fav = laptop.page.locator('.fav', { hasText: '周五前提交季度报告' });
    await fav.waitFor();
    t.match(await fav.locator('.fav-from').textContent(), /Bob · 项目组/, 'the sender and the group');
    // A second star on the desk arrives live, newest first.
    await desk.page.locator('.msg', { hasText: '午饭吃什么？' }).hover();
    await desk.page.locator('.msg', { hasText: '午饭吃什么？' }).locator('.star').click();
    await waitFor(async () => (await laptop.page.locator('.fav').count()) === 2, 5000, 'the second star reaches the laptop');
    t.same(await laptop.page.locator('.fav .fav-text').allTextContents(), ['午饭吃什么？', '周五前提交季度报告'], 'newest first');
    await laptop.page.screenshot({ path: `${SHOTS}/fav-list.png` });

    // Search asks the server.
    await laptop.page.fill('.fav-search', '季度');
    await waitFor(async () => (await laptop.page.locator('.fav').count()) === 1, 5000, 'the search narrows the list');
    t.equal(await laptop.page.locator('.fav .fav-text').textContent(), '周五前提交季度报告');
    await laptop.page.fill('.fav-search', '不存在的词');
    await laptop.page.waitForSelector('.fav-list .empty-note');
    await laptop.page.fill('.fav-search', '');
    await waitFor(async () => (await laptop.page.locator('.fav').count()) === 2, 5000, 'all again');

    // 转发 to the 1:1 with Bob: msg.send with the favourite's text.
    await fav.locator('.fav-forward').click();
    await fav.locator('.fav-to').selectOption(String(direct.id));
    await laptop.page.screenshot({ path: `${SHOTS}/fav-forward.png` });
    await fav.locator('.fav-send').click();
    await fav.locator('[role=status]', { hasText: '已转发' }).waitFor();
    const history = await bob.api.call('msg.history', { conv_id: direct.id });
    t.same(history.messages.map((m) => (m.body as TextBody).text), ['周五前提交季度报告'], 'Bob got the forwarded text');

    // Unstar on the laptop: the desk's star turns off.
    await fav.locator('.fav-unstar').click();
    await waitFor(async () => (await laptop.page.locator('.fav').count()) === 1, 5000, 'gone from the list');
    await msg.locator('.star:not(.on)').waitFor();
    t.equal(await msg.locator('.star').getAttribute('aria-pressed'), 'false', 'the desk shows it unstarred');
    t.same((await alice.api.call('fav.list', {})).favourites.map((f) => (f.body as TextBody).text), ['午饭吃什么？']);
  });

  t.test('English texts, and a phone-sized favourites screen with a way back', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const d = await alice.api.call('conv.direct', { user_id: bob.user.id });
    const m = await bob.api.call('msg.send', { conv_id: d.id, cmid: 'p1', body: { text: 'See the plan' } });
    await alice.api.call('fav.add', { conv_id: d.id, seq: m.seq });
    const phone = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { lang: 'en', viewport: { width: 390, height: 760 } });
    t.teardown(() => phone.context.close());
    await phone.page.click('.tabs a[href="#/favourites"]');
    await phone.page.waitForSelector('.fav');
    t.equal(await phone.page.locator('.favourites h2').textContent(), 'Favourites');
    t.equal(await phone.page.locator('.fav-unstar').textContent(), 'Remove from favourites');
    t.ok(await phone.page.locator('.favourites .back').isVisible(), 'a back button on a phone');
    await phone.page.screenshot({ path: `${SHOTS}/fav-phone.png` });
    await phone.page.click('.favourites .back');
    await phone.page.waitForSelector('.conv-list');
    t.pass('back to the chats');
  });
}
