import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import { summarize } from '../../src/engine/summary.js';
import type { Finding, Report } from '../../src/engine/types.js';
import { CARDS_PER_RULE, escapeHtml, LINKS_PER_FIX, renderHtml, verdictOf } from '../../src/report/html.js';
import { launchChromium, openReport, type Browser } from './browser.js';
import { loadReport, printable } from './fixtures.js';

const sample = loadReport('sample');
const clean = loadReport('clean');
const RESULTS = join(import.meta.dirname, '..', '..', 'test-results');
const ASSETS = join(PACKAGE_ROOT, 'src', 'report', 'html');

/** The report with other findings, summarised as the engine would. */
function withFindings(report: Report, findings: Finding[]): Report {
  return { ...report, findings, summary: summarize(findings) };
}

/** A report with `count` failing MRA endpoints on one profile (issue 21's worst case, scaled). */
function manyFailures(count: number): Report {
  const template = sample.findings.find((finding) => finding.ruleId === 'MRA-CUCM-006' && finding.status === 'fail')!;
  const phones: Finding[] = Array.from({ length: count }, (_, index) => ({
    ...template,
    target: `phone SEP${index.toString(16).toUpperCase().padStart(12, '0')}`,
    fingerprint: index.toString(16).padStart(32, 'f'),
  }));
  return withFindings(sample, [...sample.findings, ...phones]);
}

const nonPass = (report: Report): Finding[] => report.findings.filter((finding) => finding.status !== 'pass');

