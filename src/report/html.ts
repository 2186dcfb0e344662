import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../package/root.js';
import type { Area, Finding, Report, ReportRule, Status } from '../engine/types.js';
import { AREAS, SEVERITIES, STATUSES } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';
import { escapeHtml } from './escape.js';
import { fixFirst, undecided, type FixItem } from './fix-first.js';
import { menuPaths } from './menu-path.js';
import { compareFindings, STATUS_RANK } from './order.js';
import { dnsMatrixPicture } from './pictures/dns-views.js';
import { timelinePicture } from './pictures/expiry-timeline.js';
import { figure } from './pictures/svg.js';
import { trustMapPicture } from './pictures/trust-map.js';
import { joinChunks, type Chunks } from './stream.js';
import { verdictOf } from './verdict.js';
import { count, plural } from './wording.js';

export { escapeHtml } from './escape.js';
export { verdictOf, type VerdictLabel as Verdict } from './verdict.js';

export interface HtmlOptions {
  /** Unused: the HTML carries its own colours. Accepted so every renderer has one signature. */
  color?: boolean;
  /** The JSON report written with this page (relative to it), named where the page shows only part of a long list. */
  jsonReport?: string;
}

/**
 * Issue 21: a report of 50,000 failing endpoints must not become 50,000 cards. Per rule, the page
 * shows this many non-pass findings (and this many passes), plus every finding the fix-first list
 * links to; the rest are counted, and the JSON report has them all.
 */
export const CARDS_PER_RULE = 100;
/** Findings a fix-first item links to by name; the rest are counted. */
export const LINKS_PER_FIX = 12;

/** Failures first everywhere: in the summary, the filter and each rule. */
const DISPLAY_STATUSES: readonly Status[] = [...STATUSES].sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b]);

/** Text labels and glyphs, so a status reads without colour (print, colour blindness). */
const STATUS_LABELS: Record<Status, { label: string; icon: string }> = {
  fail: { label: 'FAIL', icon: '✖' },
  inconclusive: { label: 'INCONCLUSIVE', icon: '?' },
  skipped: { label: 'SKIPPED', icon: '–' },
  pass: { label: 'PASS', icon: '✔' },
};

/**
 * The style sheet and the script, kept as CSS and JS files (linted and formatted as such) beside this
 * module: src/report/html/ under test, dist/src/report/html/ once built (`npm run build` copies them,
 * scripts/copy-report-assets.mjs). A compile by tsc alone (the hardening tests build a private copy)
 * has no copy, so the package's own src/report/html/ is the fallback. Read once, at the first page.
 */
