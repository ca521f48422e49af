import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runReport } from '../../src/run-report.js';
import { contrastRatio } from '../support/contrast.js';
import { setTestStatus } from '../support/edit-results.js';
import { copyFixture, createTempDirs, FIXED_NOW, FULL_RUN_ROOT } from '../support/fixtures.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
const WEBSOCKET_RESULTS = ['packages', 'websocket', 'reports', 'test.json'];
const SLOW_CONSUMER = 'ProductionIssue14_SlowConsumer';

describe('the generated dashboard in a browser', () => {
  const temp = createTempDirs();
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    // Three runs over two commits, so the page has a trend, a new failure and a flaky test to show.
    const root = copyFixture(FULL_RUN_ROOT, temp.make('repo'));
    const options = { root, out: join(root, 'site'), historyDir: temp.make('history') };
    runReport({
      ...options,
      commit: '1111111111111111111111111111111111111111',
      now: () => new Date(FIXED_NOW.getTime() - 7_200_000),
    });
    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'passed');
    runReport({
      ...options,
      commit: '2222222222222222222222222222222222222222',
      now: () => new Date(FIXED_NOW.getTime() - 3_600_000),
    });
    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'failed');
    const { files } = runReport({
      ...options,
      commit: '3333333333333333333333333333333333333333',
      now: () => FIXED_NOW,
    });
    url = pathToFileURL(files.html).href;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    temp.cleanup();
  });

  async function open(
    options: { javaScriptEnabled?: boolean } = {},
  ): Promise<{ page: Page; requests: string[]; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      ...options,
    });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(url);
    return { page, requests, errors, close: () => context.close() };
  }

  const visibleFindingIds = (page: Page): Promise<string[]> =>
    page.$$eval('tbody.finding', (bodies) =>
      bodies
        .filter((b) => (b as HTMLElement).offsetParent !== null)
        .map((b) => b.id.replace('finding-', '')),
    );

  it('loads nothing but the file itself and runs without errors', async () => {
    const { page, requests, errors, close } = await open();
    await page.click('#toggle-details');
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    await close();
  });

  it('lists all 19 findings, each with a status', async () => {
    const { page, close } = await open();
    const rows = await page.$$eval('tbody.finding', (bodies) =>
      bodies.map((b) => [
        b.id,
        b.querySelector('.badge.status')?.textContent ?? '',
        b.getAttribute('data-status'),
      ]),
    );
    expect(rows.map(([id]) => id)).toEqual(
      Array.from({ length: 19 }, (_, i) => `finding-${String(i + 1).padStart(2, '0')}`),
    );
    for (const [, label] of rows)
      expect(['Resolved', 'Regressed', 'Untested', 'Open', 'False positive']).toContain(label);
    expect(rows.find(([id]) => id === 'finding-14')?.slice(1)).toEqual(['Regressed', 'regressed']);
    expect(rows.find(([id]) => id === 'finding-16')?.slice(1)).toEqual(['Untested', 'untested']);
    expect(await page.textContent('#filter-count')).toBe('Showing 19 of 19 findings');
    await close();
  });

  it('hides and shows rows with the status, package and severity filters', async () => {
    const { page, close } = await open();
    await page.selectOption('#filter-status', 'regressed');
    expect(await visibleFindingIds(page)).toEqual(['14']);
    expect(await page.textContent('#filter-count')).toBe('Showing 1 of 19 findings');

    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-severity', 'critical');
    expect(await visibleFindingIds(page)).toEqual(['05', '06', '17']);

    await page.selectOption('#filter-package', '@chatbox/storage');
    expect(await visibleFindingIds(page)).toEqual([]);
    expect(await page.isVisible('#no-match')).toBe(true);

    await page.click('button[type=reset]');
    await page.waitForFunction(
      () => document.getElementById('filter-count')?.textContent === 'Showing 19 of 19 findings',
    );
    expect(await visibleFindingIds(page)).toHaveLength(19);
    expect(await page.isVisible('#no-match')).toBe(false);

    await page.click('.total-untested a');
    expect(await visibleFindingIds(page)).toEqual(['16']);
    await close();
  });

  it('shows every finding and its status with JavaScript off, without the filters', async () => {
    const { page, close } = await open({ javaScriptEnabled: false });
    expect(await visibleFindingIds(page)).toHaveLength(19);
    expect(await page.isVisible('#filters')).toBe(false);
    expect(
      await page.$$eval(
        '.badge.status',
        (badges) => badges.filter((b) => (b as HTMLElement).offsetParent !== null).length,
      ),
    ).toBe(19);
    await close();
  });

  it('passes an accessibility smoke check: landmarks, heading order, badge contrast', async () => {
    const { page, close } = await open();
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('header.masthead').count()).toBe(1);
    const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (headings) =>
      headings.map((h) => Number(h.tagName.slice(1))),
    );
    expect(levels[0]).toBe(1);
    expect(levels.filter((level) => level === 1)).toHaveLength(1);
    levels.forEach((level, i) => {
      if (i > 0) expect(level - levels[i - 1]!).toBeLessThanOrEqual(1);
    });
    const unlabelled = await page.$$eval(
      'select, svg[role=img]',
      (els) =>
        els.filter((el) =>
          el.tagName === 'SELECT'
            ? (el as HTMLSelectElement).labels.length === 0
            : !el.getAttribute('aria-label'),
        ).length,
    );
    expect(unlabelled).toBe(0);

    await page.click('#toggle-details');
    const colours = await page.$$eval('.badge, .flag', (els) =>
      els.map((el) => {
        const style = getComputedStyle(el);
        return {
          text: el.textContent ?? '',
          color: style.color,
          background: style.backgroundColor,
        };
      }),
    );
    expect(colours.length).toBeGreaterThan(40);
    const weak = colours
      .map((c) => ({ ...c, ratio: contrastRatio(c.color, c.background) }))
      .filter((c) => c.ratio < 4.5);
    expect(weak).toEqual([]);
    await close();
  });

  it('hides the filters when printed', async () => {
    const { page, close } = await open();
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#filters')).toBe(false);
    expect(await visibleFindingIds(page)).toHaveLength(19);
    await close();
  });

  it('saves a screenshot of the page with the regressed finding open', async () => {
    const { page, close } = await open();
    await page.click('#finding-14 summary');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, 'findings-report.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(50_000);
    await close();
  });
});
