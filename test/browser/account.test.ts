import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/**
 * 账号与安全 as a person uses it: two browsers signed in as one person; in one, the device list shows both with
 * this one marked, and 下线 on the other sends that browser back to the sign-in page. Then a password change:
 * a wrong current password is named, a mismatch is caught, and the right one signs the other devices out.
 */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('my devices: the other browser is listed and signed out with 下线', async (t) => {
    const zhang = await makeUser(env.server, '张三');
    const office = await signInPage(env.browser, env.server.url, zhang.user.account, zhang.password);
    const laptop = await signInPage(env.browser, env.server.url, zhang.user.account, zhang.password);
    t.teardown(async () => { await office.context.close(); await laptop.context.close(); });

    await office.page.click('a[href="#/settings/account"]');
    await office.page.waitForSelector('.device-list .device >> nth=2', { timeout: 15_000 });
    const devices = office.page.locator('.device-list .device');
    t.equal(await devices.count(), 3, 'the two browsers and the session makeUser opened');
    t.equal(await office.page.locator('.device .this-device').count(), 1, 'one is marked 本机');
    t.match(await devices.first().textContent(), /本机/, 'this device comes first');
    t.match(await devices.first().locator('.device-name').textContent(), /^Chrome · Linux · 网页版/, 'named by browser and system, not by the raw user agent');
    t.equal(await devices.first().locator('button.sign-out-device').count(), 0, 'this device has no 下线 button');
    await office.page.screenshot({ path: `${SHOTS}/account-devices.png` });

    const laptopSession = await laptop.page.evaluate(async () => {
      const r = await fetch('/api/v1/me/sessions', { headers: { authorization: `Bearer ${localStorage.getItem('sb.token')}` } });
      return ((await r.json()) as { id: string; current: boolean }[]).find((s) => s.current)!.id;
    });
    await office.page.click(`.device[data-session="${laptopSession}"] button.sign-out-device`);
    t.match(await office.page.textContent('.modal'), /退出登录/, 'it asks first');
    await office.page.click('.modal button.confirm');
    await office.page.waitForFunction(() => document.querySelectorAll('.device-list .device').length === 2, null, { timeout: 15_000 });
    t.match(await office.page.textContent('.my-devices [role=status]'), /已下线/, 'and says it is done');
    await laptop.page.waitForSelector('form.signin', { timeout: 15_000 });
    t.pass('the signed-out browser is back at the sign-in page');
    t.equal(await laptop.page.evaluate(() => localStorage.getItem('sb.token')), null, 'and has forgotten its token');
  });

  t.test('change password: wrong current password, mismatch, then success signs other devices out', async (t) => {
    const li = await makeUser(env.server, '李四');
    const A = await signInPage(env.browser, env.server.url, li.user.account, li.password, { lang: 'en' });
    t.teardown(() => A.context.close());
    await A.page.goto(`${env.server.url}/#/settings/account`);
    await A.page.waitForSelector('form.password-form');
    const status = () => A.page.textContent('.password-form [role=status]');

    await A.page.fill('input[name=current]', 'not-my-password');
    await A.page.fill('input[name=new]', 'a-new-passphrase');
    await A.page.fill('input[name=again]', 'a-new-passphrase');
    await A.page.click('.password-form button[type=submit]');
    await A.page.waitForFunction(() => /wrong/.test(document.querySelector('.password-form [role=status]')?.textContent ?? ''), null, { timeout: 15_000 });
    t.match(await status(), /current password is wrong/, 'a wrong current password is named');

    await A.page.fill('input[name=current]', li.password);
    await A.page.fill('input[name=again]', 'a-different-one');
    await A.page.click('.password-form button[type=submit]');
    t.match(await status(), /differ/, 'a mismatch is caught before asking the server');

    await A.page.fill('input[name=again]', 'a-new-passphrase');
    await A.page.click('.password-form button[type=submit]');
    await A.page.waitForFunction(() => /signed out/.test(document.querySelector('.password-form [role=status]')?.textContent ?? ''), null, { timeout: 15_000 });
    t.equal(await A.page.inputValue('input[name=current]'), '', 'the form is emptied');
    await A.page.waitForFunction(() => document.querySelectorAll('.device-list .device').length === 1, null, { timeout: 15_000 });
    t.pass('the device list is down to this browser');
    await A.page.screenshot({ path: `${SHOTS}/account-password.png` });
    await t.rejects(li.api.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'the other session really ended');
    t.ok((await new ApiClient(env.server.url).call('auth.login', { account: li.user.account, password: 'a-new-passphrase' })).token, 'the new password signs in');
  });

  t.test('at phone width the header keeps its five buttons and the screen fits 360 px', async (t) => {
    const wang = await makeUser(env.server, '王五');
    const P = await signInPage(env.browser, env.server.url, wang.user.account, wang.password, { viewport: { width: 360, height: 640 } });
    t.teardown(() => P.context.close());
    const overflow = () => P.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    t.equal(await overflow(), 0, 'the chat list with the shield in its header fits');
    await P.page.click('a[href="#/settings/account"]');
    await P.page.waitForSelector('.device-list .device');
    t.equal(await overflow(), 0, 'the account screen fits');
    t.ok(await P.page.isVisible('.account-security .back'), 'with a way back');
  });
}
