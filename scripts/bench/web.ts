import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { startDemo } from '../web-demo.js';
import { log } from './common.js';

/**
 * The web client's weight and speed: bytes of JavaScript shipped (gzipped as
 * the relay serves them) and the time to the first usable screen, measured in
 * Debian's Chromium against a local all-in-one server.
 */
const CONSOLE = 'relay/web/dist/console.js';

/** Milliseconds from navigation start to the app's performance mark. */
const mark = (p: Page, name: string) => p.evaluate((n) => Math.round(performance.getEntriesByName(n)[0]?.startTime ?? -1), name);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runWeb(opts: { runs: number }): Promise<Record<string, unknown>> {
  const demo = await startDemo();
  const browser = await chromium.launch({ executablePath: process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    // Weight: every script the page loads, gzipped the way the relay gzips it.
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = new Map<string, Buffer>();
    const other = new Map<string, Buffer>();
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/api/') || res.status() !== 200) return;
      void res.body().then((b) => (url.pathname.endsWith('.js') ? scripts : other).set(url.pathname, b), () => {});
    });
    await page.goto(demo.url);
    await page.waitForSelector('form.signin');
    await page.waitForTimeout(300);
    await context.close();
    const sum = (m: Map<string, Buffer>, gz: boolean) => [...m.values()].reduce((a, b) => a + (gz ? gzipSync(b).length : b.length), 0);
    // lazy.js (the screens opened now and then) is prefetched when the browser is idle: weighed apart from the first screen.
    const lazy = new Map([...scripts].filter(([path]) => path.endsWith('/lazy.js')));
    for (const path of lazy.keys()) scripts.delete(path);

    // Time to a usable sign-in screen, cold (new context: no HTTP cache, no storage).
    const signIn: number[] = [];
    const firstList: number[] = [];
    const reopenCached: number[] = [];
    const reopenOnline: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      let t0 = Date.now();
      await p.goto(demo.url);
      await p.waitForSelector('form.signin input[name=account]');
      signIn.push(await mark(p, 'sb:signin'));
      await p.fill('input[name=account]', 'liwei');
      await p.fill('input[name=password]', demo.password);
      t0 = Date.now();
      await p.click('button[type=submit]');
      await p.waitForSelector('.conv');
      firstList.push(Date.now() - t0);
      await p.waitForFunction(() => document.body.dataset.connection === 'online');
      await p.waitForTimeout(1200); // the IndexedDB snapshot is written shortly after changes
      // Reopen: conversation list from the IndexedDB cache, then live.
      t0 = Date.now();
      await p.reload();
      await p.waitForSelector('.conv');
      reopenCached.push(await mark(p, 'sb:list'));
      await p.waitForFunction(() => document.body.dataset.connection === 'online');
      reopenOnline.push(await p.evaluate(() => Math.round(performance.now())));
      await ctx.close();
      log(`web run ${i + 1}/${opts.runs}`);
    }
    return {
      bench: 'web',
      js_files: scripts.size,
      js_bytes: sum(scripts, false),
      js_gzip_bytes: sum(scripts, true),
      css_html_gzip_bytes: sum(other, true),
      lazy_js_gzip_bytes_prefetched: sum(lazy, true),
      // Not in js_gzip_bytes: loaded only when an administrator opens the console (scripts/web-bundle.ts).
      console_js_gzip_bytes: existsSync(CONSOLE) ? gzipSync(readFileSync(CONSOLE)).length : null,
      runs: opts.runs,
      signin_usable_ms_median: median(signIn),
      first_list_after_signin_ms_median: median(firstList),
      reopen_list_from_cache_ms_median: median(reopenCached),
      reopen_online_ms_median: median(reopenOnline),
    };
  } finally {
    await browser.close();
    await demo.stop();
  }
}
