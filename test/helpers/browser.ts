import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's Chromium (or `$CHROMIUM`): the browser tests use it as installed, never a downloaded one. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Whether there is a Chromium to run the browser tests with. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** What a test needs to know about a report page as Chromium rendered it. */
export interface ReportView {
  title: string;
  /** Text of `#verdict`, whitespace collapsed. */
  verdictText: string;
  /** `data-verdict` of `#verdict`. */
  verdict: string | null;
  checkRows: number;
  charts: number;
  /** Whether any script on the page set `window.__pwned`. */
  pwned: boolean;
  /** Every request the page made other than for the report file itself: a self-contained report makes none. */
  requests: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

export interface OpenOptions {
  /** Viewport, CSS pixels (default a 1366×768 laptop). */
  viewport?: { width: number; height: number };
  /** Render with the print stylesheet. */
  print?: boolean;
}

/**
 * Opens a local HTML file in headless Chromium (no sandbox: the tests run as root), waits for
 * it to load, saves a full-page PNG screenshot to `screenshot` (creating its directory), and
 * returns what the page shows. The browser is always closed, also when something fails.
 */
export async function openInChromium(file: string, screenshot: string, options: OpenOptions = {}): Promise<ReportView> {
  const url = pathToFileURL(resolve(file)).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1366, height: 768 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    if (options.print === true) await page.emulateMedia({ media: 'print' });
    await page.goto(url, { waitUntil: 'load' });
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    const verdict = page.locator('#verdict');
    return {
      title: await page.title(),
      verdictText: ((await verdict.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      verdict: await verdict.getAttribute('data-verdict'),
      checkRows: await page.locator('tr.check').count(),
      charts: await page.locator('svg.chart').count(),
      pwned: await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned !== undefined),
      requests,
      errors,
    };
  } finally {
    await browser.close();
  }
}
