import pc from 'picocolors';
import { AREAS, STATUSES, type Finding, type Report, type Severity, type Status } from '../engine/types.js';
import { AREA_LABELS } from './areas.js';
import { fixFirst, undecided, type FixItem } from './fix-first.js';
import { compareFindings } from './order.js';
import { joinChunks, type Chunks } from './stream.js';
import { verdictOf } from './verdict.js';
import { count, plural } from './wording.js';

export interface TextOptions {
  color: boolean;
  /** --quiet: no pass lines, only what is not a pass, and the summary. */
  quiet?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Width the fix-first prose wraps at: a terminal of 100 columns keeps each line whole. */
const WRAP = 100;
/** Findings named under one fix-first item; the rest are counted (50,000 phones of one profile). */
const NAMED_PER_ITEM = 5;
const INDENT = ' '.repeat(13);

/**
 * Text from the network or a file, made safe for a terminal: C0 and C1 controls (ESC and CSI start
 * escape sequences that recolour, move the cursor or retitle the window; a line break would forge a
 * finding line) become spaces.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
const plain = (text: string): string => text.replace(CONTROLS, ' ');

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function paints(c: Colors): {
  status: Record<Status, (text: string) => string>;
  severity: Record<Severity, (text: string) => string>;
} {
  return {
    status: { pass: c.green, fail: c.red, inconclusive: c.yellow, skipped: c.dim },
    severity: { error: (text) => c.bold(c.red(text)), warning: c.yellow, info: c.cyan },
  };
}

function* fixItemLines(item: FixItem, index: number, c: Colors): Generator<string> {
  const { severity } = paints(c);
  const number = `${index + 1}.`.padStart(4);
  const rules = item.rules.map((entry) => entry.id).join(', ');
  const fresh = item.newSinceBaseline > 0 ? c.dim(` [${count(item.newSinceBaseline)} new]`) : '';
  const paint = severity[item.severity] ?? c.bold;
  yield `${number} ${paint(plain(item.severity).toUpperCase().padEnd(8))}${c.bold(plain(item.label))}${fresh}`;
  const pad = ' '.repeat(13);
  yield `${pad}resolves ${plural(item.findings.length, 'failure')}: ${rules}`;
  for (const [i, path] of item.menuPaths.entries()) yield `${pad}${i === 0 ? 'where: ' : '       '}${c.cyan(path)}`;
  for (const [i, entry] of item.rules.entries()) {
    const prose = entry.rule?.remediation.replace(/`/g, '') ?? 'see `mra-preflight explain`';
    const lines = wrap(`${entry.id}: ${prose}`, WRAP, `${pad}       `);
    for (const [j, line] of lines.entries()) yield `${pad}${i === 0 && j === 0 ? 'how:   ' : '       '}${line}`;
  }
  // One target failing several rules (a profile failing MRA-CUCM-002/003/004) is named once.
  const targets = new Map<string, string[]>();
  for (const finding of item.findings) {
    const rules = targets.get(finding.target);
    if (rules) {
      if (!rules.includes(finding.ruleId)) rules.push(finding.ruleId);
    } else if (targets.size < NAMED_PER_ITEM) targets.set(finding.target, [finding.ruleId]);
  }
  const named = [...targets].map(([target, rules]) => `${plain(target)} (${rules.join(', ')})`);
  const rest = item.findings.length - [...targets.values()].reduce((sum, rules) => sum + rules.length, 0);
  const fixes = `${named.join('; ')}${rest > 0 ? `; and ${count(rest)} more` : ''}`;
  for (const [j, line] of wrap(fixes, WRAP, `${pad}       `).entries())
    yield `${pad}${j === 0 ? 'fixes: ' : '       '}${line}`;
}

/** The fix-first list: what to change, in order, each with where, how and what it resolves. */
function* fixFirstLines(report: Report, c: Colors): Generator<string> {
  const items = fixFirst(report);
  const failures = items.reduce((sum, item) => sum + item.findings.length, 0);
  if (items.length === 0) yield c.bold('Fix first: nothing; no rule failed.');
  else
    yield c.bold(
      `Fix first: ${plural(items.length, 'change')} ${items.length === 1 ? 'resolves' : 'resolve'} ${plural(failures, 'failure')}, errors first`,
    );
  for (const [index, item] of items.entries()) yield* fixItemLines(item, index, c);
  const unsure = undecided(report);
  if (unsure.length > 0) {
    const total = unsure.reduce((sum, entry) => sum + entry.findings.length, 0);
    const which = unsure.map((entry) => `${entry.id} ×${count(entry.findings.length)}`).join(', ');
    yield '';
    yield c.yellow(`Could not decide: ${plural(total, 'inconclusive finding')} (${which}); their messages say why.`);
  }
}

/** Non-pass findings one by one; passes one line per rule (--quiet: none). */
function* findingLines(report: Report, options: TextOptions, c: Colors): Generator<string> {
  const { status: paint } = paints(c);
  const label = (status: Status): string => (paint[status] ?? c.bold)(plain(status).toUpperCase().padEnd(12));
  const open = report.findings.filter((finding) => finding.status !== 'pass').sort(compareFindings);
  if (open.length > 0 || !options.quiet) yield c.bold('Findings (by status, severity, area)');
  for (const finding of open) {
    const baseline = finding.baselineState ? c.dim(` [${finding.baselineState}]`) : '';
    yield `${label(finding.status)} ${c.bold(plain(finding.ruleId))} ${plain(finding.severity).padEnd(7)} ${plain(finding.target)}${baseline}`;
    yield `${INDENT}${plain(finding.message)}`;
  }
  if (options.quiet) return;
  const passes = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    if (finding.status !== 'pass') continue;
    const list = passes.get(finding.ruleId) ?? [];
    list.push(finding);
    passes.set(finding.ruleId, list);
  }
  const titles = new Map(report.rules.map((rule) => [rule.id, rule.title]));
  const ordered = [...passes.values()].sort((a, b) => compareFindings(a[0]!, b[0]!));
  for (const list of ordered) {
    const [first] = list;
    const what = list.length === 1 ? plain(first!.target) : plural(list.length, 'target');
    yield `${label('pass')} ${c.bold(plain(first!.ruleId))} ${plain(first!.severity).padEnd(7)} ${what}: ${plain(titles.get(first!.ruleId) ?? first!.rule)}`;
  }
}

