import t from 'tap';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/** 正在输入 as two people see it: one types in the composer, the other's header says so until the message arrives. */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('typing shows in the other person\'s header, and goes when the message arrives', async (t) => {
    const zhao = await makeUser(env.server, '赵一');
    const qian = await makeUser(env.server, '钱二');
    const conv = await zhao.api.call('conv.direct', { user_id: qian.user.id });
    const Z = await signInPage(env.browser, env.server.url, zhao.user.account, zhao.password);
    const Q = await signInPage(env.browser, env.server.url, qian.user.account, qian.password);
    t.teardown(async () => { await Z.context.close(); await Q.context.close(); });
    for (const p of [Z.page, Q.page]) {
      await p.evaluate((id) => { location.hash = `#/chat/${id}`; }, conv.id);
      await p.waitForSelector('.chat .composer-input');
    }
    await Z.page.type('.chat .composer-input', '马上到');
    await Q.page.waitForSelector('.chat-head .sub.typing', { timeout: 15_000 });
    t.match(await Q.page.textContent('.chat-head .sub.typing'), /正在输入/, 'the other person sees 对方正在输入…');
    await Q.page.screenshot({ path: `${SHOTS}/typing.png` });
    t.equal(await Z.page.locator('.chat-head .sub.typing').count(), 0, 'the typist does not see it about themselves');
    await Z.page.keyboard.press('Enter');
    await Q.page.waitForSelector('.chat-head .sub.typing', { state: 'detached', timeout: 15_000 });
    t.pass('the hint goes when the message arrives');
  });
}
