import t from 'tap';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? (await import('node:os')).tmpdir();

/** 文件 in a conversation's info: the files sent there, newest first, each downloaded with a click. */
if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('the conversation info lists its files and downloads one', async (t) => {
    const sun = await makeUser(env.server, '孙三');
    const li = await makeUser(env.server, '李四');
    const direct = await sun.api.call('conv.direct', { user_id: li.user.id });
    for (const [i, name] of ['合同.pdf', '报价.xlsx'].entries()) {
      const file = await sun.api.upload(name, 'application/octet-stream', new TextEncoder().encode(`file ${i}`));
      await sun.api.call('msg.send', { conv_id: direct.id, cmid: `bl-${i}`, body: { file_id: file.id } });
    }
    const L = await signInPage(env.browser, env.server.url, li.user.account, li.password);
    t.teardown(() => L.context.close());
    await L.page.evaluate((id) => { location.hash = `#/chat/${id}/info`; }, direct.id);
    await L.page.waitForSelector('.conv-files .file-row >> nth=1', { timeout: 15_000 });
    t.same(await L.page.locator('.conv-files .file-name').allTextContents(), ['📄 报价.xlsx', '📄 合同.pdf'], 'newest first');
    t.match(await L.page.textContent('.conv-files .file-row'), /孙三/, 'with who sent it');
    await L.page.screenshot({ path: `${SHOTS}/conversation-files.png` });
    const [file] = await Promise.all([L.page.waitForEvent('download'), L.page.click('.conv-files .file-name >> nth=1')]);
    t.equal(file.suggestedFilename(), '合同.pdf', 'a click downloads it');
  });
}