let assets: { style: string; script: string } | undefined;
function asset(name: string): string {
  const beside = fileURLToPath(new URL(`./html/${name}`, import.meta.url));
  return readFileSync(existsSync(beside) ? beside : join(PACKAGE_ROOT, 'src', 'report', 'html', name), 'utf8');
}
function pageAssets(): { style: string; script: string } {
  assets ??= { style: asset('report.css'), script: asset('report.js') };
  return assets;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Content-Security-Policy for a file opened from disk or a mail attachment: nothing may load from
 * anywhere, and only the one script and style block of the page (by hash) may run, so markup
 * smuggled in through a certificate CN or SRV target could not act even if escaping ever failed.
 * Inline SVG needs nothing more: it is markup styled by the same sheet.
 */
export function contentSecurityPolicy(): string {
  const { style, script } = pageAssets();
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** ISO instants shown in UTC, independent of the reader's locale, so every copy reads the same. */
function instant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function evidenceText(evidence: Finding['evidence']): string {
  try {
    return JSON.stringify(evidence, null, 2) ?? '{}';
  } catch {
    return String(evidence);
  }
}

/** Catalog prose marks names and menu paths as `code`; the text is escaped before the spans are made. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A rule's public documentation link, only when it is an https URL (a javascript: URI must never become a link). */
function helpLink(rule: ReportRule): string {
  return /^https:\/\/[^\s"'<>]+$/i.test(rule.helpUri)
    ? `<a href="${escapeHtml(rule.helpUri)}" rel="noopener noreferrer">Cisco documentation</a>`
    : '';
}

function badge(status: Status): string {
  // A report read back from a file (merge, a baseline) is data too: an unknown status is shown, escaped.
  const { label, icon } = STATUS_LABELS[status] ?? { label: escapeHtml(String(status).toUpperCase()), icon: '?' };
  return `<span class="badge st-${escapeHtml(status)}"><span aria-hidden="true">${icon}</span> ${label}</span>`;
}

const fixId = (key: string): string => `fix-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
const explainId = (ruleId: string): string => `explain-${encodeURIComponent(ruleId)}`;
const ruleAnchor = (ruleId: string): string => `rule-${encodeURIComponent(ruleId)}`;

/** Permalink ids: `f-<fingerprint>`, stable across runs; a repeated fingerprint gets a suffix. */
class Anchors {
  private readonly ids = new Map<Finding, string>();
  private readonly used = new Set<string>();
  of(finding: Finding): string {
    let id = this.ids.get(finding);
    if (id) return id;
    const base = `f-${finding.fingerprint.replace(/[^A-Za-z0-9_-]/g, '')}`;
    id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    this.ids.set(finding, id);
    return id;
  }
}

interface Page {
  report: Report;
  rules: Map<string, ReportRule>;
  fixes: FixItem[];
  /** The fix-first item of each failing finding. */
  fixOf: Map<Finding, FixItem>;
  /** Findings shown as cards (see CARDS_PER_RULE). */
  shown: Set<Finding>;
  anchors: Anchors;
  jsonReport: string;
}

function renderFinding(page: Page, finding: Finding): string {
  const id = page.anchors.of(finding);
  const baseline =
    finding.baselineState === 'new'
      ? '<span class="chip bl-new" title="Not in the baseline">NEW</span>'
      : finding.baselineState === 'unchanged'
        ? '<span class="chip bl-unchanged" title="Accepted in the baseline; does not fail the gate">BASELINE</span>'
        : '';
  const hasEvidence = Object.keys(finding.evidence).length > 0;
  const status = escapeHtml(finding.status);
  const severity = escapeHtml(finding.severity);
  const data = `id="${id}" data-status="${status}" data-area="${escapeHtml(finding.area)}" data-rule="${escapeHtml(finding.ruleId)}" data-fingerprint="${escapeHtml(finding.fingerprint)}"${finding.baselineState ? ` data-baseline="${escapeHtml(finding.baselineState)}"` : ''}`;
  const permalink = `<a class="permalink" href="#${id}" title="Permalink to this finding">#${escapeHtml(finding.fingerprint.slice(0, 8))}</a>`;
  const evidence = `<details><summary>Evidence${hasEvidence ? '' : ' (none recorded)'} · ${escapeHtml(duration(finding.durationMs))}</summary><pre>${escapeHtml(evidenceText(finding.evidence))}</pre></details>`;
  if (finding.status === 'pass') {
    return `<article class="finding st-pass" ${data}><div class="head">${badge('pass')} <code class="target">${escapeHtml(finding.target)}</code>${permalink}</div><p class="message">${escapeHtml(finding.message)}</p>${evidence}</article>`;
  }
  const fix = page.fixOf.get(finding);
  const fixLine = fix
    ? `<dt>Fix</dt><dd><a href="#${fixId(fix.key)}">${escapeHtml(fix.label)}</a> (fix-first item ${page.fixes.indexOf(fix) + 1})</dd>`
    : '';
  return `<article class="finding st-${status}" ${data}>
<div class="head">${badge(finding.status)} <span class="chip sev-${severity}">${severity}</span> ${baseline}${permalink}</div>
<p class="message">${escapeHtml(finding.message)}</p>
<dl><dt>Target</dt><dd><code class="target">${escapeHtml(finding.target)}</code></dd>${fixLine}<dt>Why, how</dt><dd><a href="#${explainId(finding.ruleId)}">explain ${escapeHtml(finding.ruleId)}</a></dd></dl>
${evidence}
</article>`;
}

function renderFixItem(page: Page, item: FixItem): string {
  const paths = item.menuPaths.map((path) => `<span class="path">${escapeHtml(path)}</span>`).join('; ');
  const how = item.rules
    .map(
      (entry) =>
        `<dt><a href="#${explainId(entry.id)}">${escapeHtml(entry.id)}</a>${entry.count > 1 ? ` ×${count(entry.count)}` : ''}</dt><dd>${prose(entry.rule?.remediation ?? 'The report does not carry this rule.')}</dd>`,
    )
    .join('');
  const links = item.findings
    .slice(0, LINKS_PER_FIX)
    .map(
      (finding) =>
        `<a href="#${page.anchors.of(finding)}">${escapeHtml(finding.ruleId)} <code>${escapeHtml(finding.target)}</code></a>`,
    );
  const rest = item.findings.length - links.length;
  const fresh =
    item.newSinceBaseline > 0 ? ` <span class="chip bl-new">${count(item.newSinceBaseline)} NEW</span>` : '';
  const severity = escapeHtml(item.severity);
  return `<li class="fix sev-${severity}" id="${fixId(item.key)}">
<div class="fix-head"><span class="chip sev-${severity}">${severity}</span> <span class="fix-label">${escapeHtml(item.label)}</span> <span class="resolves">resolves ${plural(item.findings.length, 'failure')}</span>${fresh}</div>
${paths ? `<p class="where">Where: ${paths}</p>` : ''}
<dl class="how">${how}</dl>
<p class="resolves-list">Resolves: ${links.join(', ')}${rest > 0 ? `, and ${count(rest)} more (every one is in ${escapeHtml(page.jsonReport)})` : ''}</p>
</li>`;
}

function renderFixFirst(page: Page): string {
  const failures = page.fixes.reduce((sum, item) => sum + item.findings.length, 0);
  const unsure = undecided(page.report);
  const unsureTotal = unsure.reduce((sum, entry) => sum + entry.findings.length, 0);
  const undecidedLine =
    unsure.length > 0
      ? `<p class="undecided"><strong>Could not decide:</strong> ${plural(unsureTotal, 'inconclusive finding')} (${unsure
          .map(
            (entry) =>
              `<a href="#${ruleAnchor(entry.id)}">${escapeHtml(entry.id)}</a> ×${count(entry.findings.length)}`,
          )
          .join(', ')}); their messages say what to look at.</p>`
      : '';
  const body =
    page.fixes.length > 0
      ? `<ol class="fixes">${page.fixes.map((item) => renderFixItem(page, item)).join('\n')}</ol>`
      : '<p class="nothing">Nothing to fix: no rule failed.</p>';
  const summary =
    page.fixes.length > 0
      ? `${plural(page.fixes.length, 'change')} ${page.fixes.length === 1 ? 'resolves' : 'resolve'} ${plural(failures, 'failure')}, errors first`
      : '';
  return `<section id="fix-first" class="fix-first" aria-labelledby="fix-first-title">
<h2 id="fix-first-title">Fix first<span class="counts">${summary}</span></h2>
${body}
${undecidedLine}
</section>`;
}

function statusCounts(findings: readonly Finding[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, inconclusive: 0, skipped: 0 };
  for (const finding of findings) counts[finding.status]++;
  return counts;
}

function countsText(counts: Record<Status, number>): string {
  return DISPLAY_STATUSES.filter((status) => counts[status] > 0)
    .map((status) => `${count(counts[status])} ${status}`)
    .join(' · ');
}

function renderToc(page: Page, byArea: Map<Area, Finding[]>): string {
  const areas = [...byArea.entries()]
    .map(
      ([area, findings]) =>
        `<li><a href="#area-${area}">${AREA_LABELS[area]}</a> <span class="n">${countsText(statusCounts(findings))}</span></li>`,
    )
    .join('');
  return `<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">Contents</h2><ol>
<li><a href="#fix-first">Fix first</a> <span class="n">${plural(page.fixes.length, 'change')}</span></li>
<li><a href="#glance">At a glance</a> <span class="n">trust map, DNS views, certificate expiry</span></li>
<li><a href="#summary">Summary</a></li>
${areas}
<li><a href="#explain">Rules explained</a> <span class="n">${plural(page.report.rules.length, 'rule')}</span></li>
</ol></nav>`;
}

function renderGlance(report: Report): string {
  return `<section id="glance" aria-labelledby="glance-title"><h2 id="glance-title">At a glance</h2>
${figure(trustMapPicture(report))}
${figure(dnsMatrixPicture(report))}
${figure(timelinePicture(report))}
</section>`;
}

function countsRow(label: string, counts: Record<Status, number>): string {
  return `<tr><th scope="row">${label}</th>${DISPLAY_STATUSES.map((status) => `<td class="${counts[status] > 0 ? `n-${status}` : 'zero'}">${count(counts[status])}</td>`).join('')}</tr>`;
}

function renderSummary(report: Report): string {
  const s = report.summary;
  // Narrow screens get short column labels so the table fits a phone without sideways scrolling.
  const head = `<tr><th scope="col">Severity</th>${DISPLAY_STATUSES.map(
    (status) =>
      `<th scope="col"><span class="badge st-${status}"><span aria-hidden="true">${STATUS_LABELS[status].icon}</span> <span class="label-long">${STATUS_LABELS[status].label}</span><abbr class="label-short" title="${status}">${STATUS_LABELS[status].label.slice(0, 4)}</abbr></span></th>`,
  ).join('')}</tr>`;
  const rows = SEVERITIES.map((severity) => countsRow(severity, s.bySeverity[severity])).join('');
  const baseline = s.baseline
    ? `<p class="baseline"><strong>${count(s.baseline.new)} new since baseline</strong>, ${count(s.baseline.unchanged)} unchanged, ${count(s.baseline.fixed)} fixed (baseline <code>${escapeHtml(s.baseline.file)}</code>)</p>`
    : '';
  const notJudged = s.notJudged
    .map((entry) => `<li>${AREA_LABELS[entry.area]}: ${escapeHtml(entry.reasons.join('; '))}</li>`)
    .join('');
  const tiles = DISPLAY_STATUSES.map(
    (status) => `<li class="tile st-${status}"><span class="count">${count(s[status])}</span> ${badge(status)}</li>`,
  ).join('');
  const domains =
    report.inventory.domains.length > 0
      ? report.inventory.domains.map((domain) => `<code>${escapeHtml(domain)}</code>`).join(', ')
      : '—';
  const asOf = report.asOf === report.startedAt ? `${instant(report.asOf)} (scan start)` : instant(report.asOf);
  const merged = report.merged
    ? `<dt>Merged from</dt><dd>${report.merged.map((entry) => `<code>${escapeHtml(entry.file)}</code> (${escapeHtml(entry.vantage)})`).join(', ')}</dd>`
    : '';
  return `<section class="summary" id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<ul class="tiles">${tiles}</ul>
${baseline}
${notJudged ? `<p>Not judged:</p><ul>${notJudged}</ul>` : ''}
<div class="table-wrap"><table class="counts-table"><caption>Findings by severity and status</caption><thead>${head}</thead><tbody>${rows}${countsRow('total', s)}</tbody></table></div>
<dl class="facts">
<dt>Inventory</dt><dd><code>${escapeHtml(report.inventory.source)}</code> (${plural(report.inventory.nodes, 'node')})</dd>
<dt>Domains</dt><dd>${domains}</dd>
<dt>Scan</dt><dd>${report.offline ? 'offline (exports and files only)' : 'live'}, from ${escapeHtml(report.vantage === 'both' ? 'inside and outside' : report.vantage)}</dd>
${merged}
<dt>Started</dt><dd><time datetime="${escapeHtml(report.startedAt)}">${escapeHtml(instant(report.startedAt))}</time>, ${escapeHtml(duration(report.durationMs))}</dd>
<dt>Dates judged as of</dt><dd><time datetime="${escapeHtml(report.asOf)}">${escapeHtml(asOf)}</time></dd>
</dl>
<p class="meta-line">${plural(report.findings.length, 'finding')} from ${plural(report.rules.length, 'rule')}.</p>
</section>`;
}

function renderFilters(report: Report, areas: readonly Area[]): string {
  const statusBoxes = DISPLAY_STATUSES.map(
    (status) =>
      `<label class="st-${status}"><input type="checkbox" name="status" value="${status}" checked> ${STATUS_LABELS[status].label} (${count(report.summary[status])})</label>`,
  ).join('');
  const areaOptions = areas.map((area) => `<option value="${area}">${AREA_LABELS[area]}</option>`).join('');
  const baseline = report.summary.baseline
    ? '<label><input type="checkbox" name="new-only" value="new"> New since baseline only</label>'
    : '';
  // Hidden until the script runs: without JavaScript every finding is shown and no dead control is.
  return `<form id="filters" class="filters" role="search" hidden>
<fieldset><legend>Status</legend>${statusBoxes}</fieldset>
<label>Area <select id="area-filter" name="area"><option value="">All areas</option>${areaOptions}</select></label>
<label class="search">Search <input id="q" type="search" name="q" placeholder="rule, target, message, evidence" autocomplete="off"></label>
${baseline}
<output id="shown" aria-live="polite"></output>
</form>`;
}

/** One rule inside its area: non-pass findings as cards, passes collapsed to one line with the count. */
function* renderRule(page: Page, rule: ReportRule | undefined, ruleId: string, findings: Finding[]): Chunks {
  const open = findings.filter((finding) => finding.status !== 'pass');
  const passes = findings.filter((finding) => finding.status === 'pass');
  const title = rule ? escapeHtml(rule.title) : escapeHtml(findings[0]?.rule ?? '');
  const explain = `<a class="explain-link" href="#${explainId(ruleId)}">explain</a>`;
  const passBlock = (): string => {
    const cards = passes.slice(0, CARDS_PER_RULE).map((finding) => renderFinding(page, finding));
    const more =
      passes.length > cards.length
        ? `<p class="more">${count(passes.length - cards.length)} more passes, in ${escapeHtml(page.jsonReport)}.</p>`
        : '';
    return `${cards.join('\n')}${more}`;
  };
  if (open.length === 0) {
    yield `<details class="rule passes" id="${ruleAnchor(ruleId)}" data-rule="${escapeHtml(ruleId)}"><summary><span class="ok" aria-hidden="true">✔</span> <code>${escapeHtml(ruleId)}</code> ${title} <span class="counts">${plural(passes.length, 'pass', 'passes')}</span></summary>
${passBlock()}
</details>\n`;
    return;
  }
  yield `<section class="rule" id="${ruleAnchor(ruleId)}" data-rule="${escapeHtml(ruleId)}" aria-labelledby="${ruleAnchor(ruleId)}-h">
<h3 id="${ruleAnchor(ruleId)}-h"><code>${escapeHtml(ruleId)}</code> ${title}<span class="counts">${countsText(statusCounts(findings))}</span> ${explain}</h3>\n`;
  let hidden = 0;
  for (const finding of open) {
    if (page.shown.has(finding)) yield `${renderFinding(page, finding)}\n`;
    else hidden++;
  }
  if (hidden > 0)
    yield `<p class="more">${count(hidden)} more ${escapeHtml(ruleId)} findings are not shown here; every finding is in ${escapeHtml(page.jsonReport)}.</p>\n`;
  if (passes.length > 0)
    yield `<details class="passes"><summary><span class="ok" aria-hidden="true">✔</span> ${plural(passes.length, 'pass', 'passes')}</summary>${passBlock()}</details>\n`;
  yield '</section>\n';
}

/** The most urgent status among a rule's findings (a loop: a rule may have 50,000). */
function worstRank(findings: readonly Finding[]): number {
  let rank = STATUS_RANK.pass;
  for (const finding of findings) rank = Math.min(rank, STATUS_RANK[finding.status]);
  return rank;
}

function* renderAreas(page: Page, byArea: Map<Area, Finding[]>): Chunks {
  for (const [area, findings] of byArea) {
    const byRule = new Map<string, Finding[]>();
    for (const finding of findings) {
      const list = byRule.get(finding.ruleId) ?? [];
      list.push(finding);
      byRule.set(finding.ruleId, list);
    }
    // Rules with failures first, in report order; rules that only passed after them.
    const rules = [...byRule.entries()].sort(
      ([a, first], [b, second]) => worstRank(first) - worstRank(second) || a.localeCompare(b),
    );
    const toc = rules
      .map(([id, list]) => {
        const counts = statusCounts(list);
        const cls = counts.fail > 0 ? 'has-fail' : counts.inconclusive > 0 ? 'has-inconclusive' : '';
        return `<li><a class="${cls}" href="#${ruleAnchor(id)}">${escapeHtml(id)} <span class="n">${countsText(counts)}</span></a></li>`;
      })
      .join('');
    yield `<section class="area" id="area-${area}" data-area="${area}" aria-labelledby="h-${area}">
<h2 id="h-${area}">${AREA_LABELS[area]}<span class="counts">${countsText(statusCounts(findings))}</span></h2>
<ul class="rule-toc" aria-label="Rules of ${AREA_LABELS[area]}">${toc}</ul>\n`;
    for (const [id, list] of rules) yield* renderRule(page, page.rules.get(id), id, list.sort(compareFindings));
    yield '</section>\n';
  }
}

function renderExplain(report: Report): string {
  const docs = report.rules.map((rule) => {
    const paths = menuPaths(rule.remediation);
    return `<details class="rule-doc" id="${explainId(rule.id)}"><summary><code>${escapeHtml(rule.id)}</code> ${escapeHtml(rule.title)}</summary>
<p class="meta-line">${escapeHtml(rule.slug)} · ${AREA_LABELS[rule.area]} · ${escapeHtml(rule.severity)} · vantage ${escapeHtml(rule.vantage)}${rule.requires ? ` · needs ${rule.requires.map(escapeHtml).join(', ')} first` : ''}</p>
<h4>Why</h4><p>${prose(rule.rationale)}</p>
<h4>How to fix</h4><p>${prose(rule.remediation)}</p>
${paths.length > 0 ? `<p class="where">Where: ${paths.map((path) => `<strong>${escapeHtml(path)}</strong>`).join('; ')}</p>` : ''}
<h4>Source</h4><p class="source" lang="ko">${escapeHtml(rule.source)}</p>
<p>${helpLink(rule)}${helpLink(rule) ? ' · ' : ''}<code>mra-preflight explain ${escapeHtml(rule.id)}</code></p>
</details>`;
  });
  return `<section id="explain" aria-labelledby="explain-title"><h2 id="explain-title">Rules explained</h2>
${docs.join('\n')}
</section>`;
}

/**
 * Which findings become cards: per rule the first CARDS_PER_RULE that are not passes, and every one
 * a fix item links to.
 */
function shownFindings(report: Report, fixes: readonly FixItem[]): Set<Finding> {
  const shown = new Set<Finding>();
  for (const item of fixes) for (const finding of item.findings.slice(0, LINKS_PER_FIX)) shown.add(finding);
  const perRule = new Map<string, number>();
  for (const finding of [...report.findings].filter((item) => item.status !== 'pass').sort(compareFindings)) {
    const seen = perRule.get(finding.ruleId) ?? 0;
    if (seen < CARDS_PER_RULE) shown.add(finding);
    perRule.set(finding.ruleId, seen + 1);
  }
  return shown;
}

/** One self-contained HTML page as pieces (inline CSS and JS, strict CSP); a function of the report. */
export function* htmlChunks(report: Report, options: HtmlOptions = {}): Chunks {
  const { style, script } = pageAssets();
  const { verdict, reason } = verdictOf(report);
  const fixes = fixFirst(report);
  const fixOf = new Map<Finding, FixItem>();
  for (const item of fixes) for (const finding of item.findings) fixOf.set(finding, item);
  const page: Page = {
    report,
    rules: new Map(report.rules.map((rule) => [rule.id, rule])),
    fixes,
    fixOf,
    shown: shownFindings(report, fixes),
    anchors: new Anchors(),
    jsonReport: options.jsonReport ?? 'the JSON report (--report json=FILE)',
  };
  const byArea = new Map<Area, Finding[]>();
  for (const area of AREAS) {
    const findings = report.findings.filter((finding) => finding.area === area);
    if (findings.length > 0) byArea.set(area, findings);
  }
  const verdictClass = { READY: 'v-ready', 'NOT READY': 'v-not-ready', INCOMPLETE: 'v-incomplete' }[verdict];
  const s = report.summary;
  const baselineNote = s.baseline
    ? ` · baseline: ${count(s.baseline.new)} new since baseline, ${count(s.baseline.unchanged)} unchanged, ${count(s.baseline.fixed)} fixed`
    : '';
  const scope = report.inventory.domains.join(', ') || report.inventory.source;
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}">
<title>${escapeHtml(verdict)}: MRA readiness of ${escapeHtml(scope)}</title>
<style>${style}</style>
</head>
<body>
<header class="banner ${verdictClass}"><div class="inner">
<h1>MRA readiness of ${escapeHtml(scope)}</h1>
<div class="verdict ${verdictClass}" role="status">${verdict}</div><span class="reason">${escapeHtml(reason)}</span>
<span class="sub">${escapeHtml(instant(report.startedAt))}${escapeHtml(baselineNote)}</span>
</div></header>
<main>
${renderFixFirst(page)}
${renderToc(page, byArea)}
${renderGlance(report)}
${renderSummary(report)}
${renderFilters(report, [...byArea.keys()])}
<p id="no-match" hidden>No finding matches the filter.</p>\n`;
  if (byArea.size === 0) yield '<p>No findings.</p>\n';
  yield* renderAreas(page, byArea);
  yield `${renderExplain(report)}
<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · rendered from the JSON report (schema version ${report.schemaVersion}) · finished ${escapeHtml(instant(report.finishedAt))}</footer>
</main>
<script>${script}</script>
</body>
</html>
`;
}

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  return joinChunks(htmlChunks(report, options));
}
