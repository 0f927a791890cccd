import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium, type Page } from 'playwright-core';
import { startDemo } from './web-demo.js';

/**
 * Captures the web client's main screens at desktop and phone size into
 * docs/screenshots/. Uses Debian's Chromium; nothing downloads a browser.
 * Without CJK fonts the English UI is captured (Chinese would render as boxes).
 */
const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
let cjk = false;
try { cjk = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0; } catch { /* no fontconfig */ }
const lang = process.env.SCREENSHOT_LANG ?? (cjk ? 'zh' : 'en');
const out = 'docs/screenshots';
mkdirSync(out, { recursive: true });

const demo = await startDemo();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
try {
  for (const [size, viewport] of Object.entries(sizes)) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'light' });
    await context.addInitScript((l) => localStorage.setItem('sb.lang', l), lang);
    const page = await context.newPage();
    const shot = async (name: string) => { await page.waitForTimeout(150); await page.screenshot({ path: `${out}/${name}-${size}.png` }); };
    await page.goto(demo.url);
    await page.waitForSelector('form.signin');
    await page.fill('input[name=account]', 'liwei');
    await shot('sign-in');
    await page.fill('input[name=password]', demo.password);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.body.dataset.connection === 'online' && document.querySelectorAll('.conv').length >= 4);
    if (size === 'desktop') await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); });
    await shot('conversations');
    await goto(page, `#/chat/${demo.group.id}`, '.messages .bubble');
    await page.waitForFunction(() => document.querySelectorAll('.messages .bubble').length >= 5);
    await page.locator('.msg.mine .receipt summary').last().click();
    await shot('chat');
    await goto(page, `#/chat/${demo.group.id}/info`, '.group-info .member-list li');
    await shot('group-info');
    await goto(page, '#/directory', '.people .person-row');
    if (size === 'desktop') await goto(page, `#/directory/user/${demo.people.zhaolei!.id}`, '.person-card .card-name');
    await shot('directory');
    if (size === 'desktop') {
      await page.evaluate(() => { localStorage.setItem('sb.theme', 'dark'); document.documentElement.dataset.theme = 'dark'; });
      await goto(page, `#/chat/${demo.direct.id}`, '.messages .bubble');
      await shot('chat-dark');
    }
    await context.close();
  }
  process.stdout.write(`screenshots in ${out}/ (UI language: ${lang}; CJK fonts ${cjk ? 'present' : 'absent'})\n`);
} finally {
  await browser.close();
  await demo.stop();
}

async function goto(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForSelector(ready);
}
