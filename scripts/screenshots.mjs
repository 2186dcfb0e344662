// Screenshots of the HTML report for the README: the top of the page (verdict and fix-first list)
// at desktop and phone width, and the pictures ("At a glance") at desktop width.
//
//   npm run build && node scripts/screenshots.mjs [--report REPORT.json] [--out docs]
//
// Without --report it runs the built `demo` (the embedded lab) and shoots the report.html it wrote;
// with --report it renders that JSON report with the built HTML renderer. It uses the system
// Chromium (/usr/bin/chromium); the Korean source lines need a Hangul font (Debian: fonts-noto-cjk).
// Every request but the report itself is aborted, so the pictures show what a reader offline sees.
// It prints the page height at each width (the figure issue 18 compares).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { report: { type: 'string' }, out: { type: 'string', default: join(root, 'docs') } },
});
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

async function reportHtml() {
  if (values.report) {
    const { renderHtml } = await import(join(root, 'dist', 'src', 'report', 'html.js'));
    return renderHtml(JSON.parse(readFileSync(resolve(values.report), 'utf8')));
  }
  const out = mkdtempSync(join(tmpdir(), 'mra-screenshots-demo-'));
  try {
    execFileSync(process.execPath, [cli, 'demo', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return readFileSync(join(out, 'report.html'), 'utf8');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const SHOTS = [
  { file: 'report-desktop.png', viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, maxHeight: 1400 },
  {
    file: 'report-phone.png',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    maxHeight: 1700,
    isMobile: true,
  },
  // The three pictures, from the "At a glance" heading down.
  {
    file: 'report-pictures.png',
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
    from: '#glance',
    until: '#summary',
  },
];
const URL = 'http://report.invalid/report.html';

const html = await reportHtml();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  mkdirSync(values.out, { recursive: true });
  for (const shot of SHOTS) {
    const context = await browser.newContext({
      viewport: shot.viewport,
      deviceScaleFactor: shot.deviceScaleFactor,
      isMobile: shot.isMobile ?? false,
    });
    const page = await context.newPage();
    await page.route('**/*', (route) =>
      route.request().url() === URL
        ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
        : route.abort(),
    );
    await page.goto(URL, { waitUntil: 'load' });
    const pageHeight = await page.evaluate('document.documentElement.scrollHeight');
    let clip;
    if (shot.from) {
      // Browser-side code as a string: this script runs in Node, where document is not defined.
      const [top, bottom] = await page.evaluate(
        `[${JSON.stringify(shot.from)}, ${JSON.stringify(shot.until)}].map((selector) => document.querySelector(selector).getBoundingClientRect().top + window.scrollY)`,
      );
      clip = { x: 0, y: top - 8, width: shot.viewport.width, height: bottom - top };
    } else {
      clip = { x: 0, y: 0, width: shot.viewport.width, height: Math.min(shot.maxHeight, pageHeight) };
    }
    const path = join(values.out, shot.file);
    await page.screenshot({ path, fullPage: true, clip });
    process.stdout.write(`wrote ${path} (page height ${pageHeight} px at ${shot.viewport.width} px)\n`);
    await context.close();
  }
} finally {
  await browser.close();
}
