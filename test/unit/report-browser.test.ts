import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { CHROMIUM, hasChromium, openInChromium } from '../helpers/browser.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

if (!hasChromium()) console.warn(`report-browser: skipped, no Chromium at ${CHROMIUM} (set CHROMIUM to another path)`);

describe.skipIf(!hasChromium())(`the report in Chromium (${CHROMIUM})`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamchaos-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the verdict, every check and four charts, runs no script from the run and loads nothing', async () => {
    const input = buildReportFixture({ hostile: true });
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(input));

    const view = await openInChromium(file, join(SCREENSHOTS, 'report-fixture.png'));

    expect(view.verdict).toBe('fail');
    expect(view.verdictText).toContain('FAIL');
    expect(view.verdictText).toContain(input.result.name);
    expect(view.verdictText).toContain('10 of 13 checks held · 2 failed · 1 warning');
    expect(view.checkRows).toBe(input.result.checks.length);
    expect(view.charts).toBe(4);
    expect(view.pwned).toBe(false);
    expect(view.requests).toEqual([]);
    expect(view.errors).toEqual([]);
  }, 60_000);

  it('prints: the print stylesheet renders the same content', async () => {
    const file = join(dir, 'report-print.html');
    await writeFile(file, renderHtml(buildReportFixture()));

    const view = await openInChromium(file, join(SCREENSHOTS, 'report-fixture-print.png'), { print: true, viewport: { width: 1000, height: 1400 } });

    expect(view.verdict).toBe('fail');
    expect(view.charts).toBe(4);
    expect(view.requests).toEqual([]);
  }, 60_000);
});
