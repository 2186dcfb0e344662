import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Flags for a quiet, isolated headless Chromium that phones home to nobody. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The system Chromium with a throw-away profile (--user-data-dir via a persistent context). */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'mra-report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const REPORT_URL = 'http://report.invalid/report.html';

export interface OpenedReport {
  page: Page;
  /** Every request other than the report document itself (each one is aborted). */
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
}

/**
 * Opens `html` as a page. Every request goes through one route: the document is served from
 * memory, anything else is recorded and aborted, so a test sees an attempted request instead of
 * the network.
 */
export async function openReport(context: BrowserContext, html: string): Promise<OpenedReport> {
  const page = await context.newPage();
  const opened: OpenedReport = { page, requests: [], consoleErrors: [], dialogs: [] };
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === REPORT_URL) {
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    } else {
      opened.requests.push(url);
      await route.abort();
    }
  });
  page.on('request', (request) => {
    if (request.url() !== REPORT_URL && !opened.requests.includes(request.url())) opened.requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => opened.consoleErrors.push(error.message));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(REPORT_URL, { waitUntil: 'load' });
  return opened;
}
