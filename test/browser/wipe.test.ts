import t from 'tap';
import type { Page } from 'playwright-core';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

/**
 * 远程数据抹除 and 安全密码 in Chromium: a wipe order reaches a page that is online at once, and one that was offline when
 * it reconnects; either erases everything the client keeps (IndexedDB, Cache Storage, localStorage with the token and
 * the server address, the service worker) and acknowledges. A PIN checked on open wipes the page after the policy's
 * number of wrong entries.
 */
const kept = (page: Page) => page.evaluate(async () => ({
  databases: (await indexedDB.databases()).map((d) => d.name),
  local: Object.keys(localStorage),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
}));

/** The client has written everything it keeps: the snapshot, the service worker and its cache, the token. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'switchboard')
    && (await caches.keys()).length > 0 && (await navigator.serviceWorker.getRegistrations()).length > 0
    && localStorage.getItem('sb.token') !== null, null, { timeout: 20_000, polling: 200 });
}

const mySession = (page: Page) => page.evaluate(async () => {
  const r = await fetch('/api/v1/me/sessions', { headers: { authorization: `Bearer ${localStorage.getItem('sb.token')}` } });
  return ((await r.json()) as { id: string; current: boolean }[]).find((s) => s.current)!.id;
});

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('a wipe order empties the client: at once when online, on reconnecting when offline', async (t) => {
    const zhang = await makeUser(env.server, '张三');
    const online = await signInPage(env.browser, env.server.url, zhang.user.account, zhang.password);
    const away = await signInPage(env.browser, env.server.url, zhang.user.account, zhang.password);
    t.teardown(async () => { await online.context.close(); await away.context.close(); });
    await settled(online.page);
    await settled(away.page);
    const before = await kept(online.page);
    t.ok(before.databases.includes('switchboard') && before.local.includes('sb.server') && before.caches.length > 0 && before.workers > 0, 'the page keeps history, caches, a worker and the server address');

    // The person orders the wipe from the 账号与安全 screen of another browser.
    const office = await signInPage(env.browser, env.server.url, zhang.user.account, zhang.password);
    t.teardown(() => office.context.close());
    const target = await mySession(online.page);
    await office.page.click('a[href="#/settings/account"]');
    await office.page.click(`.device[data-session="${target}"] button.wipe-device`);
    t.match(await office.page.textContent('.modal'), /抹除/, 'it asks first');
    await office.page.click('.modal button.confirm');

    await online.page.waitForSelector('.wiped-notice', { timeout: 15_000 });
    t.match(await online.page.textContent('.wiped-notice'), /本机数据已抹除/, 'the wiped page says what happened');
    t.same(await kept(online.page), { databases: [], local: [], caches: [], workers: 0 }, 'IndexedDB, localStorage, caches and the service worker are gone');
    await office.page.waitForSelector(`.wipe-history .wipe[data-state="acknowledged"]`, { timeout: 15_000 });
    t.pass('the ordering browser sees the acknowledgement arrive');
    await online.page.click('.wiped-notice button');
    await online.page.waitForSelector('form.signin');
    t.equal(await online.page.inputValue('input[name=server]'), new URL(env.server.url).origin, 'then sign-in, the saved server address forgotten');

    // Offline when the order is given: it is obeyed on reconnecting.
    const awaySession = await mySession(away.page);
    await away.context.setOffline(true);
    await away.page.waitForFunction(() => document.body.dataset.connection !== 'online');
    const wipe = await zhang.api.call('devices.wipe', { session_id: awaySession });
    t.equal((await kept(away.page)).local.includes('sb.token'), true, 'while offline the page still holds its data');
    await away.context.setOffline(false);
    await away.page.waitForSelector('.wiped-notice', { timeout: 20_000 });
    t.same(await kept(away.page), { databases: [], local: [], caches: [], workers: 0 }, 'and on reconnecting erases it all');
    const orders = await zhang.api.call('devices.wipes');
    t.match(orders.find((w) => w.id === wipe.id), { state: 'acknowledged', reason: 'self' }, 'then acknowledges');
  });

  t.test('a PIN is asked on open, and the policy\'s number of wrong entries wipes the page', async (t) => {
    await env.server.admin.call('admin.devices.policy.set', { max_attempts: 3 });
    t.teardown(() => env.server.admin.call('admin.devices.policy.set', { max_attempts: 5 }));
    const li = await makeUser(env.server, '李四');
    await li.api.call('devices.pin.set', { pin: '2468' });
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.fill('input[name=account]', li.user.account);
    await page.fill('input[name=password]', li.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.pin-lock');
    t.match(await page.textContent('.pin-lock'), /连续输错 3 次/, 'the lock names the policy');
    await page.fill('input[name=pin]', '2468');
    await page.click('.pin-lock button[type=submit]');
    await page.waitForSelector('.shell');
    await page.waitForFunction(() => document.body.dataset.connection === 'online');
    await settled(page);
    t.ok(await page.evaluate(() => localStorage.getItem(`sb.pin.${localStorage.getItem('sb.uid')}`) !== null), 'this device now knows how to check the PIN itself');

    await page.reload();
    await page.waitForSelector('.pin-lock');
    t.equal(await page.locator('.shell').count(), 0, 'reopened, nothing shows before the PIN');
    for (const [wrong, left] of [['0000', 2], ['1111', 1]] as const) {
      await page.fill('input[name=pin]', wrong);
      await page.click('.pin-lock button[type=submit]');
      await page.waitForFunction((n) => document.querySelector('.pin-lock [role=alert]')?.textContent?.includes(`还可尝试 ${n} 次`), left);
    }
    await page.reload();
    await page.waitForSelector('.pin-lock');
    await page.fill('input[name=pin]', '9999');
    await page.click('.pin-lock button[type=submit]');
    await page.waitForSelector('.wiped-notice', { timeout: 15_000 });
    t.pass('the third wrong entry in a row, across a reload, wipes the page');
    t.same(await kept(page), { databases: [], local: [], caches: [], workers: 0 }, 'everything it kept is gone');
    const orders = await li.api.call('devices.wipes');
    t.match(orders, [{ reason: 'pin', state: 'acknowledged', ordered_by: li.user.id }], 'the server was told and the order acknowledged');
    t.equal((await li.api.call('devices.pin.verify', { pin: '2468' })).ok, true, 'the PIN itself stays; other devices go on');
  });

  t.test('with the policy requiring a PIN, a person without one sets it before the app opens', async (t) => {
    await env.server.admin.call('admin.devices.policy.set', { require_pin: true });
    t.teardown(() => env.server.admin.call('admin.devices.policy.set', { require_pin: false }));
    const wang = await makeUser(env.server, '王五');
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.fill('input[name=account]', wang.user.account);
    await page.fill('input[name=password]', wang.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.pin-setup');
    t.equal(await page.locator('.shell').count(), 0, 'nothing of the app shows first');
    await page.fill('.pin-setup input[name=pin]', '12');
    await page.fill('.pin-setup input[name=again]', '12');
    await page.click('.pin-setup button[type=submit]');
    t.match(await page.textContent('.pin-setup [role=alert]'), /4–12 位数字/, 'a PIN too short is named');
    await page.fill('.pin-setup input[name=pin]', '135790');
    await page.fill('.pin-setup input[name=again]', '135790');
    await page.click('.pin-setup button[type=submit]');
    await page.waitForSelector('.shell');
    t.match(await wang.api.call('devices.pin'), { set: true, required: true }, 'the server holds it');
    t.equal((await wang.api.call('devices.pin.verify', { pin: '135790' })).ok, true);
    await page.reload();
    await page.waitForSelector('.pin-lock');
    await page.fill('input[name=pin]', '135790');
    await page.click('.pin-lock button[type=submit]');
    await page.waitForSelector('.shell');
    t.pass('and asks for it when the app opens again');
    await page.click('a[href="#/settings/account"]');
    await page.waitForSelector('.pin-form');
    t.equal(await page.locator('.pin-form button.remove-pin').count(), 0, 'a required PIN offers no removal');
  });
}
