import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmRequest } from '@chatbox/llm';
import { startFaultProxy } from '@chatbox/testkit';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { adminHeaders, http, startApp } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
const SHORT_REPLY =
  'Hello! This is the chatbox demo model. Replies stream in as they are written, a few characters at a time.';
const LONG_REPLY = Array.from(
  { length: 60 },
  (_, i) =>
    `Paragraph ${i + 1}: a long demo reply keeps streaming so that the Stop button has something to stop.`,
).join(' ');

function reply(request: LlmRequest): string {
  const last = request.messages.at(-1)?.content ?? '';
  return last.includes('long') ? LONG_REPLY : SHORT_REPLY;
}

const assistantBodies = (page: Page) => page.locator('.msg.assistant .body');

/** Waits until the last element matching `selector` has `attribute` = `value` (or its text, with attribute 'text'). */
async function until(
  page: Page,
  selector: string,
  attribute: string,
  value: string,
  timeout = 10_000,
): Promise<void> {
  await page.waitForFunction(
    ([sel, attr, expected]) => {
      const all = document.querySelectorAll(sel);
      const el = all[all.length - 1];
      if (el === undefined) return false;
      return attr === 'text'
        ? (el.textContent ?? '').includes(expected)
        : el.getAttribute(attr) === expected;
    },
    [selector, attribute, value] as const,
    { timeout },
  );
}

