import t from 'tap';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/**
 * 登录授权 across two browsers: with approval of new devices required, a second browser's sign-in waits, the first
 * browser (already signed in) is asked and approves, and the second one is in. A refusal sends it back.
 */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('a new browser waits until my signed-in browser approves it; a refused one goes back to sign-in', async (t) => {
    const zhou = await makeUser(env.server, '周七');
    const office = await signInPage(env.browser, env.server.url, zhou.user.account, zhou.password);
    t.teardown(() => office.context.close());
    await env.server.admin.call('admin.loginPolicy.set', { scope: 'org', target_id: 1, approval: 'new_device' });
    t.teardown(() => env.server.admin.call('admin.loginPolicy.delete', { scope: 'org', target_id: 1 }));

    const laptop = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    t.teardown(() => laptop.close());
    const page = await laptop.newPage();
    await page.goto(env.server.url);
    await page.fill('input[name=account]', zhou.user.account);
    await page.fill('input[name=password]', zhou.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('form.signin[data-step=approval]', { timeout: 15_000 });
    t.match(await page.textContent('.waiting-approval'), /需要批准/, 'the new browser says it waits for approval');

    await office.page.waitForSelector('.device-approval .modal', { timeout: 15_000 });
    t.match(await office.page.textContent('.device-approval'), /新设备登录请求[\s\S]*Chrome · Linux/, 'the signed-in browser is asked, naming the device');
    await office.page.screenshot({ path: `${SHOTS}/device-approval-ask.png` });
    await office.page.click('.device-approval button.approve');
    await page.waitForSelector('.shell', { timeout: 20_000 });
    t.pass('approved: the new browser is in');
    await office.page.waitForSelector('.device-approval', { state: 'detached', timeout: 15_000 });
    t.pass('and the question is gone');

    // Signed out and in again, the approved browser needs no approval.
    await page.evaluate(() => { localStorage.removeItem('sb.token'); });
    await page.reload();
    await page.fill('input[name=account]', zhou.user.account);
    await page.fill('input[name=password]', zhou.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.shell', { timeout: 15_000 });
    t.pass('the same browser signs in directly next time');

    const stranger = await env.browser.newContext({ viewport: { width: 1100, height: 760 } });
    t.teardown(() => stranger.close());
    const other = await stranger.newPage();
    await other.goto(env.server.url);
    await other.fill('input[name=account]', zhou.user.account);
    await other.fill('input[name=password]', zhou.password);
    await other.click('button[type=submit]');
    await other.waitForSelector('form.signin[data-step=approval]', { timeout: 15_000 });
    await office.page.waitForSelector('.device-approval .modal', { timeout: 15_000 });
    await office.page.click('.device-approval button.deny');
    await other.waitForFunction(() => /被拒绝/.test(document.querySelector('.form-error')?.textContent ?? ''), null, { timeout: 20_000 });
    t.equal(await other.getAttribute('form.signin', 'data-step'), 'credentials', 'refused: back at the sign-in form, with the reason');
  });
}
