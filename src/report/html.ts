import { createHash } from 'node:crypto';
import type { Area, Finding, Report, ReportRule, Severity, Status } from '../engine/types.js';
import { AREAS, SEVERITIES, STATUSES } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';

export interface HtmlOptions {
  /** Unused: the HTML carries its own colours. Accepted so every renderer has one signature. */
  color?: boolean;
}

export type Verdict = 'READY' | 'NOT READY' | 'INCOMPLETE';

const STATUS_ORDER: Record<Status, number> = { fail: 0, inconclusive: 1, skipped: 2, pass: 3 };
/** Failures first everywhere: in the summary, the filter and each area. */
const DISPLAY_STATUSES: readonly Status[] = [...STATUSES].sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b]);
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Text labels and glyphs, so a status reads without colour (print, colour blindness). */
const STATUS_LABELS: Record<Status, { label: string; icon: string }> = {
  fail: { label: 'FAIL', icon: '✖' },
  inconclusive: { label: 'INCONCLUSIVE', icon: '?' },
  skipped: { label: 'SKIPPED', icon: '–' },
  pass: { label: 'PASS', icon: '✔' },
};

const VERDICT_LABELS = { ready: 'READY', 'not-ready': 'NOT READY', incomplete: 'INCOMPLETE' } as const;

