import t from 'tap';
import type { Page } from 'playwright-core';
import { totpAt, totpStep } from '../../core/auth/totp.js';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/**
 * Sign-in with the password policy's steps, as a person meets them: a first sign-in with a generated password
 * asks for a new one (rules shown, a weak one refused in words), and two-step verification turned on in
 * 账号与安全 asks for the authenticator's code at the next sign-in.
 */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  const openSignIn = async (account: string, password: string): Promise<{ page: Page; close(): Promise<void> }> => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => { process.stderr.write(`[page error] ${e.message}\n`); });
    await page.goto(env.server.url);
    await page.fill('input[name=account]', account);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    return { page, close: () => context.close() };
  };

  t.test('first sign-in with a generated password: set my own, then I am in', async (t) => {
    const created = await env.server.admin.call('admin.users.create', { account: 'xin.tongshi', name: '新同事' });
    const { page, close } = await openSignIn('xin.tongshi', created.password!);
    t.teardown(close);
    await page.waitForSelector('form.signin[data-step=password]', { timeout: 15_000 });
    t.match(await page.textContent('form.signin'), /首次登录/, 'it says why');
    t.match(await page.textContent('#rules'), /至少 8 位/, 'and shows the rules');
    await page.fill('input[name=new]', 'alllowercaseletters');
    await page.fill('input[name=again]', 'alllowercaseletters');
    await page.click('form.signin button[type=submit]');
    await page.waitForFunction(() => /不符合密码策略/.test(document.querySelector('.form-error')?.textContent ?? ''), null, { timeout: 15_000 });
    t.pass('a weak password is refused in words');
    await page.screenshot({ path: `${SHOTS}/signin-new-password.png` });
    await page.fill('input[name=new]', 'my-own-choice-7');
    await page.fill('input[name=again]', 'my-own-choice-7');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('.shell', { timeout: 15_000 });
    t.pass('the new password finishes the sign-in');
    t.ok(await page.evaluate(() => localStorage.getItem('sb.token')), 'and the session is kept');
  });

  t.test('two-step verification: turned on in 账号与安全, asked for at the next sign-in', async (t) => {
    const wang = await makeUser(env.server, '王五');
    const A = await signInPage(env.browser, env.server.url, wang.user.account, wang.password);
    t.teardown(() => A.context.close());
    await A.page.goto(`${env.server.url}/#/settings/account`);
    await A.page.waitForSelector('form.second-factor[data-enabled=false]', { timeout: 15_000 });
    await A.page.click('button.enable-2fa');
    await A.page.fill('.second-factor input[name=current]', wang.password);
    await A.page.click('.second-factor button[type=submit]');
    const secret = await (await A.page.waitForSelector('.second-factor [data-secret]', { timeout: 15_000 })).getAttribute('data-secret');
    t.match(secret, /^[A-Z2-7]{32}$/, 'the key is shown to type into the phone');
    await A.page.screenshot({ path: `${SHOTS}/account-two-factor.png` });
    const step = totpStep(Date.now());
    await A.page.fill('.second-factor input[name=totp]', totpAt(secret!, step));
    await A.page.click('.second-factor button[type=submit]');
    await A.page.waitForSelector('form.second-factor[data-enabled=true]', { timeout: 15_000 });
    t.match(await A.page.textContent('.second-factor [role=status]'), /已开启/, 'it says it is on');

    const { page, close } = await openSignIn(wang.user.account, wang.password);
    t.teardown(close);
    await page.waitForSelector('form.signin[data-step=totp]', { timeout: 15_000 });
    t.pass('the password alone leads to the code');
    await page.fill('input[name=totp]', totpAt(secret!, step));
    await page.click('form.signin button[type=submit]');
    await page.waitForFunction(() => /不正确或已使用/.test(document.querySelector('.form-error')?.textContent ?? ''), null, { timeout: 15_000 });
    t.pass('the code already used is refused');
    await page.fill('input[name=totp]', totpAt(secret!, step + 1));
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('.shell', { timeout: 15_000 });
    t.pass('a fresh code signs in');
  });
}
