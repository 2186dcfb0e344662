import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../src/engine/summary.js';
import type { Finding, Report } from '../../src/engine/types.js';
import { escapeHtml, renderHtml, verdictOf } from '../../src/report/html.js';
import { launchChromium, openReport, type Browser } from './browser.js';
import { loadReport, printable } from './fixtures.js';

const sample = loadReport('sample');
const clean = loadReport('clean');
const RESULTS = join(import.meta.dirname, '..', '..', 'test-results');

/** The report with other findings, summarised as the engine would. */
function withFindings(report: Report, findings: Finding[]): Report {
  return { ...report, findings, summary: summarize(findings) };
}

describe('renderHtml (markup)', () => {
  const html = renderHtml(sample);

  it('never emits a payload from the report as markup', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('</pre><script>');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('allows its inline script and style only by their sha256 hashes', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it('escapes the five HTML-significant characters and strips control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\u0000\u0007</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('shows `code` spans of catalog remediation as code, still escaped', () => {
    const [first] = sample.findings;
    const rules = sample.rules.map((rule) =>
      rule.id === first!.ruleId
        ? {
            ...rule,
            remediation:
              'Publish `_cisco-uds._tcp.<domain>` and `<img src=x onerror=alert(1)>` in Cisco Unified CM Administration > System > Server.',
          }
        : rule,
    );
    const page = renderHtml({ ...withFindings(sample, [first!]), rules });
    expect(page).toContain(
      'Publish <code>_cisco-uds._tcp.&lt;domain&gt;</code> and <code>&lt;img src=x onerror=alert(1)&gt;</code> in Cisco Unified CM Administration &gt; System &gt; Server.',
    );
  });

  it('says how many findings are new since the baseline, only when there is one', () => {
    expect(html).toContain(`${sample.summary.baseline?.new} new since baseline`);
    expect(renderHtml(clean)).not.toContain('since baseline');
  });

  it("shows the engine's verdict: NOT READY, INCOMPLETE or READY with its reason", () => {
    expect(verdictOf(sample).verdict).toBe('NOT READY');
    expect(verdictOf(clean)).toEqual({ verdict: 'READY', reason: 'no failures' });
    const inconclusive = sample.findings.find((finding) => finding.status === 'inconclusive')!;
    const warningFail = sample.findings.find((finding) => finding.status === 'fail' && finding.severity === 'warning')!;
    expect(verdictOf(withFindings(clean, [...clean.findings, inconclusive])).verdict).toBe('INCOMPLETE');
    expect(verdictOf(withFindings(clean, [...clean.findings, warningFail])).verdict).toBe('READY');
    expect(verdictOf(withFindings(clean, [])).verdict).toBe('INCOMPLETE');
    const skipped = sample.findings.filter((finding) => finding.status === 'skipped');
    expect(verdictOf(withFindings(clean, skipped))).toEqual({
      verdict: 'INCOMPLETE',
      reason: 'nothing was judged in ntp, cucm',
    });
    expect(renderHtml(clean)).toContain('>READY</div>');
  });

  it('lists failures before passes within an area', () => {
    const dns = html.slice(html.indexOf('id="area-dns"'), html.indexOf('id="area-ntp"'));
    const statuses = [...dns.matchAll(/data-status="(\w+)"/g)].map((match) => match[1]);
    expect(statuses.indexOf('pass')).toBeGreaterThan(statuses.lastIndexOf('fail'));
    expect(statuses.indexOf('pass')).toBeGreaterThan(statuses.lastIndexOf('inconclusive'));
  });

  it('is one file: nothing refers to another resource', () => {
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
  });
});

describe('renderHtml in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads without console errors or network requests, runs no payload, and shows every finding', async () => {
    const { page, requests, consoleErrors, dialogs } = await openReport(browser.context, renderHtml(sample));
    try {
      expect(await page.title()).toContain('NOT READY');
      // The filter bar is shown by the script: it ran, so the CSP hash admitted it.
      await page.locator('#filters').waitFor({ state: 'visible' });
      expect(await page.locator('#shown').textContent()).toBe(
        `${sample.findings.length} of ${sample.findings.length} findings shown`,
      );

      const shown = await page.locator('article.finding').evaluateAll((elements) =>
        elements.map((element) => ({
          fingerprint: element.getAttribute('data-fingerprint'),
          status: element.getAttribute('data-status'),
          target: element.querySelector('.target')?.textContent,
          message: element.querySelector('.message')?.textContent,
          evidence: element.querySelector('pre')?.textContent,
        })),
      );
      expect(shown).toHaveLength(sample.findings.length);
      for (const finding of sample.findings) {
        const element = shown.find((item) => item.fingerprint === finding.fingerprint);
        expect(element, finding.fingerprint).toBeDefined();
        expect(element).toMatchObject({
          status: finding.status,
          target: printable(finding.target),
          message: printable(finding.message),
          evidence: printable(JSON.stringify(finding.evidence, null, 2)),
        });
      }
      expect(await page.locator('article.finding:visible').count()).toBe(sample.findings.length);
      const injected = {
        images: await page.locator('img').count(),
        svgs: await page.locator('svg').count(),
        bold: await page.locator('b').count(),
        scripts: await page.locator('script').count(),
      };
      expect(injected).toEqual({ images: 0, svgs: 0, bold: 0, scripts: 1 });
      await page.locator('article.finding details').first().locator('summary').click();
      expect(await page.locator('article.finding details').first().locator('pre').isVisible()).toBe(true);

      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'report-desktop.png'), fullPage: true });
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('narrows the list by status, area, search and "new since baseline"', async () => {
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    const visible = (): Promise<string[]> =>
      page
        .locator('article.finding:visible')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-fingerprint') ?? ''));
    const expected = (keep: (finding: Finding) => boolean): string[] =>
      sample.findings
        .filter(keep)
        .map((finding) => finding.fingerprint)
        .sort();
    try {
      for (const status of ['pass', 'inconclusive', 'skipped'] as const)
        await page.locator(`#filters input[value=${status}]`).uncheck();
      expect((await visible()).sort()).toEqual(expected((finding) => finding.status === 'fail'));
      expect(await page.locator('#shown').textContent()).toBe(
        `${sample.summary.fail} of ${sample.findings.length} findings shown`,
      );

      await page.locator('#area-filter').selectOption('ntp');
      expect((await visible()).sort()).toEqual(
        expected((finding) => finding.status === 'fail' && finding.area === 'ntp'),
      );
      expect(await page.locator('section.area:not([hidden])').count()).toBe(1);

      await page.locator('#area-filter').selectOption('');
      for (const status of ['pass', 'inconclusive', 'skipped'] as const)
        await page.locator(`#filters input[value=${status}]`).check();
      await page.locator('#q').fill('NXDOMAIN');
      expect(await visible()).toEqual(expected((finding) => JSON.stringify(finding).includes('NXDOMAIN')));
      expect(await visible()).toHaveLength(1);

      // Search reaches evidence inside closed <details> and treats markup as text.
      await page.locator('#q').fill('onerror=alert(1)');
      expect((await visible()).sort()).toEqual(
        expected(
          (finding) =>
            finding.target.includes('onerror=alert(1)') ||
            finding.message.includes('onerror=alert(1)') ||
            JSON.stringify(finding.evidence).includes('onerror=alert(1)'),
        ),
      );

      await page.locator('#q').fill('no such thing anywhere');
      expect(await visible()).toEqual([]);
      expect(await page.locator('#no-match').isVisible()).toBe(true);

      await page.locator('#q').fill('');
      await page.locator('#filters input[name=new-only]').check();
      expect((await visible()).sort()).toEqual(expected((finding) => finding.baselineState === 'new'));
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.locator('article.finding details').first().locator('summary').click();
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const tableOverflow = await page.evaluate(
        "document.querySelector('.table-wrap').scrollWidth - document.querySelector('.table-wrap').clientWidth",
      );
      expect(tableOverflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(RESULTS, 'report-phone.png'), fullPage: true });
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('follows a dark colour scheme on screen and stays light on paper', async () => {
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    const background = (): Promise<unknown> => page.evaluate('getComputedStyle(document.body).backgroundColor');
    try {
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await background()).toBe('rgb(12, 17, 29)');
      await page.screenshot({ path: join(RESULTS, 'report-dark.png') });
      await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
      expect(await background()).toBe('rgb(255, 255, 255)');
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('prints every finding with its evidence expanded and without the filter bar', async () => {
    const { page } = await openReport(browser.context, renderHtml(sample));
    try {
      await page.locator('#q').fill('no such thing anywhere');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('article.finding:visible').count()).toBe(sample.findings.length);
      expect(await page.locator('article.finding pre:visible').count()).toBe(sample.findings.length);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await page.close();
    }
  });
});

describe('renderHtml without JavaScript', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every finding and no dead filter controls', async () => {
    const { page, requests, dialogs } = await openReport(browser.context, renderHtml(sample));
    try {
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('article.finding:visible').count()).toBe(sample.findings.length);
      expect(requests).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
