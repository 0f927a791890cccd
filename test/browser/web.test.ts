import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { makeUser, startServer, waitFor, type TestServer } from '../helpers/server.js';
import { chromiumAvailable, launch, signInPage } from '../helpers/browser.js';
import type { MessageView } from '../../shared/protocol/types.js';

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  let server: TestServer;
  let browser: Browser;
  t.before(async () => {
    server = await startServer();
    browser = await launch();
  });
  t.teardown(async () => {
    await browser?.close();
    await server?.stop();
  });

  const bubbles = (page: Page, text: string) => page.locator('.messages .bubble', { hasText: text }).count();

  t.test('two people: sign in, start a 1:1, exchange messages, see each other\'s read receipts', async (t) => {
    const alice = await makeUser(server, 'Alice');
    const bob = await makeUser(server, 'Bob');
    const A = await signInPage(browser, server.url, alice.user.account, alice.password);
    const B = await signInPage(browser, server.url, bob.user.account, bob.password);
    t.teardown(() => Promise.all([A.context.close(), B.context.close()]).then(() => {}));
    t.equal(await A.page.title(), 'Switchboard', 'branded title');
    t.equal(await A.page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese by default');

    // Alice finds Bob in the directory and opens the conversation from his card.
    await A.page.click('.tabs a[href="#/directory"]');
    await A.page.fill('.dir-search', 'Bob');
    await A.page.click(`a.person-row[data-user="${bob.user.id}"]`);
    await A.page.click('.person-card button.primary');
    await A.page.waitForSelector('.chat .composer-input');
    await A.page.waitForFunction(() => document.querySelector('.chat-head .sub')?.textContent === '在线');
    t.pass('Bob shown online in the chat header');
    await A.page.fill('.composer-input', 'Hello Bob\nsecond line');
    t.equal(await A.page.inputValue('.composer-input'), 'Hello Bob\nsecond line', 'multi-line composer');
    await A.page.keyboard.press('Enter');
    await A.page.waitForSelector('.msg.mine .receipt.is-unread');
    t.equal((await A.page.textContent('.msg.mine .receipt'))?.trim(), '未读', 'unread until Bob reads');

    // Bob sees the conversation with an unread badge, opens it, and Alice sees "read".
    await B.page.waitForSelector('.conv.has-unread .badge');
    t.equal((await B.page.textContent('.conv .badge'))?.trim(), '1');
    t.equal(await B.page.title(), '(1) Switchboard', 'unread count in the title');
    await B.page.click('.conv');
    await B.page.waitForSelector('.messages .bubble');
    t.equal(await bubbles(B.page, 'Hello Bob'), 1);
    t.equal(await B.page.locator('.messages .bubble', { hasText: 'Hello Bob' }).innerText(), 'Hello Bob\nsecond line', 'newline kept');
    await A.page.waitForSelector('.msg.mine .receipt.is-read');
    t.equal((await A.page.textContent('.msg.mine .receipt'))?.trim(), '已读');
    await B.page.waitForSelector('.conv.has-unread', { state: 'detached' });

    // Shift+Enter makes a newline; Enter sends. Bob replies, Alice reads, Bob sees it.
    await B.page.click('.composer-input');
    await B.page.keyboard.type('Hi Alice');
    await B.page.keyboard.press('Shift+Enter');
    await B.page.keyboard.type('how are you');
    t.equal(await B.page.inputValue('.composer-input'), 'Hi Alice\nhow are you');
    await B.page.keyboard.press('Enter');
    await A.page.waitForFunction(() => Array.from(document.querySelectorAll('.messages .bubble')).some((e) => e.textContent === 'Hi Alice\nhow are you'));
    await B.page.waitForSelector('.msg.mine .receipt.is-read');
    t.equal(await bubbles(A.page, 'Hi Alice'), 1, 'reply shown once');

    // A file goes through the relay; the other side downloads the same bytes.
    await A.page.setInputFiles('.composer input[type=file]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting notes 会议纪要') });
    await B.page.waitForSelector('.messages button.file');
    t.match(await B.page.textContent('.messages button.file'), /notes\.txt/);
    const [download] = await Promise.all([B.page.waitForEvent('download'), B.page.click('.messages button.file')]);
    t.equal(download.suggestedFilename(), 'notes.txt');
    const path = await download.path();
    t.equal((await import('node:fs')).readFileSync(path!, 'utf8'), 'meeting notes 会议纪要', 'downloaded bytes equal the sent ones');
    await A.page.waitForSelector('.msg.pending', { state: 'detached' });

    // A draft stays with its conversation.
    await A.page.fill('.composer-input', 'unsent draft');
    await A.page.click('.tabs a[href="#/directory"]');
    await A.page.click('.tabs a[href="#/chats"]');
    await A.page.click('.conv');
    t.equal(await A.page.inputValue('.composer-input'), 'unsent draft', 'draft kept per conversation');

    // Reopening shows the cached history; signing out clears the cache.
    await A.page.reload();
    await A.page.waitForSelector('.messages .bubble');
    t.equal(await bubbles(A.page, 'Hello Bob'), 1, 'history shown after reload');
    await A.page.click('button[aria-label="退出登录"]');
    await A.page.waitForSelector('form.signin');
    const left = await A.page.evaluate(async () => ({ dbs: (await indexedDB.databases()).map((d) => d.name), token: localStorage.getItem('sb.token') }));
    t.same(left, { dbs: [], token: null }, 'sign-out clears cache and session');
    t.equal(await A.page.inputValue('input[name=server]'), server.url, 'server address remembered');
  });

  t.test('a group of three: unread count falls as members read', async (t) => {
    const [ann, ben, cat] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben'), makeUser(server, 'Cat')]);
    const A = await signInPage(browser, server.url, ann.user.account, ann.password, { lang: 'en' });
    const B = await signInPage(browser, server.url, ben.user.account, ben.password, { lang: 'en' });
    const C = await signInPage(browser, server.url, cat.user.account, cat.password, { lang: 'en' });
    t.teardown(() => Promise.all([A, B, C].map((x) => x.context.close())).then(() => {}));

    // Ann makes a group from selected people.
    await A.page.click('a[href="#/new-group"]');
    await A.page.fill('input[name=title]', 'Project');
    for (const u of [ben, cat]) await A.page.check(`.picker input[data-user="${u.user.id}"]`);
    await A.page.click('form.new-group button[type=submit]');
    await A.page.waitForSelector('.chat .composer-input');
    t.equal(await A.page.textContent('.chat-head h2'), 'Project');
    for (const text of ['one', 'two', 'three']) {
      await A.page.fill('.composer-input', text);
      await A.page.keyboard.press('Enter');
    }
    await A.page.waitForFunction(() => document.querySelectorAll('.msg.mine .receipt summary').length === 3);
    t.equal((await A.page.locator('.msg.mine .receipt summary').last().textContent())?.trim(), '2 unread');

    // Ben and Cat each see three unread; each opening the group makes Ann's count fall.
    for (const P of [B, C]) {
      await P.page.waitForFunction(() => document.querySelector('.conv .badge')?.textContent === '3');
    }
    await B.page.click('.conv');
    await B.page.waitForSelector('.messages .sender');
    t.equal(await B.page.textContent('.messages .sender'), 'Ann', 'sender name shown in groups');
    await A.page.waitForFunction(() => document.querySelector('.msg.mine:last-child .receipt summary')?.textContent === '1 unread');
    await A.page.click('.msg.mine:last-child .receipt summary');
    const readers = await A.page.textContent('.msg.mine:last-child .readers');
    t.match(readers, /Read Ben/, 'who has read');
    t.match(readers, /Unread Cat/, 'who has not');
    await B.page.waitForSelector('.conv .badge', { state: 'detached' });
    t.equal(await C.page.textContent('.conv .badge'), '3', 'Cat still has three unread');
    await C.page.click('.conv');
    await A.page.waitForFunction(() => document.querySelector('.msg.mine:last-child .receipt summary')?.textContent === 'All read');
    await C.page.waitForSelector('.conv .badge', { state: 'detached' });

    // Group info: members with roles, rename, remove, leave.
    await A.page.click('a[aria-label="Group info"]');
    await A.page.waitForSelector('.group-info .member-list li');
    t.equal(await A.page.locator('.group-info .member-list li').count(), 3);
    await A.page.fill('.group-info input[aria-label="Group name"]', 'Project X');
    await A.page.click('.group-info form.row button[type=submit]');
    await C.page.waitForFunction(() => document.querySelector('.chat-head h2')?.textContent === 'Project X');
    await A.page.click(`.group-info button[aria-label="Remove Cat"]`);
    await A.page.click('.modal button.confirm');
    await C.page.waitForFunction(() => !document.querySelector('.conv'), undefined, { timeout: 5_000 });
    await A.page.waitForFunction(() => document.querySelectorAll('.group-info .member-list li').length === 2);
    await A.page.click('.group-info details.add-members summary');
    await A.page.check(`.group-info .picker input[data-user="${cat.user.id}"]`);
    await A.page.click('.group-info details.add-members button.primary');
    await A.page.waitForFunction(() => document.querySelectorAll('.group-info .member-list li').length === 3);
    await C.page.waitForSelector('.conv');
    t.pass('a member added back sees the group again');
    await A.page.check('.group-info .switch input');
    await A.page.waitForSelector('.conv svg.mute-mark');
    t.pass('muting shows the mute mark in the list');
    await B.page.click('a[aria-label="Group info"]');
    await B.page.click('.group-info button.danger');
    await B.page.click('.modal button.confirm');
    await B.page.waitForFunction(() => location.hash === '#/chats' && !document.querySelector('.conv'));
    t.pass('rename, remove and leave reach every member live');
  });

  t.test('offline: messages that arrive meanwhile show exactly once; a message composed offline is sent once', async (t) => {
    const dan = await makeUser(server, 'Dan');
    const eve = await makeUser(server, 'Eve');
    const conv = await dan.api.call('conv.direct', { user_id: eve.user.id });
    await dan.api.call('msg.send', { conv_id: conv.id, cmid: 'before-1', body: { text: 'before' } });
    const E = await signInPage(browser, server.url, eve.user.account, eve.password, { lang: 'en' });
    t.teardown(() => E.context.close());
    await E.page.click('.conv');
    await E.page.waitForSelector('.messages .bubble');
    // The service worker has the app shell once it is active.
    await E.page.evaluate(async () => { await navigator.serviceWorker.ready; });

    await E.context.setOffline(true);
    await E.page.waitForSelector('.banner:not([hidden])');
    t.match(await E.page.textContent('.banner'), /reconnecting/, 'visible reconnecting state');
    for (let i = 1; i <= 5; i++) await dan.api.call('msg.send', { conv_id: conv.id, cmid: `while-${i}`, body: { text: `missed ${i}` } });
    await E.page.fill('.composer-input', 'written offline');
    await E.page.keyboard.press('Enter');
    await E.page.waitForSelector('.msg.pending');
    t.equal(await bubbles(E.page, 'missed'), 0, 'nothing arrives while offline');
    await E.page.fill('.composer-input', 'survives a reload');
    await E.page.keyboard.press('Enter');
    await E.page.waitForTimeout(1_000); // the IndexedDB snapshot is written 0.8 s after a change

    // Reopened while still offline: the shell comes from the service worker, history from IndexedDB,
    // and the unsent messages from the saved queue.
    await E.page.reload();
    await E.page.waitForSelector('.messages .bubble');
    t.equal(await bubbles(E.page, 'before'), 1, 'cached history shown offline');
    await E.page.waitForFunction(() => document.querySelectorAll('.msg.pending').length === 2);
    t.pass('both queued messages still pending after the reload');

    await E.context.setOffline(false);
    await E.page.waitForFunction(() => document.body.dataset.connection === 'online', undefined, { timeout: 15_000 });
    await E.page.waitForFunction(() => document.querySelectorAll('.messages .bubble').length === 8 && !document.querySelector('.msg.pending'), undefined, { timeout: 15_000 });
    for (let i = 1; i <= 5; i++) t.equal(await bubbles(E.page, `missed ${i}`), 1, `missed ${i} shown once`);
    t.equal(await bubbles(E.page, 'written offline'), 1, 'queued message shown once');
    t.equal(await bubbles(E.page, 'survives a reload'), 1, 'message queued across the reload shown once');
    t.ok(await E.page.isHidden('.banner'), 'banner gone when back online');
    const seqs = await E.page.$$eval('.messages .msg[data-seq]', (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
    t.same(seqs, [...seqs].sort((a, b) => a - b), 'in order');
    t.equal(new Set(seqs).size, seqs.length, 'no duplicates');

    const page = await dan.api.call('msg.history', { conv_id: conv.id, after: 0, limit: 50 });
    const texts = page.messages.map((m: MessageView) => ('text' in m.body ? m.body.text : ''));
    t.equal(texts.filter((x) => x === 'written offline').length, 1, 'stored once at the server');
    t.equal(texts.filter((x) => x === 'survives a reload').length, 1, 'the reloaded queue stored once');
    await waitFor(async () => (await E.page.locator('.msg.mine .receipt').count()) === 2, 5_000, 'own messages have receipts');
  });

  t.test('long history: a bounded window of messages, older pages load on scroll, pinned to the newest', async (t) => {
    const hal = await makeUser(server, 'Hal');
    const ivy = await makeUser(server, 'Ivy');
    const conv = await hal.api.call('conv.direct', { user_id: ivy.user.id });
    for (let i = 1; i <= 150; i++) await hal.api.call('msg.send', { conv_id: conv.id, cmid: `h${i}`, body: { text: `history ${i}` } });
    const I = await signInPage(browser, server.url, ivy.user.account, ivy.password, { lang: 'en' });
    t.teardown(() => I.context.close());
    await I.page.click('.conv');
    await I.page.waitForSelector('.messages .bubble');
    const seqs = () => I.page.$$eval('.messages .msg[data-seq]', (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
    const first = await seqs();
    t.ok(first.length <= 60, `first screen renders at most 60 messages (${first.length})`);
    t.equal(first[first.length - 1], 150, 'newest message last');
    t.ok(await I.page.$eval('.messages', (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4), 'pinned to the bottom');
    for (let i = 0; i < 10 && (await seqs())[0] !== 1; i++) {
      const before = (await seqs()).length;
      await I.page.$eval('.messages', (el) => { el.scrollTop = 0; });
      await I.page.waitForFunction((n) => document.querySelectorAll('.messages .msg[data-seq]').length > n, before);
    }
    const all = await seqs();
    t.same(all, Array.from({ length: 150 }, (_, i) => i + 1), 'scrolling up loads every older message once, in order');
    t.match(await I.page.textContent('.history-status'), /No earlier messages/);
    t.ok(await I.page.$eval('.messages', (el) => el.scrollTop > 0), 'scroll position kept while prepending');
    await I.page.$eval('.messages', (el) => { el.scrollTop = el.scrollHeight; });
    await I.page.waitForFunction(() => document.querySelectorAll('.messages .msg[data-seq]').length <= 60);
    t.pass('back at the newest message, the window shrinks again');
    await hal.api.call('msg.send', { conv_id: conv.id, cmid: 'h151', body: { text: 'history 151' } });
    await I.page.waitForFunction(() => document.querySelector('.messages .msg[data-seq]:last-of-type .bubble')?.textContent === 'history 151');
    t.ok(await I.page.$eval('.messages', (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4), 'still pinned after a new message');
  });

  t.test('directory: department tree, pinyin search, masked fields, send message from the card, live admin changes', async (t) => {
    // Its own server: once the directory has people, the web client lists them instead of plain users.
    const dir = await startServer();
    t.teardown(() => dir.stop());
    const viewer = await makeUser(dir, 'Viewer');
    const dept = await dir.admin.call('admin.dir.dept.create', { name: 'Engineering' });
    const sub = await dir.admin.call('admin.dir.dept.create', { name: 'Platform', parent_id: dept.id });
    const zhang = await dir.admin.call('admin.dir.person.create', {
      account: 'zhangwei', name: '张伟', english_name: 'Wei Zhang', title: 'Engineer', mobile: '13800000001', email: 'zw@example.com', depts: [{ dept_id: sub.id, title: 'Engineer', sort: 1 }] });
    await dir.admin.call('admin.dir.person.create', { account: 'kim', name: 'Kim Lee', title: 'Designer', depts: [{ dept_id: dept.id, title: 'Designer', sort: 2 }] });
    await dir.admin.call('admin.dir.policy.set', { target: 'person', target_id: zhang.id, fields: ['mobile'] });

    const V = await signInPage(browser, dir.url, viewer.user.account, viewer.password, { lang: 'en' });
    t.teardown(() => V.context.close());
    await V.page.click('.tabs a[href="#/directory"]');
    await V.page.waitForSelector('.dept-tree button.dept');
    t.same(await V.page.$$eval('.dept-tree button.dept', (els) => els.map((e) => e.textContent)), ['Engineering', 'Platform'], 'department tree');
    await V.page.waitForFunction(() => document.querySelectorAll('.people .person-row').length === 2);

    // Pinyin search finds 张伟; a department narrows the list to it and below.
    await V.page.fill('.dir-search', 'zhangw');
    await V.page.waitForFunction(() => document.querySelectorAll('.people .person-row').length === 1);
    t.equal(await V.page.getAttribute('.people .person-row', 'data-person'), String(zhang.id), 'found by pinyin');
    await V.page.fill('.dir-search', '');
    await V.page.click('.dept-tree button.dept:text("Platform")');
    await V.page.waitForFunction(() => document.querySelectorAll('.people .person-row').length === 1);
    await V.page.click('.dept-tree button.dept:text("Platform")');
    await V.page.waitForFunction(() => document.querySelectorAll('.people .person-row').length === 2);

    // The card masks the confidential field and opens a chat.
    await V.page.click(`.people .person-row[data-person="${zhang.id}"]`);
    await V.page.waitForSelector('.person-card .card-name');
    const fields = await V.page.$$eval('.person-card dl .field', (els) => els.map((e) => [e.querySelector('dt')!.textContent, e.querySelector('dd')!.textContent]));
    t.same(Object.fromEntries(fields as [string, string][]).Mobile, '***', 'confidential mobile masked');
    t.same(Object.fromEntries(fields as [string, string][]).Department, 'Engineering / Platform');
    t.match(await V.page.getAttribute('.person-card dd.masked', 'aria-label'), /confidential/);

    // An administrator's changes appear in the open views without a reload.
    await dir.admin.call('admin.dir.person.update', { person_id: zhang.id, title: 'Staff Engineer' });
    await V.page.waitForFunction(() => Array.from(document.querySelectorAll('.person-card dd')).some((e) => e.textContent === 'Staff Engineer'));
    await dir.admin.call('admin.dir.person.create', { account: 'newhire', name: 'New Hire', depts: [{ dept_id: sub.id, title: '', sort: 3 }] });
    await V.page.waitForSelector('.people .person-row:has-text("New Hire")');
    await dir.admin.call('admin.dir.dept.update', { dept_id: sub.id, name: 'Platform Team' });
    await V.page.waitForSelector('.dept-tree button.dept:text("Platform Team")');
    t.pass('person change, new person and department rename shown live');

    await V.page.click('.person-card button.primary');
    await V.page.waitForSelector('.chat .composer-input');
    t.equal(await V.page.textContent('.chat-head h2'), '张伟', 'send message opens the 1:1');
  });

  t.test('keyed rendering: a bubble is made once, focus stays on a row as the list reorders, the language switches live', async (t) => {
    const [kay, lou, max] = await Promise.all([makeUser(server, 'Kay'), makeUser(server, 'Lou'), makeUser(server, 'Max')]);
    const withLou = await kay.api.call('conv.direct', { user_id: lou.user.id });
    const withMax = await kay.api.call('conv.direct', { user_id: max.user.id });
    await lou.api.call('msg.send', { conv_id: withLou.id, cmid: 'k1', body: { text: 'first' } });
    await max.api.call('msg.send', { conv_id: withMax.id, cmid: 'k2', body: { text: 'second' } });
    const K = await signInPage(browser, server.url, kay.user.account, kay.password, { lang: 'en' });
    t.teardown(() => K.context.close());

    // A property set on a bubble's element survives sends, receipts and new messages: the element is never rebuilt.
    await K.page.click(`.conv[data-conv="${withLou.id}"]`);
    const first = K.page.locator('.messages .msg', { hasText: 'first' });
    await first.evaluate((el) => { (el as HTMLElement & { probe?: string }).probe = 'kept'; });
    await K.page.fill('.composer-input', 'reply');
    await K.page.keyboard.press('Enter');
    await K.page.waitForSelector('.msg.mine .receipt.is-unread');
    const reply = await K.page.locator('.msg.mine[data-seq]').getAttribute('data-seq');
    await lou.api.call('msg.read', { conv_id: withLou.id, seq: Number(reply) });
    await K.page.waitForSelector('.msg.mine .receipt.is-read');
    await lou.api.call('msg.send', { conv_id: withLou.id, cmid: 'k3', body: { text: 'more' } });
    await K.page.waitForFunction(() => document.querySelectorAll('.messages .msg[data-seq]').length === 3);
    t.equal(await first.evaluate((el) => (el as HTMLElement & { probe?: string }).probe), 'kept', 'the same bubble element after a send, a receipt and a new message');

    // Focus on a row stays there while the list reorders: the focused row moving up, then another moving above it.
    const focusedConv = () => K.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.conv);
    const firstConv = (id: number) => K.page.waitForFunction((c) => document.querySelector('.conv-list li:first-child .conv')?.getAttribute('data-conv') === String(c), id);
    await K.page.focus(`.conv[data-conv="${withMax.id}"]`);
    await max.api.call('msg.send', { conv_id: withMax.id, cmid: 'k4', body: { text: 'bump max' } });
    await firstConv(withMax.id);
    t.equal(await focusedConv(), String(withMax.id), 'focus kept on the row that moved to the top');
    await lou.api.call('msg.send', { conv_id: withLou.id, cmid: 'k5', body: { text: 'bump lou' } });
    await firstConv(withLou.id);
    t.equal(await focusedConv(), String(withMax.id), 'focus kept on the row another one moved above');
    await K.page.keyboard.press('ArrowUp');
    t.equal(await focusedConv(), String(withLou.id), 'ArrowUp moves to the row above');
    await K.page.keyboard.press('End');
    t.equal(await focusedConv(), String(withMax.id), 'End jumps to the last row');

    // The language button re-renders the signed-in screens, the kept bubbles' receipts included.
    await K.page.click('button[aria-label="中文"]');
    await K.page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    t.match(await K.page.textContent('.tabs a[href="#/chats"]'), /消息/, 'tab in Chinese');
    t.equal((await K.page.textContent('.msg.mine .receipt'))?.trim(), '已读', 'receipt in Chinese');
    t.equal(await first.evaluate((el) => (el as HTMLElement & { probe?: string }).probe), 'kept', 'still the same bubble element');
  });

  t.test('branding: product name, colour and preset server address on the sign-in screen; remembered address', async (t) => {
    const branded = await startServer({ branding: { productName: 'Acme Chat', themeColor: '#aa0000', logoUrl: null, serverUrl: 'https://chat.acme.example' } });
    t.teardown(() => branded.stop());
    const context = await browser.newContext();
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(branded.url);
    await page.waitForSelector('form.signin');
    t.equal(await page.title(), 'Acme Chat');
    t.equal(await page.textContent('form.signin h1'), 'Acme Chat');
    t.equal(await page.getAttribute('meta[name="theme-color"]', 'content'), '#aa0000');
    t.equal(await page.evaluate(() => getComputedStyle(document.querySelector('button.primary')!).backgroundColor), 'rgb(170, 0, 0)', 'theme colour on controls');
    t.equal(await page.inputValue('input[name=server]'), 'https://chat.acme.example', 'server address preset from the configuration');
    // Switching to English is remembered on this device.
    await page.click('button[aria-label="English"]');
    t.equal(await page.textContent('form.signin button[type=submit]'), 'Sign in');
    await page.reload();
    await page.waitForSelector('form.signin');
    t.equal(await page.getAttribute('html', 'lang'), 'en');
  });

  t.test('phone width: one pane at a time, nothing wider than the screen', async (t) => {
    const fay = await makeUser(server, 'Fay');
    const gus = await makeUser(server, 'Gus');
    await fay.api.call('conv.direct', { user_id: gus.user.id });
    const F = await signInPage(browser, server.url, fay.user.account, fay.password, { viewport: { width: 360, height: 720 } });
    t.teardown(() => F.context.close());
    const overflow = () => F.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    t.equal(await overflow(), 0, 'list fits 360 px');
    await F.page.click('.conv');
    await F.page.waitForSelector('.chat .composer-input');
    t.ok(await F.page.isHidden('.side'), 'list hidden while chatting');
    t.equal(await overflow(), 0, 'chat fits 360 px');
    await F.page.click('a.back');
    await F.page.waitForSelector('.side .conv');
    // Keyboard: Tab reaches controls with visible focus; arrows move in the list.
    await F.page.focus('.chat-search');
    await F.page.keyboard.press('Tab');
    await F.page.keyboard.press('Tab');
    t.ok(await F.page.evaluate(() => document.activeElement?.classList.contains('conv')), 'Tab reaches the conversation');
    const outline = await F.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    t.not(outline, 'none', 'visible focus');
    const unnamed = await F.page.$$eval('button, a, input, textarea', (els) => els.filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim() || e.getAttribute('placeholder') || (e as HTMLInputElement).labels?.length)).length);
    t.equal(unnamed, 0, 'every control has an accessible name');
  });
}