/** The engine's verdict (SPEC 8.9), as the page shows it. */
export function verdictOf(report: Report): { verdict: Verdict; reason: string } {
  return { verdict: VERDICT_LABELS[report.summary.verdict], reason: report.summary.verdictReason };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * C0 controls (but tab, line feed, carriage return) are parse errors in HTML and NUL is dropped by
 * the parser; a banner or certificate field from a hostile peer may hold them, so they go.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Escapes for text and double- or single-quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(CONTROL_CHARACTERS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** ISO instants shown in UTC, independent of the reader's locale, so every copy reads the same. */
function instant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.target.localeCompare(b.target)
  );
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

function badge(status: Status): string {
  const { label, icon } = STATUS_LABELS[status];
  return `<span class="badge st-${status}"><span aria-hidden="true">${icon}</span> ${label}</span>`;
}

function renderFinding(finding: Finding, rule: ReportRule | undefined): string {
  const baseline =
    finding.baselineState === 'new'
      ? '<span class="chip bl-new" title="Not in the baseline">NEW</span>'
      : finding.baselineState === 'unchanged'
        ? '<span class="chip bl-unchanged" title="Accepted in the baseline; does not fail the gate">BASELINE</span>'
        : '';
  const hasEvidence = Object.keys(finding.evidence).length > 0;
  return `<article class="finding st-${finding.status}" data-status="${finding.status}" data-area="${finding.area}" data-fingerprint="${escapeHtml(finding.fingerprint)}">
<div class="head">${badge(finding.status)} <span class="chip sev-${finding.severity}">${finding.severity}</span> ${baseline}</div>
<p class="message">${escapeHtml(finding.message)}</p>
<dl>
<dt>Rule</dt><dd><code>${escapeHtml(finding.ruleId)}</code> ${escapeHtml(finding.rule)}</dd>
<dt>Target</dt><dd><code class="target">${escapeHtml(finding.target)}</code></dd>
<dt>Remediation</dt><dd>${prose(rule?.remediation ?? '')}</dd>
<dt>Source</dt><dd lang="ko">${escapeHtml(rule?.source ?? '')}</dd>
</dl>
<details><summary>Evidence${hasEvidence ? '' : ' (none recorded)'} · ${escapeHtml(duration(finding.durationMs))}</summary><pre>${escapeHtml(evidenceText(finding.evidence))}</pre></details>
</article>`;
}

function countsRow(label: string, counts: Record<Status, number>): string {
  return `<tr><th scope="row">${label}</th>${DISPLAY_STATUSES.map((status) => `<td class="${counts[status] > 0 ? `n-${status}` : 'zero'}">${counts[status]}</td>`).join('')}</tr>`;
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
    ? `<p class="baseline"><strong>${s.baseline.new} new since baseline</strong>, ${s.baseline.unchanged} unchanged (baseline <code>${escapeHtml(s.baseline.file)}</code>)</p>`
    : '';
  const tiles = DISPLAY_STATUSES.map(
    (status) => `<li class="tile st-${status}"><span class="count">${s[status]}</span> ${badge(status)}</li>`,
  ).join('');
  return `<section class="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<ul class="tiles">${tiles}</ul>
${baseline}
<div class="table-wrap"><table><caption>Findings by severity and status</caption><thead>${head}</thead><tbody>${rows}${countsRow('total', s)}</tbody></table></div>
<p class="meta-line">${plural(report.findings.length, 'finding')} from ${plural(report.rules.length, 'rule')}.</p>
</section>`;
}

function renderFilters(report: Report, areas: readonly Area[]): string {
  const statusBoxes = DISPLAY_STATUSES.map(
    (status) =>
      `<label class="st-${status}"><input type="checkbox" name="status" value="${status}" checked> ${STATUS_LABELS[status].label} (${report.summary[status]})</label>`,
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

const STYLE = `
:root{color-scheme:light dark;--fail:#b42318;--fail-bg:#fef3f2;--inconclusive:#9a4a06;--inconclusive-bg:#fffaeb;--skipped:#475467;--skipped-bg:#f2f4f7;--pass:#067647;--pass-bg:#ecfdf3;--line:#d0d5dd;--muted:#475467;--ink:#101828;--page:#f9fafb;--card:#fff;--code:#f2f4f7;--zero:#98a2b3}
@media screen and (prefers-color-scheme:dark){:root{--fail:#fda29b;--fail-bg:#55160c;--inconclusive:#fec84b;--inconclusive-bg:#4e1d09;--skipped:#cecfd2;--skipped-bg:#22262f;--pass:#75e0a7;--pass-bg:#053321;--line:#333741;--muted:#94969c;--ink:#f5f5f6;--page:#0c111d;--card:#161b26;--code:#1f242f;--zero:#61646c}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK KR","Malgun Gothic","Apple SD Gothic Neo","Nanum Gothic","DejaVu Sans",sans-serif;color:var(--ink);background:var(--page)}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:24px 0 8px}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
code,pre,.message,dd{overflow-wrap:anywhere;word-break:break-word}
header.report{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px}
.verdict{display:inline-block;font-weight:700;font-size:1.1rem;padding:4px 12px;border-radius:6px;border:2px solid currentColor;margin:8px 0}
.verdict.v-ready{color:var(--pass);background:var(--pass-bg)}
.verdict.v-not-ready{color:var(--fail);background:var(--fail-bg)}
.verdict.v-incomplete{color:var(--inconclusive);background:var(--inconclusive-bg)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 0}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.tiles{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:0}
.tile{background:var(--card);border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:6px 12px;min-width:140px}
.tile .count{font-size:1.4rem;font-weight:700;margin-right:4px}
.tile.st-fail{border-left-color:var(--fail)}.tile.st-inconclusive{border-left-color:var(--inconclusive)}.tile.st-skipped{border-left-color:var(--skipped)}.tile.st-pass{border-left-color:var(--pass)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;background:var(--card);margin-top:12px}
caption{text-align:left;color:var(--muted);padding:4px 0}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:right}
th[scope=row]{text-align:left;text-transform:capitalize}
td.zero{color:var(--zero)}
td.n-fail{color:var(--fail);font-weight:700}
.baseline{font-size:1.05rem}
.meta-line{color:var(--muted)}
.badge{display:inline-block;font-weight:700;font-size:.8rem;padding:1px 8px;border-radius:4px;border:1px solid currentColor;white-space:nowrap}
.label-short{display:none;text-decoration:none}
.badge.st-fail{color:var(--fail);background:var(--fail-bg)}
.badge.st-inconclusive{color:var(--inconclusive);background:var(--inconclusive-bg)}
.badge.st-skipped{color:var(--skipped);background:var(--skipped-bg)}
.badge.st-pass{color:var(--pass);background:var(--pass-bg)}
.chip{display:inline-block;font-size:.8rem;padding:1px 8px;border-radius:10px;border:1px solid var(--line);background:var(--card);white-space:nowrap}
.chip.sev-error{font-weight:700}
.chip.bl-new{border-color:var(--fail);color:var(--fail);font-weight:700}
.chip.bl-unchanged{color:var(--muted);border-style:dashed}
.filters{position:sticky;top:0;z-index:1;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:16px 0;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
.filters legend{float:left;margin-right:8px;color:var(--muted)}
.filters label{white-space:nowrap}
.filters .search{flex:1 1 220px;display:flex;gap:6px;align-items:center}
.filters input[type=search]{flex:1;min-width:0;font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px}
.filters select{font:inherit;padding:3px}
#shown{color:var(--muted)}
.area h2 .counts{font-size:.85rem;font-weight:400;color:var(--muted);margin-left:8px}
.finding{background:var(--card);border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:10px 14px;margin:0 0 10px}
.finding.st-fail{border-left-color:var(--fail)}
.finding.st-inconclusive{border-left-color:var(--inconclusive);border-left-style:dashed}
.finding.st-skipped{border-left-color:var(--skipped);border-left-style:dotted}
.finding.st-pass{border-left-color:var(--pass)}
.finding .head{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.finding .message{font-weight:600;margin:6px 0}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
.finding dt{color:var(--muted)}
.finding dd{margin:0}
details{margin-top:6px}
summary{cursor:pointer;color:var(--muted)}
pre{background:var(--code);border-radius:4px;padding:8px;margin:6px 0 0;white-space:pre-wrap;max-height:none}
#no-match{font-style:italic;color:var(--muted)}
footer{color:var(--muted);font-size:.85rem;margin:24px 0}
@media (max-width:600px){
th,td{padding:3px 5px}
th .label-long{display:none}
th .label-short{display:inline}
.badge{font-size:.72rem;padding:1px 4px}
body{font-size:14px}
main{padding:8px}
.facts,.finding dl{grid-template-columns:1fr}
.facts dt,.finding dt{font-size:.8rem;margin-top:4px}
.tile{min-width:0;flex:1 1 40%}
.filters{position:static}
}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
.filters,#no-match{display:none!important}
.area[hidden],.finding[hidden]{display:block!important}
.finding,.tile,header.report{break-inside:avoid;border-color:#999}
details::details-content{content-visibility:visible;display:block}
summary{list-style:none}
pre{background:none;border:1px solid #ccc}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;

// Reads the page it is in; it carries no data of its own, so nothing from a report reaches a script
// context, and the CSP hash stays the same for every report.
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  if (!form) return;
  var findings = Array.prototype.slice.call(document.querySelectorAll('.finding'));
  var texts = findings.map(function (el) { return (el.textContent || '').toLowerCase(); });
  var areas = Array.prototype.slice.call(document.querySelectorAll('section.area'));
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name=status]'));
  var newOnly = form.querySelector('input[name=new-only]');
  var area = document.getElementById('area-filter');
  var query = document.getElementById('q');
  var shown = document.getElementById('shown');
  var noMatch = document.getElementById('no-match');
  function apply() {
    var statuses = {};
    boxes.forEach(function (box) { statuses[box.value] = box.checked; });
    var terms = query.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    findings.forEach(function (el, index) {
      var visible = statuses[el.getAttribute('data-status')] === true &&
        (area.value === '' || el.getAttribute('data-area') === area.value) &&
        (!newOnly || !newOnly.checked || el.querySelector('.bl-new') !== null) &&
        terms.every(function (term) { return texts[index].indexOf(term) !== -1; });
      el.hidden = !visible;
      if (visible) count++;
    });
    areas.forEach(function (section) { section.hidden = section.querySelector('.finding:not([hidden])') === null; });
    shown.textContent = count + ' of ' + findings.length + ' findings shown';
    noMatch.hidden = count !== 0;
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (el) { el.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (el) { el.open = false; });
    opened = [];
  });
  form.hidden = false;
  apply();
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Content-Security-Policy for a file opened from disk or a mail attachment: nothing may load from
 * anywhere, and only the one script and style block below (by hash) may run, so markup smuggled
 * in through a certificate CN or SRV target could not act even if escaping ever failed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** One self-contained HTML page (inline CSS and JS, strict CSP); a pure function of the report. */
export function renderHtml(report: Report, _options: HtmlOptions = {}): string {
  const { verdict, reason } = verdictOf(report);
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const areas = AREAS.filter((area) => report.findings.some((finding) => finding.area === area));
  const sections = areas
    .map((area) => {
      const findings = report.findings.filter((finding) => finding.area === area).sort(compareFindings);
      const counts = DISPLAY_STATUSES.filter((status) => findings.some((finding) => finding.status === status))
        .map((status) => `${findings.filter((finding) => finding.status === status).length} ${status}`)
        .join(', ');
      return `<section class="area" id="area-${area}" data-area="${area}" aria-labelledby="h-${area}">
<h2 id="h-${area}">${AREA_LABELS[area]}<span class="counts">${counts}</span></h2>
${findings.map((finding) => renderFinding(finding, rules.get(finding.ruleId))).join('\n')}
</section>`;
    })
    .join('\n');
  const domains =
    report.inventory.domains.length > 0
      ? report.inventory.domains.map((domain) => `<code>${escapeHtml(domain)}</code>`).join(', ')
      : '—';
  const asOf = report.asOf === report.startedAt ? `${instant(report.asOf)} (scan start)` : instant(report.asOf);
  const verdictClass = verdict === 'READY' ? 'v-ready' : verdict === 'NOT READY' ? 'v-not-ready' : 'v-incomplete';
  const baselineNote = report.summary.baseline ? ` · ${report.summary.baseline.new} new since baseline` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}">
<title>${escapeHtml(verdict)}: MRA readiness of ${escapeHtml(report.inventory.domains.join(', ') || report.inventory.source)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="report">
<h1>MRA readiness report</h1>
<div class="verdict ${verdictClass}" role="status">${verdict}</div> <span class="reason">${escapeHtml(reason)}${escapeHtml(baselineNote)}</span>
<dl class="facts">
<dt>Inventory</dt><dd><code>${escapeHtml(report.inventory.source)}</code> (${plural(report.inventory.nodes, 'node')})</dd>
<dt>Domains</dt><dd>${domains}</dd>
<dt>Scan</dt><dd>${report.offline ? 'offline (exports and files only)' : 'live'}</dd>
<dt>Started</dt><dd><time datetime="${escapeHtml(report.startedAt)}">${escapeHtml(instant(report.startedAt))}</time></dd>
<dt>Duration</dt><dd>${escapeHtml(duration(report.durationMs))}</dd>
<dt>Dates judged as of</dt><dd><time datetime="${escapeHtml(report.asOf)}">${escapeHtml(asOf)}</time></dd>
</dl>
</header>
${renderSummary(report)}
${renderFilters(report, areas)}
<p id="no-match" hidden>No finding matches the filter.</p>
${sections || '<p>No findings.</p>'}
<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · rendered from the JSON report (schema version ${report.schemaVersion}) · finished ${escapeHtml(instant(report.finishedAt))}</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
