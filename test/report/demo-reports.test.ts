import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsGate } from '../../src/engine/summary.js';
import type { Report } from '../../src/engine/types.js';
import { REPORT_FILE_NAMES } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { launchChromium, openReport, type Browser, type OpenedReport } from './browser.js';
import { validateSarif } from './sarif-schema.js';

/** Issues 9 and 18's acceptance, on what `npm start` (the built demo scanning the embedded lab) writes. */
describe('reports written by the demo', () => {
  let out: string;
  let report: Report;
  let html: string;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mra-demo-reports-'));
    const result = await runCli(['demo', '--out', out], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    report = JSON.parse(readFileSync(join(out, REPORT_FILE_NAMES.json), 'utf8')) as Report;
    html = readFileSync(join(out, REPORT_FILE_NAMES.html), 'utf8');
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the demo's HTML at a viewport; the page is closed by the caller. */
  async function open(viewport = { width: 1400, height: 900 }): Promise<OpenedReport> {
    const opened = await openReport(browser.context, html);
    await opened.page.setViewportSize(viewport);
    return opened;
  }

  it('writes report.html, report.json, report.sarif and report.junit.xml', () => {
    for (const name of ['report.html', 'report.json', 'report.sarif', 'report.junit.xml'])
      expect(existsSync(join(out, name)), name).toBe(true);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.summary.verdict).toBe('not-ready');
  });

  it('SARIF validates, has one result per non-pass finding, the verdict, and no absolute file URI', () => {
    const text = readFileSync(join(out, REPORT_FILE_NAMES.sarif), 'utf8');
    const sarif = JSON.parse(text) as {
      runs: Array<{
        results: Array<{
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }>;
        }>;
        tool: { driver: { rules: Array<{ helpUri: string }> } };
        properties: { verdict: string };
      }>;
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const [run] = sarif.runs;
    expect(run!.results).toHaveLength(report.findings.filter((finding) => finding.status !== 'pass').length);
    expect(run!.tool.driver.rules).toHaveLength(report.rules.length);
    expect(run!.tool.driver.rules.every((rule) => rule.helpUri.startsWith('https://'))).toBe(true);
    expect(run!.properties.verdict).toBe(report.summary.verdict);
    expect(text).not.toContain('file://');
    expect(text).not.toContain(report.inventory.source);
    for (const result of run!.results)
      expect(result.locations[0]!.physicalLocation.artifactLocation).toMatchObject({
        uri: 'mra-preflight.yaml',
        uriBaseId: 'INVENTORYROOT',
      });
  });

  it('JUnit parses, has one testcase per finding, and fails exactly the findings that fail the gate', () => {
    const parser = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    });
    const junit = parser.parse(readFileSync(join(out, REPORT_FILE_NAMES.junit), 'utf8')) as {
      testsuites: {
        '@_tests': string;
        '@_failures': string;
        '@_skipped': string;
        testsuite: Array<{
          testcase: unknown[];
          properties: { property: Array<{ '@_name': string; '@_value': string }> };
        }>;
      };
    };
    const root = junit.testsuites;
    const failing = report.findings.filter((finding) => failsGate(finding)).length;
    expect([root['@_tests'], root['@_failures'], root['@_skipped']].map(Number)).toEqual([
      report.findings.length,
      failing,
      report.findings.filter((finding) => finding.status !== 'pass').length - failing,
    ]);
    // Errors fail the gate; the demo's warning failures do not (issue 18: 19 red where 12 failed the gate).
    expect(failing).toBe(report.summary.bySeverity.error.fail);
    expect(failing).toBeLessThan(report.summary.fail);
    expect(root.testsuite.reduce((sum, suite) => sum + suite.testcase.length, 0)).toBe(report.findings.length);
    expect(root.testsuite[0]!.properties.property).toContainEqual({ '@_name': 'verdict', '@_value': 'not-ready' });
  });

  it('the HTML opens in Chromium with no console errors or requests, and the fix-first list comes first at 1400x900 and 390x844', async () => {
    for (const viewport of [
      { width: 1400, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const { page, requests, consoleErrors, dialogs } = await open(viewport);
      try {
        // Browser-side code as a string: the test project compiles without the DOM library.
        const layout = (await page.evaluate(`(() => {
          const top = (element) => (element ? element.getBoundingClientRect().top : Infinity);
          const first = document.querySelector('#fix-first .fix');
          return {
            heading: top(document.querySelector('#fix-first h2')),
            firstItem: top(first),
            firstItemBottom: first ? first.getBoundingClientRect().bottom : Infinity,
            // What <main> starts with: the fix-first list, nothing before it.
            before: document.querySelector('main').firstElementChild.id,
          };
        })()`)) as { heading: number; firstItem: number; firstItemBottom: number; before: string };
        expect(layout.before, `${viewport.width}`).toBe('fix-first');
        expect(layout.heading, `${viewport.width}`).toBeLessThan(viewport.height / 4);
        expect(layout.firstItem, `${viewport.width}`).toBeLessThan(viewport.height / 2);
        // The first item starts on screen; at desktop width it is whole on screen.
        if (viewport.width === 1400) expect(layout.firstItemBottom).toBeLessThan(viewport.height);
        expect(requests).toEqual([]);
        expect(consoleErrors).toEqual([]);
        expect(dialogs).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it('renders every non-pass finding as a card, passes collapsed, and its filter narrows the list', async () => {
    const { page, consoleErrors } = await open();
    try {
      const fingerprints = await page
        .locator('article.finding:visible')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-fingerprint')));
      expect(fingerprints.sort()).toEqual(
        report.findings
          .filter((finding) => finding.status !== 'pass')
          .map((finding) => finding.fingerprint)
          .sort(),
      );
      expect(await page.locator('article.finding').count()).toBe(report.findings.length);
      await page.locator('#filters input[value=fail]').uncheck();
      expect(await page.locator('article.finding:visible').count()).toBe(
        report.summary.inconclusive + report.summary.skipped,
      );
      expect(report.summary.pass).toBeGreaterThan(0);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the trust map draws exactly the trust relations MRA-CERT-003 judged, green held and red missing', async () => {
    const judged = report.findings
      .filter((finding) => finding.ruleId === 'MRA-CERT-003')
      .flatMap((finding) => {
        const evidence = finding.evidence as {
          trustedPeers?: Array<{ peer: string }>;
          missing?: Array<{ neededBy: string[] }>;
        };
        return [
          ...(evidence.trustedPeers ?? []).map((item) => `${finding.target} -> ${item.peer}: trusted`),
          ...(evidence.missing ?? []).flatMap((item) =>
            item.neededBy.map((peer) => `${finding.target} -> ${peer}: missing`),
          ),
        ];
      })
      .sort();
    expect(judged.length).toBeGreaterThanOrEqual(5);
    expect(judged.some((relation) => relation.endsWith('missing'))).toBe(true);
    const { page } = await open();
    try {
      const drawn =
        (await page.evaluate(`Array.from(document.querySelectorAll('#trust-map-svg g.tm-edge[data-state]'), (group) => ({
          relation: group.getAttribute('data-store') + ' -> ' + group.getAttribute('data-peer') + ': ' + group.getAttribute('data-state'),
          stroke: getComputedStyle(group.querySelector('path.line')).stroke,
        }))`)) as Array<{ relation: string; stroke: string }>;
      expect(drawn.map((edge) => edge.relation).sort()).toEqual(judged);
      const colour = (state: string) =>
        new Set(drawn.filter((edge) => edge.relation.endsWith(state)).map((edge) => edge.stroke));
      expect(colour('trusted')).toEqual(new Set(['rgb(6, 118, 71)']));
      expect(colour('missing')).toEqual(new Set(['rgb(180, 35, 24)']));
      // Each box the relations connect is drawn, with its role.
      const roles = await page
        .locator('#trust-map-svg g.tm-node')
        .evaluateAll((nodes) =>
          nodes.map((node) => `${node.getAttribute('data-node')} ${node.getAttribute('data-role')}`),
        );
      expect(roles.sort()).toEqual([
        'cucm-pub.example.com cucm',
        'expc.example.com expc',
        'expe.example.com expe',
        'imp-pub.example.com imp',
      ]);
    } finally {
      await page.close();
    }
  });

  it('the DNS views and the expiry timeline show every SRV lookup and certificate the rules judged', async () => {
    const { page } = await open();
    try {
      const cells = await page
        .locator('#dns-views-svg g.dv-cell[data-record]')
        .evaluateAll((groups) =>
          groups.map((group) => `${group.getAttribute('data-record')}@${group.getAttribute('data-resolver')}`),
        );
      for (const finding of report.findings.filter((item) => /^MRA-DNS-00[123]$/.test(item.ruleId)))
        expect(cells, finding.target).toContain(finding.target.replace('@', ' SRV@'));
      const subjects = await page
        .locator('#expiry-svg g.tl-cert')
        .evaluateAll((groups) => groups.map((group) => group.getAttribute('data-subject')));
      const expected = new Set(
        report.findings
          .filter((finding) => finding.ruleId === 'MRA-CERT-004')
          .flatMap((finding) =>
            (finding.evidence.certificates as Array<{ subject: string }>).map((item) => item.subject),
          ),
      );
      expect(new Set(subjects)).toEqual(expected);
      // The lab's Expressway-E certificate expires inside the warning window.
      expect(await page.locator('#expiry-svg g.tl-cert[data-state="soon"]').count()).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });

  it('every picture has an accessible name and every drawn group a title', async () => {
    const { page } = await open();
    try {
      const pictures = await page.locator('svg').count();
      expect(pictures).toBe(3);
      expect(await page.getByRole('img', { name: /trust map|DNS views|expiry/i }).count()).toBe(pictures);
      const untitled = await page.evaluate(`Array.from(document.querySelectorAll('svg, svg g')).filter((element) => {
          const title = element.querySelector(':scope > title');
          return !title || title.textContent.trim() === '';
        }).length`);
      expect(untitled).toBe(0);
    } finally {
      await page.close();
    }
  });

  /**
   * The fonts Chromium used for a node's text (DevTools protocol CSS.getPlatformFontsForNode): the
   * family and how many glyphs each drew.
   */
  async function fontsOf(page: Page, selector: string): Promise<Array<{ familyName: string; glyphCount: number }>> {
    const session = await page.context().newCDPSession(page);
    try {
      await session.send('DOM.enable');
      await session.send('CSS.enable');
      const { root } = await session.send('DOM.getDocument', { depth: -1 });
      const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      const { fonts } = await session.send('CSS.getPlatformFontsForNode', { nodeId });
      return fonts;
    } finally {
      await session.detach();
    }
  }

  it('renders the Korean source line with a CJK font installed on the system, not the fallback box', async () => {
    const { page } = await open();
    try {
      const rule = report.rules.find((item) => /[\uAC00-\uD7A3]/.test(item.source))!;
      expect(rule).toBeDefined();
      await page.evaluate(`window.location.hash = ${JSON.stringify(`#explain-${rule.id}`)}`);
      const selector = `#explain-${rule.id} .source`;
      await page.locator(selector).waitFor({ state: 'visible' });
      expect(await page.locator(selector).textContent()).toBe(rule.source);
      const fonts = await fontsOf(page, selector);
      const hangul = [...rule.source].filter((char) => /[\uAC00-\uD7A3]/.test(char)).length;
      const cjk = fonts.filter((font) => /CJK|Hangul|Nanum|Malgun|Gothic|Myeongjo|Gulim|Batang/i.test(font.familyName));
      // Every Hangul syllable was drawn by a Korean-capable font; a missing font would give .notdef boxes
      // drawn by a Latin font or LastResort, and no CJK family here.
      expect(cjk.length, JSON.stringify(fonts)).toBeGreaterThan(0);
      expect(cjk.reduce((sum, font) => sum + font.glyphCount, 0)).toBeGreaterThanOrEqual(hangul);
    } finally {
      await page.close();
    }
  });
});