describe('renderHtml (markup)', () => {
  const html = renderHtml(sample);

  it('never emits a payload from the report as markup, in the page or in its pictures', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('</pre><script>');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<svg\b/g)).toHaveLength(3);
    expect(html.match(/<svg class="pic" id="(trust-map|dns-views|expiry)-svg"/g)).toHaveLength(3);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // No event handler attribute anywhere (attribute values, which may quote markup as text, blanked).
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son[a-z]+=/i);
  });

  it('inlines report.css and report.js from the package and allows exactly them by their sha256 hashes', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(script).toBe(readFileSync(join(ASSETS, 'report.js'), 'utf8'));
    expect(style).toBe(readFileSync(join(ASSETS, 'report.css'), 'utf8'));
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/\sstyle="/);
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

  it('says how many findings are new, unchanged and fixed since the baseline, only when there is one', () => {
    const { baseline } = sample.summary;
    expect(html).toContain(
      `${baseline!.new} new since baseline, ${baseline!.unchanged} unchanged, ${baseline!.fixed} fixed`,
    );
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
    expect(renderHtml(clean)).toContain('>READY</div><span class="reason">no failures</span>');
    expect(html).toContain(`>NOT READY</div><span class="reason">${sample.summary.verdictReason}</span>`);
  });

  it('lists failures before passes within a rule, and passes of a rule collapsed into one line', () => {
    const rule = html.slice(
      html.indexOf('id="rule-MRA-CERT-003"'),
      html.indexOf('</section>', html.indexOf('id="rule-MRA-CERT-003"')),
    );
    const statuses = [...rule.matchAll(/data-status="(\w+)"/g)].map((match) => match[1]);
    expect(statuses.indexOf('pass')).toBeGreaterThan(statuses.lastIndexOf('fail'));
    expect(statuses.indexOf('pass')).toBeGreaterThan(statuses.lastIndexOf('skipped'));
    expect(rule).toMatch(
      /<details class="passes"><summary><span class="ok" aria-hidden="true">✔<\/span> 2 passes<\/summary>/,
    );
    // A rule that only passed is one closed <details> line.
    expect(html).toMatch(
      /<details class="rule passes" id="rule-MRA-DNS-004"[^>]*><summary>.*1 pass<\/span><\/summary>/,
    );
  });

  it('links only inside the page, plus the rules https documentation; loads nothing', () => {
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    // Tags only: escaped text may quote "src=" (a hostile SRV target), attribute values are blanked.
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\ssrc=/i);
    expect(html).not.toMatch(/url\(/i);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
    const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1]!);
    expect(hrefs.length).toBeGreaterThan(50);
    for (const href of hrefs) {
      if (href.startsWith('#')) expect(ids.has(decodeURIComponent(href.slice(1))), href).toBe(true);
      else expect(href).toMatch(/^https:\/\/www\.cisco\.com\//);
    }
  });

  it('gives every finding a permalink id from its fingerprint, and never links a non-https help URI', () => {
    for (const finding of sample.findings) expect(html).toContain(`id="f-${finding.fingerprint}"`);
    const rules = sample.rules.map((rule) => ({ ...rule, helpUri: 'javascript:alert(7)' }));
    const page = renderHtml({ ...sample, rules });
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain('mra-preflight explain MRA-DNS-001');
  });

  it('escapes even the fields a renderer could take for granted, when a report read back from a file lies', () => {
    const lie = '"><img src=x onerror=alert(8)>';
    const forged = sample.findings.map((finding, index) =>
      index === 0
        ? ({ ...finding, status: lie, severity: lie, area: 'dns', baselineState: lie } as unknown as Finding)
        : finding,
    );
    const page = renderHtml({ ...sample, findings: forged });
    expect(page).not.toContain('<img');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(8)&gt;');
  });

  it('shows a fix group of 50,000 phones as counts and the first findings; the rest are in the JSON report', () => {
    const report = manyFailures(50_000);
    const page = renderHtml(report, { jsonReport: 'report.json' });
    const cards = page.match(/<article class="finding /g)?.length ?? 0;
    expect(cards).toBeLessThanOrEqual(report.findings.length - 50_000 + CARDS_PER_RULE + LINKS_PER_FIX);
    // The profile's own finding, the sample's phone and 50,000 more: one item.
    expect(page).toContain('resolves 50,002 failures');
    expect(page).toMatch(/and 49,9\d\d more \(every one is in report\.json\)/);
    expect(page).toMatch(/49,9\d\d more MRA-CUCM-006 findings are not shown here; every finding is in report\.json/);
    expect(page.length).toBeLessThan(2_000_000);
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

  it('loads without console errors or network requests, runs no payload, and renders every non-pass finding', async () => {
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
        expect(element, finding.fingerprint).toMatchObject({
          status: finding.status,
          target: printable(finding.target),
          message: printable(finding.message),
          evidence: printable(JSON.stringify(finding.evidence, null, 2)),
        });
      }
      // Non-pass findings are cards on the page; passes wait, collapsed, one line per rule.
      expect(await page.locator('article.finding:visible').count()).toBe(nonPass(sample).length);
      const injected = {
        images: await page.locator('img').count(),
        bold: await page.locator('b').count(),
        scripts: await page.locator('script').count(),
        svgs: await page.locator('svg').count(),
        foreignSvgs: await page.locator('svg:not(.pic)').count(),
      };
      expect(injected).toEqual({ images: 0, bold: 0, scripts: 1, svgs: 3, foreignSvgs: 0 });
      // The hostile names are text inside the pictures, drawn, not run.
      expect(await page.locator('#dns-views-svg').textContent()).toContain('<img src=x onerror=alert(1)>');
      expect(await page.locator('#trust-map-svg title').allTextContents()).toContainEqual(
        expect.stringContaining('<script>alert(6)</script> Root'),
      );
      await page.locator('article.finding:visible details').first().locator('summary').click();
      expect(await page.locator('article.finding:visible details').first().locator('pre').isVisible()).toBe(true);

      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'report-desktop.png'), fullPage: true });
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('gives every picture an accessible name and every drawn group a title', async () => {
    const { page } = await openReport(browser.context, renderHtml(sample));
    try {
      for (const name of [
        'Trust map of the MRA certificates',
        'DNS views: what each resolver answers for the names MRA looks up',
        'Certificate expiry timeline',
      ])
        expect(await page.getByRole('img', { name }).count(), name).toBe(1);
      // Browser-side code as a string: the test project compiles without the DOM library.
      const untitled = await page.evaluate(`Array.from(document.querySelectorAll('svg, svg g')).filter((element) => {
          const title = element.querySelector(':scope > title');
          return !title || title.textContent.trim() === '';
        }).length`);
      expect(untitled).toBe(0);
      // Each picture has its table beside it: the same facts without the drawing.
      expect(await page.locator('figure.picture details.as-table table').count()).toBe(3);
    } finally {
      await page.close();
    }
  });

  it('puts the fix-first list first on the screen of a desktop and of a phone', async () => {
    const { page } = await openReport(browser.context, renderHtml(sample));
    try {
      for (const viewport of [
        { width: 1400, height: 900 },
        { width: 390, height: 844 },
      ]) {
        await page.setViewportSize(viewport);
        await page.evaluate('window.scrollTo(0, 0)');
        const boxes = (await page.evaluate(`(() => {
          const top = (selector) => document.querySelector(selector).getBoundingClientRect().top;
          return {
            list: top('#fix-first'),
            firstItem: top('.fix'),
            others: ['.toc', '#glance', '#summary', 'section.area'].map(top),
          };
        })()`)) as { list: number; firstItem: number; others: number[] };
        expect(boxes.list, `${viewport.width}`).toBeLessThan(viewport.height / 4);
        expect(boxes.firstItem, `${viewport.width}`).toBeLessThan(viewport.height / 2);
        for (const other of boxes.others) expect(other).toBeGreaterThan(boxes.firstItem);
      }
    } finally {
      await page.close();
    }
  });

  it('opens a permalink to a pass or a rule explanation, collapsed on the page', async () => {
    const pass = sample.findings.find((finding) => finding.status === 'pass')!;
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    try {
      const card = page.locator(`#f-${pass.fingerprint}`);
      expect(await card.isVisible()).toBe(false);
      await page.evaluate(`window.location.hash = '#f-${pass.fingerprint}'`);
      await card.waitFor({ state: 'visible' });
      expect(await card.isVisible()).toBe(true);
      // From a failing finding to its rule's explanation: rationale, remediation and source.
      await page.locator('article.finding.st-fail a[href="#explain-MRA-CERT-003"]').first().click();
      const doc = page.locator('#explain-MRA-CERT-003');
      await doc.locator('.source').waitFor({ state: 'visible' });
      expect(await doc.textContent()).toContain('Why');
      expect(await doc.locator('.source').getAttribute('lang')).toBe('ko');
      // From a fix-first item to the findings it resolves.
      await page.locator('.fix a[href^="#f-"]').first().click();
      const target = (await page.evaluate('window.location.hash')) as string;
      expect(await page.locator(target).isVisible()).toBe(true);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('narrows the list by status, area, search and "new since baseline", passes included', async () => {
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
      // Case-insensitive, through the evidence inside closed <details>.
      await page.locator('#q').fill('NXDOMAIN');
      expect((await visible()).sort()).toEqual(
        expected((finding) =>
          JSON.stringify([finding.target, finding.message, finding.evidence]).toLowerCase().includes('nxdomain'),
        ),
      );

      // A search that matches a pass opens its collapsed line; markup is searched as text.
      await page.locator('#q').fill('10.1.1.10');
      expect((await visible()).sort()).toEqual(
        expected((finding) => JSON.stringify(finding.evidence).includes('10.1.1.10')),
      );
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
      expect((await visible()).sort()).toEqual(
        expected((finding) => finding.baselineState === 'new' && finding.status !== 'pass'),
      );
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fits a phone screen without sideways scrolling; the pictures scroll inside their frame', async () => {
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.locator('article.finding:visible details').first().locator('summary').click();
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const tableOverflow = await page.evaluate(
        "document.querySelector('.summary .table-wrap').scrollWidth - document.querySelector('.summary .table-wrap').clientWidth",
      );
      expect(tableOverflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(RESULTS, 'report-phone.png'), fullPage: true });
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('follows a dark colour scheme on screen, pictures included, and stays light on paper', async () => {
    const { page, consoleErrors } = await openReport(browser.context, renderHtml(sample));
    const background = (): Promise<unknown> => page.evaluate('getComputedStyle(document.body).backgroundColor');
    const ink = (): Promise<unknown> =>
      page.evaluate("getComputedStyle(document.querySelector('#trust-map-svg text.fqdn')).fill");
    try {
      await page.emulateMedia({ colorScheme: 'light' });
      const lightInk = await ink();
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await background()).toBe('rgb(12, 17, 29)');
      expect(await ink()).toBe('rgb(245, 245, 246)');
      expect(await ink()).not.toBe(lightInk);
      await page.screenshot({ path: join(RESULTS, 'report-dark.png') });
      await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
      expect(await background()).toBe('rgb(255, 255, 255)');
      expect(await ink()).toBe(lightInk);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('prints every finding with its evidence expanded, passes included, without the filter bar', async () => {
    const { page } = await openReport(browser.context, renderHtml(sample));
    try {
      await page.locator('#q').fill('no such thing anywhere');
      await page.emulateMedia({ media: 'print' });
      // Chromium fires beforeprint for page.pdf(); emulating print media alone does not.
      await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('article.finding:visible').count()).toBe(sample.findings.length);
      expect(await page.locator('article.finding pre:visible').count()).toBe(sample.findings.length);
      expect(await page.locator('svg.pic:visible').count()).toBe(3);
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

  it('shows every non-pass finding, the pictures, and no dead filter controls', async () => {
    const { page, requests, dialogs } = await openReport(browser.context, renderHtml(sample));
    try {
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('article.finding:visible').count()).toBe(nonPass(sample).length);
      expect(await page.locator('svg.pic:visible').count()).toBe(3);
      // The passes are one click away without a script: <details>.
      await page.locator('details.rule.passes summary').first().click();
      expect(await page.locator('details.rule.passes[open] article.finding:visible').count()).toBeGreaterThan(0);
      expect(requests).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
