import t from 'tap';
import type { Page } from 'playwright-core';
import { makeUser, waitFor } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';
import type { NotifySettings } from '../../shared/protocol/types.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/** Wraps window.Notification before the page's scripts run, recording every notification raised. */
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notes = [];
  class Recorded extends Real {
    constructor(title, options) { super(title, options); window.__notes.push({ title, body: options?.body, silent: options?.silent, data: options?.data }); }
  }
  window.Notification = Recorded;
})();`;

interface Note { title: string; body: string; silent: boolean; data: { conv_id: number; reason: string } }
const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes);

/** Quiet hours around the current time, every day, in UTC: whatever the clock says, now is inside. */
function quietNow(over: Partial<NotifySettings> = {}): NotifySettings {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const now = Date.now();
  return {
    quiet: { enabled: true, days: [0, 1, 2, 3, 4, 5, 6], start: hhmm(now - 3_600_000), end: hhmm(now + 3_600_000), tz: 'UTC' },
    allow_mentions: true, allow_urgent: true, sound: true, ...over,
  };
}

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('the permission prompt explains itself first and asks nothing until its button is pressed', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const A = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { init: RECORD_NOTIFICATIONS });
    t.teardown(() => A.context.close());
    await A.page.waitForSelector('.notify-prompt');
    t.equal(await A.page.evaluate(() => Notification.permission), 'default', 'the browser was not asked');
    t.match(await A.page.textContent('.notify-prompt'), /开启桌面通知/, 'the banner says what it is for');
    await A.page.screenshot({ path: `${SHOTS}/notify-prompt.png` });
    await A.page.click('.notify-prompt button:not(.primary)');
    await A.page.waitForSelector('.notify-prompt', { state: 'detached' });
    await A.page.reload();
    await A.page.waitForSelector('.shell');
    t.equal(await A.page.locator('.notify-prompt').count(), 0, '以后再说 is remembered on this device');
    await A.page.click('a[href="#/settings/notify"]');
    await A.page.waitForSelector('.notify-settings .notify-prompt .notify-enable');
    t.pass('the settings view still offers it');

    const granted = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { permissions: ['notifications'] });
    t.teardown(() => granted.context.close());
    t.equal(await granted.page.locator('.notify-prompt').count(), 0, 'no prompt once notifications are allowed');
  });

  t.test('desktop notifications: raised for a conversation not on screen, not for the one open; title badge', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const cai = await makeUser(env.server, 'Cai');
    const withBob = await alice.api.call('conv.direct', { user_id: bob.user.id });
    const withCai = await alice.api.call('conv.direct', { user_id: cai.user.id });
    const A = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { permissions: ['notifications'], init: RECORD_NOTIFICATIONS });
    t.teardown(() => A.context.close());
    t.equal(await A.page.evaluate(() => Notification.permission), 'granted');

    await bob.api.call('msg.send', { conv_id: withBob.id, cmid: 'n1', body: { text: '明天开会' } });
    await A.page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length === 1);
    t.match(await notes(A.page), [{ title: 'Bob', body: 'Bob: 明天开会', silent: false, data: { conv_id: withBob.id, reason: 'normal' } }], 'one notification, with sound');
    await A.page.waitForFunction(() => document.title === '(1) Switchboard');
    t.pass('the title shows the unread count');
    await bob.api.call('msg.send', { conv_id: withBob.id, cmid: 'n2', body: { text: '十点' } });
    await cai.api.call('msg.send', { conv_id: withCai.id, cmid: 'c1', body: { text: '你好' } });
    await A.page.waitForFunction(() => document.title === '(3) Switchboard');
    t.pass('(3) across two conversations');
    await A.page.screenshot({ path: `${SHOTS}/notify-title-badge.png` });

    // The conversation open and the tab visible: nothing is raised for it, but another conversation still notifies.
    await A.page.click(`a.conv[data-conv="${withBob.id}"]`);
    await A.page.waitForFunction(() => document.title === '(1) Switchboard');
    t.pass('read: only Cai\'s message is left in the title');
    const before = (await notes(A.page)).length;
    await bob.api.call('msg.send', { conv_id: withBob.id, cmid: 'n3', body: { text: '在看' } });
    await A.page.locator('.bubble', { hasText: '在看' }).waitFor();
    await cai.api.call('msg.send', { conv_id: withCai.id, cmid: 'c2', body: { text: '在吗' } });
    await A.page.waitForFunction((n) => (window as unknown as { __notes: unknown[] }).__notes.length === n + 1, before);
    const after = (await notes(A.page)).slice(before);
    t.same(after.map((n) => n.title), ['Cai'], 'only the conversation not on screen notified');

    // Muted: silent. Sound off: a silent notification.
    await alice.api.call('conv.mute', { conv_id: withCai.id, muted: true });
    await alice.api.call('notify.set', { ...quietNow(), quiet: { ...quietNow().quiet, enabled: false }, sound: false });
    await A.page.waitForFunction(() => document.title === '(1) Switchboard' || document.title === 'Switchboard');
    await cai.api.call('msg.send', { conv_id: withCai.id, cmid: 'c3', body: { text: '静音了吗' } });
    await A.page.click('.tabs a[href="#/favourites"]');
    await bob.api.call('msg.send', { conv_id: withBob.id, cmid: 'n4', body: { text: '不响' } });
    await A.page.waitForFunction((n) => (window as unknown as { __notes: unknown[] }).__notes.length === n + 2, before);
    const last = (await notes(A.page)).slice(-1)[0]!;
    t.match(last, { title: 'Bob', body: 'Bob: 不响', silent: true }, 'Bob\'s arrives silently; the muted conversation raised nothing');
  });

  t.test('quiet hours: nothing raised, except a mention while mentions break through', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const g = await bob.api.call('conv.group', { title: '值班', member_ids: [alice.user.id] });
    const A = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { permissions: ['notifications'], init: RECORD_NOTIFICATIONS });
    t.teardown(() => A.context.close());

    // Quiet hours set on the settings screen of this device, with the current hour inside them.
    const q = quietNow();
    await A.page.click('a[href="#/settings/notify"]');
    await A.page.check('.notify-form input[name=quiet]');
    for (const d of [0, 6]) await A.page.check(`.notify-form input[name=day${d}]`);
    await A.page.fill('.notify-form input[name=start]', q.quiet.start);
    await A.page.fill('.notify-form input[name=end]', q.quiet.end);
    await A.page.fill('.notify-form input[name=tz]', 'UTC');
    await A.page.screenshot({ path: `${SHOTS}/notify-settings.png`, fullPage: true });
    await A.page.click('.notify-form button[type=submit]');
    await A.page.locator('.save-status', { hasText: '已保存' }).waitFor();
    t.same(await alice.api.call('notify.get'), q, 'saved at the server, every weekday, through the form');

    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'q1', body: { text: '普通消息' } });
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'q2', body: { text: '@Alice 请看一下告警' } });
    await A.page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length >= 1);
    await waitFor(async () => (await A.page.evaluate(() => document.title)) === '(2) Switchboard', 5000, 'both arrived');
    t.match(await notes(A.page), [{ title: '值班', body: 'Bob: @Alice 请看一下告警', data: { reason: 'mention' } }],
      'only the mention broke through (the plain message before it raised nothing)');

    // Mentions may no longer break through: set on another device, learned here by event.
    await alice.api.call('notify.set', { ...q, allow_mentions: false });
    await A.page.waitForFunction(() => !(document.querySelector('.notify-form input[name=mentions]') as HTMLInputElement | null)?.checked);
    t.pass('the settings screen follows the other device');
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'q3', body: { text: '@Alice 再看一下' } });
    await alice.api.call('notify.set', { ...q, quiet: { ...q.quiet, enabled: false } });
    await A.page.waitForFunction(() => !(document.querySelector('.notify-form input[name=quiet]') as HTMLInputElement | null)?.checked);
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'q4', body: { text: '下班了' } });
    await A.page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length === 2);
    t.same((await notes(A.page)).map((n) => n.body), ['Bob: @Alice 请看一下告警', 'Bob: 下班了'], 'the mention in quiet hours stayed silent; after them, messages notify again');
  });

  t.test('urgent (紧急): marked in the composer, tagged in the bubble, breaking through quiet hours where allowed', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const g = await bob.api.call('conv.group', { title: '机房', member_ids: [alice.user.id] });
    await alice.api.call('notify.set', quietNow());
    const A = await signInPage(env.browser, env.server.url, alice.user.account, alice.password, { permissions: ['notifications'], init: RECORD_NOTIFICATIONS });
    const B = await signInPage(env.browser, env.server.url, bob.user.account, bob.password);
    t.teardown(async () => { await A.context.close(); await B.context.close(); });

    await B.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, g.id);
    await B.page.waitForSelector('.chat .composer-input');
    await B.page.fill('.chat .composer-input', '普通提醒');
    await B.page.keyboard.press('Enter');
    await B.page.click('.composer .urgent-toggle');
    t.equal(await B.page.getAttribute('.composer .urgent-toggle', 'aria-pressed'), 'true', 'the toggle is on');
    await B.page.fill('.chat .composer-input', '服务器宕机，请马上处理');
    await B.page.screenshot({ path: `${SHOTS}/urgent-composer.png` });
    await B.page.keyboard.press('Enter');
    t.equal(await B.page.getAttribute('.composer .urgent-toggle', 'aria-pressed'), 'false', 'and off again after one message');

    await A.page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length >= 1, null, { timeout: 15_000 });
    await waitFor(async () => (await A.page.evaluate(() => document.title)) === '(2) Switchboard', 5000, 'both arrived');
    t.match(await notes(A.page), [{ title: '机房', body: 'Bob: 服务器宕机，请马上处理', data: { reason: 'urgent' } }], 'only the urgent one broke through the quiet hours');
    const history = await alice.api.call('msg.history', { conv_id: g.id });
    t.same(history.messages.filter((m) => m.kind === 'text').map((m) => ('text' in m.body ? m.body.urgent ?? false : false)), [false, true], 'stored as urgent, the first one not');

    await A.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, g.id);
    await A.page.waitForSelector('.msg .urgent-tag');
    t.equal(await A.page.locator('.msg .urgent-tag').count(), 1, 'the urgent message is tagged 紧急');
    await A.page.screenshot({ path: `${SHOTS}/urgent-bubble.png` });

    await alice.api.call('notify.set', quietNow({ allow_urgent: false }));
    await A.page.evaluate(() => { location.hash = '#/chats'; });
    await bob.api.call('msg.send', { conv_id: g.id, cmid: 'u2', body: { text: '又宕机了', urgent: true } });
    await waitFor(async () => (await A.page.evaluate(() => document.title)) === '(1) Switchboard', 5000, 'it arrived');
    t.equal((await notes(A.page)).length, 1, 'with urgent breakthrough turned off, it stays silent too');
  });
}
