import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/types.js';
import { REPORT_FILE_NAMES } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { launchChromium, openReport, type Browser } from './browser.js';
import { validateSarif } from './sarif-schema.js';

/** Issue 9's acceptance, on what `npm start` (the built demo) actually writes. */
describe('reports written by the demo', () => {
  let out: string;
  let report: Report;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mra-demo-reports-'));
    const result = await runCli(['demo', '--out', out], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    report = JSON.parse(readFileSync(join(out, REPORT_FILE_NAMES.json), 'utf8')) as Report;
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('writes report.html, report.json, report.sarif and report.junit.xml', () => {
    for (const name of ['report.html', 'report.json', 'report.sarif', 'report.junit.xml'])
      expect(existsSync(join(out, name)), name).toBe(true);
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('SARIF validates and has one result per non-pass finding', () => {
    const sarif = JSON.parse(readFileSync(join(out, REPORT_FILE_NAMES.sarif), 'utf8')) as {
      runs: Array<{ results: unknown[]; tool: { driver: { rules: unknown[] } } }>;
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs[0]!.results).toHaveLength(report.findings.filter((finding) => finding.status !== 'pass').length);
    expect(sarif.runs[0]!.tool.driver.rules).toHaveLength(report.rules.length);
  });

  it('JUnit parses and counts what the JSON counts', () => {
    const parser = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    });
    const junit = parser.parse(readFileSync(join(out, REPORT_FILE_NAMES.junit), 'utf8')) as {
      testsuites: {
        '@_tests': string;
        '@_failures': string;
        '@_errors': string;
        '@_skipped': string;
        testsuite: Array<{ testcase: unknown[] }>;
      };
    };
    const root = junit.testsuites;
    expect([root['@_tests'], root['@_failures'], root['@_errors'], root['@_skipped']].map(Number)).toEqual([
      report.findings.length,
      report.summary.fail,
      report.summary.inconclusive,
      report.summary.skipped,
    ]);
    expect(root.testsuite.reduce((sum, suite) => sum + suite.testcase.length, 0)).toBe(report.findings.length);
  });

  it('the HTML opens in Chromium with no console errors or requests, shows every finding, and its filter narrows the list', async () => {
    const { page, requests, consoleErrors, dialogs } = await openReport(
      browser.context,
      readFileSync(join(out, REPORT_FILE_NAMES.html), 'utf8'),
    );
    try {
      const fingerprints = await page
        .locator('article.finding:visible')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-fingerprint')));
      expect(fingerprints.sort()).toEqual(report.findings.map((finding) => finding.fingerprint).sort());
      await page.locator('#filters input[value=pass]').uncheck();
      expect(await page.locator('article.finding:visible').count()).toBe(report.findings.length - report.summary.pass);
      expect(report.summary.pass).toBeGreaterThan(0);
      expect(requests).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