// The chat page in a real browser (Debian Chromium through playwright-core) against a real server.
describe('chat page in Chromium', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    running = await startApp({}, { llm: createDemoProvider({ delayMs: 40, chunkSize: 6, reply }) });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('connects with the token from the fragment, which never reaches the server or stays in the URL', async () => {
    const token = await running.token('browser-user');
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${running.baseUrl}/#token=${token}`);
    await until(page, '#status', 'data-state', 'online').catch(async () => {
      throw new Error(
        `not connected: ${await page.locator('#status').textContent()} ${pageErrors.join('; ')}`,
      );
    });
    expect(await page.locator('#status').textContent()).toBe('Connected');
    expect(page.url()).toBe(`${running.baseUrl}/`);
    expect(requested.some((url) => url.includes(token))).toBe(false);
  });

  it('sends a message and shows the reply streaming, labelled as the demo model', async () => {
    await page.locator('#input').fill('hello there');
    await page.locator('#input').press('Enter');
    await until(page, '.msg.user .body', 'text', 'hello there');
    // Streaming: the text grows before it completes.
    await page.waitForFunction(() => {
      const body = document.querySelector('.msg.assistant[data-status="streaming"] .body');
      return body !== null && (body.textContent ?? '').length > 0;
    });
    await until(page, '.msg.assistant', 'data-status', 'complete', 15_000);
    expect(await assistantBodies(page).last().textContent()).toBe(SHORT_REPLY);
    expect(await page.locator('#demo-badge').isVisible()).toBe(true);
    expect(await page.locator('.msg.assistant .who').last().textContent()).toBe('Assistant · demo');
  });

  it('stops a long reply with the Stop button', async () => {
    await page.locator('#input').fill('tell me something long');
    await page.locator('#send').click();
    await page.waitForFunction(
      () =>
        (document.querySelector('.msg.assistant:last-child .body')?.textContent ?? '').length > 60,
      undefined,
      { timeout: 10_000 },
    );
    await page.screenshot({ path: `${OUTPUT_DIR}chat-page-streaming.png` });
    expect(await page.locator('#stop').isVisible()).toBe(true);
    await page.locator('#stop').click();
    await until(page, '.msg.assistant', 'data-status', 'cancelled', 5_000);
    const stoppedAt = (await assistantBodies(page).last().textContent()) ?? '';
    await page.waitForTimeout(400);
    expect(await assistantBodies(page).last().textContent()).toBe(stoppedAt);
    expect(stoppedAt.length).toBeLessThan(LONG_REPLY.length);
    expect(LONG_REPLY.startsWith(stoppedAt)).toBe(true);
    expect(await page.locator('#stop').isHidden()).toBe(true);

    // The server agrees: the reply is stored cancelled, with exactly the text the page shows.
    const admin = await running.token('root', ['admin']);
    const sessions = await http<{ sessions: { id: string }[] }>(
      running.baseUrl,
      '/chat/admin/sessions?userId=browser-user',
      { headers: adminHeaders(admin) },
    );
    const detail = await http<{ messages: { role: string; status: string; content: string }[] }>(
      running.baseUrl,
      `/chat/admin/sessions/${sessions.body.sessions[0]!.id}`,
      { headers: adminHeaders(admin) },
    );
    const stored = detail.body.messages.at(-1)!;
    expect(stored).toMatchObject({ role: 'assistant', status: 'cancelled' });
    expect(stored.content).toBe(stoppedAt);
    await page.screenshot({ path: `${OUTPUT_DIR}chat-page.png` });
  });

  it('reconnects after a network drop and resumes the conversation, nothing repeated', async () => {
    // A real drop: the page reaches the server through a TCP proxy that resets every connection.
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: running.port });
    const tab = await browser.newPage({ viewport: { width: 900, height: 760 } });
    try {
      await tab.goto(
        `http://127.0.0.1:${proxy.port}/#token=${await running.token('roaming-user')}`,
      );
      await until(tab, '#status', 'data-state', 'online');
      await tab.locator('#input').fill('a long reply, please');
      await tab.locator('#send').click();
      await tab.waitForFunction(
        () =>
          (document.querySelector('.msg.assistant:last-child .body')?.textContent ?? '').length >
          30,
        undefined,
        {
          timeout: 10_000,
        },
      );
      const before = await tab.locator('.msg').count();
      proxy.setMode({ kind: 'reset' });
      await until(tab, '#status', 'data-state', 'offline');
      proxy.setMode({ kind: 'pass' });
      await until(tab, '#status', 'data-state', 'online', 15_000);
      // R9 stopped the reply when its reader vanished; the resume shows it once, as interrupted.
      await until(tab, '.msg.assistant', 'data-status', 'interrupted');
      expect(await tab.locator('.msg').count()).toBe(before);
      const shown = (await assistantBodies(tab).last().textContent()) ?? '';
      expect(shown.length).toBeGreaterThan(30);
      expect(LONG_REPLY.startsWith(shown)).toBe(true);
      // The conversation goes on in the same session.
      await tab.locator('#input').fill('hello again');
      await tab.locator('#input').press('Enter');
      await until(tab, '.msg.assistant', 'data-status', 'complete', 15_000);
      expect(await tab.locator('.msg').count()).toBe(before + 2);
      await tab.screenshot({ path: `${OUTPUT_DIR}chat-page-resumed.png` });
    } finally {
      await tab.close();
      await proxy.close();
    }
  });

  it('shows errors in plain words with their code', async () => {
    await page.locator('#input').fill('x'.repeat(20));
    await page.evaluate(() => {
      // Past the page's own limit: the server refuses it and the page says so.
      const input = document.querySelector<HTMLTextAreaElement>('#input')!;
      input.removeAttribute('maxlength');
      input.value = 'y'.repeat(16_001);
    });
    await page.locator('#send').click();
    await until(page, '#notice', 'text', 'That message is too long');
    expect(await page.locator('#notice small').textContent()).toContain('code too_long');
    await until(page, '.msg.user', 'data-status', 'failed');
    await page.screenshot({ path: `${OUTPUT_DIR}chat-page-error.png` });
    expect(pageErrors).toEqual([]);
  });

  it('starts a new chat: the old session ends on the server and the page reconnects quietly', async () => {
    const admin = await running.token('root', ['admin']);
    const list = () =>
      http<{ sessions: { id: string; isActive: boolean }[] }>(
        running.baseUrl,
        '/chat/admin/sessions?userId=browser-user',
        { headers: adminHeaders(admin) },
      );
    const [old] = (await list()).body.sessions;
    expect(old?.isActive).toBe(true);
    await page.locator('#new-chat').click();
    expect(await page.locator('.msg').count()).toBe(0);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    await until(page, '#status', 'data-state', 'online');
    expect(await page.locator('#notice').isHidden()).toBe(true);
    await page.locator('#input').fill('hello, new conversation');
    await page.locator('#input').press('Enter');
    await until(page, '.msg.assistant', 'data-status', 'complete', 15_000);
    const sessions = (await list()).body.sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.id === old!.id)?.isActive).toBe(false);
  });

  it('works on a phone-sized screen', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await phone.goto(`${running.baseUrl}/#token=${await running.token('phone-user')}`);
      await until(phone, '#status', 'data-state', 'online');
      await phone.locator('#input').fill('hello from a phone');
      await phone.locator('#send').tap();
      await until(phone, '.msg.assistant', 'data-status', 'complete', 15_000);
      const overflow = await phone.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBe(0);
      const send = await phone.locator('#send').boundingBox();
      expect(send!.height).toBeGreaterThanOrEqual(44);
      expect(send!.y + send!.height).toBeLessThanOrEqual(844);
      await phone.screenshot({ path: `${OUTPUT_DIR}chat-page-phone.png` });
    } finally {
      await phone.close();
    }
  });
});