/** One `explain` hint per rule that failed, with its title. */
function* explainLines(report: Report, c: Colors): Generator<string> {
  const failed = new Set(
    report.findings.filter((finding) => finding.status === 'fail').map((finding) => finding.ruleId),
  );
  if (failed.size === 0) return;
  const titles = new Map(report.rules.map((rule) => [rule.id, rule.title]));
  yield c.bold('Why it matters and how to fix it:');
  const width = Math.max(...[...failed].map((id) => id.length));
  for (const id of [...failed].sort())
    yield `  ${c.cyan(`mra-preflight explain ${plain(id).padEnd(width)}`)}  ${plain(titles.get(id) ?? '')}`.trimEnd();
}

/** Counts per area and status, so a long run still reads at a glance. */
function areaTable(report: Report, c: Colors): string[] {
  const { status: paint } = paints(c);
  const width = Math.max(14, ...AREAS.map((area) => AREA_LABELS[area].length + 2));
  const counts = new Map<string, number>();
  for (const finding of report.findings) {
    const key = `${finding.area} ${finding.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const header = `${'Area'.padEnd(width)}${STATUSES.map((status) => status.padStart(14)).join('')}`;
  const rows = AREAS.filter((area) => STATUSES.some((status) => counts.has(`${area} ${status}`))).map((area) => {
    const cells = STATUSES.map((status) => {
      const value = counts.get(`${area} ${status}`) ?? 0;
      const text = count(value).padStart(14);
      return value > 0 ? paint[status](text) : text;
    });
    return `${AREA_LABELS[area].padEnd(width)}${cells.join('')}`;
  });
  return rows.length > 0 ? [header, ...rows, ''] : [];
}

/**
 * The summary block: counts per area, totals, baseline, and the verdict as the last line. Printed
 * after the findings in the text report, and on its own when every report goes to a file.
 */
export function* summaryLines(report: Report, options: { color: boolean }): Generator<string> {
  const c = pc.createColors(options.color);
  const s = report.summary;
  yield* areaTable(report, c);
  yield (
    `${c.bold('Summary')}: ${c.green(`${count(s.pass)} pass`)}, ${c.red(`${count(s.fail)} fail`)}, ${c.yellow(`${count(s.inconclusive)} inconclusive`)}, ${c.dim(`${count(s.skipped)} skipped`)}` +
    ` — ${plural(report.findings.length, 'finding')} from ${plural(report.rules.length, 'rule')} in ${count(report.durationMs)} ms`
  );
  yield `          failures by severity: ${count(s.bySeverity.error.fail)} error, ${count(s.bySeverity.warning.fail)} warning, ${count(s.bySeverity.info.fail)} info`;
  if (s.baseline)
    yield `          ${count(s.baseline.new)} new since baseline, ${count(s.baseline.unchanged)} unchanged, ${count(s.baseline.fixed)} fixed (baseline ${plain(s.baseline.file)})`;
  for (const entry of s.notJudged)
    yield `          not judged: ${AREA_LABELS[entry.area]} (${entry.reasons.join('; ')})`;
  const { verdict, reason } = verdictOf(report);
  const paint = { READY: c.green, 'NOT READY': c.red, INCOMPLETE: c.yellow }[verdict];
  yield `${c.bold(paint(verdict))}: ${plain(reason)}`;
}

/** The text report as pieces: fix first, the findings, explain hints, the summary, and the verdict last. */
export function* textChunks(report: Report, options: TextOptions): Chunks {
  const c = pc.createColors(options.color);
  for (const line of fixFirstLines(report, c)) yield `${line}\n`;
  yield '\n';
  let any = false;
  for (const line of findingLines(report, options, c)) {
    any = true;
    yield `${line}\n`;
  }
  if (any) yield '\n';
  let explained = false;
  for (const line of explainLines(report, c)) {
    explained = true;
    yield `${line}\n`;
  }
  if (explained) yield '\n';
  for (const line of summaryLines(report, options)) yield `${line}\n`;
}

/** Plain text for terminals and logs (one string; the CLI streams textChunks). */
export function renderText(report: Report, options: TextOptions): string {
  return joinChunks(textChunks(report, options));
}

/** The summary block alone, for stderr when no text report goes to the terminal. */
export function renderSummary(report: Report, options: { color: boolean }): string {
  return joinChunks(Array.from(summaryLines(report, options), (line) => `${line}\n`));
}
