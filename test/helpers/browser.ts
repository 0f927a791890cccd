import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import type { Test } from 'tap';
import { startServer, type TestServer } from './server.js';

/** Debian's Chromium (installed with apt); nothing downloads a browser. */
export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Opens the web client in a fresh context (its own storage, like another device) and signs in. */
export async function signInPage(browser: Browser, url: string, account: string, password: string, opts: {
  lang?: 'zh' | 'en'; viewport?: { width: number; height: number };
  /** Browser permissions granted to the page's origin, e.g. ['notifications']. */
  permissions?: string[];
  /** A script run in the page before its own (to observe browser APIs). */
  init?: string;
  /** A phone: touch events and a mobile viewport (with `viewport`, e.g. 360 px wide). */
  touch?: boolean;
} = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1100, height: 760 }, ...(opts.touch ? { hasTouch: true, isMobile: true } : {}) });
  if (opts.permissions) await context.grantPermissions(opts.permissions, { origin: new URL(url).origin });
  if (opts.init) await context.addInitScript(opts.init);
  const page = await context.newPage();
  page.on('pageerror', (e) => { process.stderr.write(`[page error] ${e.message}\n`); });
  if (opts.lang) await context.addInitScript((l) => { if (!localStorage.getItem('sb.lang')) localStorage.setItem('sb.lang', l); }, opts.lang);
  await page.goto(url);
  await page.fill('input[name=account]', account);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell');
  await page.waitForFunction(() => document.body.dataset.connection === 'online');
  return { context, page };
}

/** A browser test file's all-in-one server and Chromium: started before its tests, stopped after them. */
export function browserFixture(t: Test): { server: TestServer; browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser };
  t.before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  t.teardown(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
