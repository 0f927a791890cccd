import t from 'tap';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { makeUser } from '../helpers/server.js';
import { browserFixture, chromiumAvailable, signInPage } from '../helpers/browser.js';

const SHOTS = process.env.SWITCHBOARD_SHOTS ?? '';

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

if (!chromiumAvailable()) {
  t.fail('Chromium is missing at /usr/bin/chromium (apt-get install chromium)');
} else {
  const env = browserFixture(t);

  t.test('a pasted image is sent, shown inline at its shape for the other person, and opens in the viewer', async (t) => {
    const alice = await makeUser(env.server, 'Alice');
    const bob = await makeUser(env.server, 'Bob');
    const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
    await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'hello', body: { text: '看看这张图' } });
    const A = await signInPage(env.browser, env.server.url, alice.user.account, alice.password);
    const B = await signInPage(env.browser, env.server.url, bob.user.account, bob.password);
    t.teardown(() => Promise.all([A.context.close(), B.context.close()]).then(() => {}));
    await A.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, conv.id);
    await B.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, conv.id);
    await A.page.waitForSelector('.chat .composer-input');

    const png = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .composite([{ input: Buffer.from('<svg width="1600" height="900"><rect x="200" y="150" width="1200" height="600" fill="#fc3"/></svg>') }]).png().toBuffer();
    // What a screenshot pasted from the clipboard looks like to the page: a paste event carrying one PNG file.
    await A.page.focus('.composer-input');
    await A.page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      document.querySelector('.composer-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png.toString('base64'));
    t.equal(await A.page.inputValue('.composer-input'), '', 'nothing pasted as text');

    await B.page.waitForSelector('.messages .image-msg img');
    const box = await B.page.locator('.messages .image-msg').boundingBox();
    t.ok(box && Math.abs(box.width / box.height - 16 / 9) < 0.03, `inline at the image's aspect ratio (${box?.width}×${box?.height})`);
    t.ok(box && box.width <= 240, 'within the inline box');
    const thumb = await B.page.locator('.messages .image-msg img').evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight, done: img.complete }));
    t.match(thumb, { w: 320, h: 180, done: true }, 'the thumbnail, not the original');
    await A.page.waitForSelector('.messages .msg.mine .image-msg img');
    t.equal(await A.page.locator('.messages .upload').count(), 0, 'no upload left in progress for the sender');
    await shot(B.page, 'image-inline');

    await B.page.click('.messages .image-msg');
    await B.page.waitForSelector('.image-viewer img.full');
    const full = await B.page.locator('.image-viewer img.full').evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    t.same(full, { w: 1600, h: 900 }, 'the viewer shows the full image');
    t.equal(await B.page.getAttribute('.image-viewer', 'role'), 'dialog');
    await shot(B.page, 'image-viewer');
    await B.page.keyboard.press('Escape');
    await B.page.waitForSelector('.image-viewer', { state: 'detached' });
    t.pass('Esc closes the viewer');
  });

  t.test('a file an administrator\'s rule refuses is not sent, and the sender is told why', async (t) => {
    const carol = await makeUser(env.server, 'Carol');
    const dave = await makeUser(env.server, 'Dave');
    const person = await env.server.admin.call('admin.dir.person.create', { account: carol.user.account, name: 'Carol' });
    await env.server.admin.call('admin.filePolicy.set', { scope: 'person', target_id: person.id, blocked: ['exe'], max_bytes: 2048 });
    const conv = await carol.api.call('conv.direct', { user_id: dave.user.id });
    await carol.api.call('msg.send', { conv_id: conv.id, cmid: 'c0', body: { text: '文件来了' } });
    const C = await signInPage(env.browser, env.server.url, carol.user.account, carol.password);
    t.teardown(() => C.context.close());
    await C.page.evaluate((id) => { location.hash = `#/chat/${id}`; }, conv.id);
    await C.page.waitForSelector('.chat .composer-input');
    // Dropped onto the conversation, as from the desktop.
    await C.page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(64)], 'setup.exe', { type: 'application/octet-stream' }));
      dt.items.add(new File([new Uint8Array(5000)], 'big.txt', { type: 'text/plain' }));
      const target = document.querySelector('.messages')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await C.page.waitForSelector('.msg.failed >> text=setup.exe');
    await C.page.waitForSelector('.msg.failed >> text=big.txt');
    const texts = await C.page.locator('.msg.failed .bubble').allInnerTexts();
    t.ok(texts.some((x) => x === '“setup.exe”未发送：管理员不允许发送这类文件（exe）'), texts.join(' | '));
    t.ok(texts.some((x) => x === '“big.txt”未发送：管理员规定文件不能超过 2 KB'), texts.join(' | '));
    t.equal((await carol.api.call('msg.history', { conv_id: conv.id })).messages.filter((m) => m.kind === 'file').length, 0, 'nothing was sent');
    await shot(C.page, 'file-refused');
  });
}
