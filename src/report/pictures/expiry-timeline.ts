import type { Finding, Report } from '../../engine/types.js';
import { escapeHtml } from '../escape.js';
import { commonName, findingAnchor, fit, GLYPHS, svgOpen, title, type PictureParts, type PictureState } from './svg.js';

/**
 * The certificate expiry timeline: every certificate of every chain MRA-CERT-004 examined on one
 * date axis, with the scan day, the instant dates were judged at (`--as-of`, report.asOf) and the
 * warning window after it (policy.certExpiryWarnDays) marked, each certificate red when expired at
 * as-of, amber inside the window, green after it.
 *
 * Read from the report only: MRA-CERT-004 evidence `certificates[]` (`subject`, `notAfter`),
 * `warnDays`, `asOf`, and the endpoint (`node`, `service`) each chain was read from. A certificate
 * served on several endpoints (a root, an intermediate) is one row, by subject and notAfter: the
 * evidence carries no fingerprint per certificate.
 */

export type ExpiryState = 'expired' | 'soon' | 'valid';

export interface TimelineCertificate {
  subject: string;
  notAfter: Date;
  state: ExpiryState;
  /** Days from as-of to notAfter (negative when expired). */
  days: number;
  /** Endpoints whose chain holds it ("expe.example.com server"), each once. */
  usedBy: string[];
  finding: Finding;
}

export interface Timeline {
  scannedAt: Date;
  asOf: Date;
  warnDays: number;
  certificates: TimelineCertificate[];
}

const DAY = 86_400_000;

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function timelineOf(report: Report): Timeline | undefined {
  const asOf = new Date(report.asOf);
  const scannedAt = new Date(report.startedAt);
  if (Number.isNaN(asOf.getTime()) || Number.isNaN(scannedAt.getTime())) return undefined;
  let warnDays: number | undefined;
  const certificates = new Map<string, TimelineCertificate>();
  for (const finding of report.findings) {
    if (finding.ruleId !== 'MRA-CERT-004' || !Array.isArray(finding.evidence.certificates)) continue;
    const days = finding.evidence.warnDays;
    if (typeof days === 'number' && Number.isFinite(days) && warnDays === undefined) warnDays = days;
    const node = asText(finding.evidence.node);
    const service = asText(finding.evidence.service);
    const endpoint = node && service ? `${node} ${service}` : finding.target;
    for (const item of finding.evidence.certificates) {
      const subject = asText(asRecord(item).subject);
      const notAfter = new Date(asText(asRecord(item).notAfter) ?? '');
      if (!subject || Number.isNaN(notAfter.getTime())) continue;
      const key = `${subject}\u0000${notAfter.toISOString()}`;
      const known = certificates.get(key);
      if (known) {
        if (!known.usedBy.includes(endpoint)) known.usedBy.push(endpoint);
        // The finding to link is the one that fails because of it, when one does.
        if (known.finding.status !== 'fail' && finding.status === 'fail') known.finding = finding;
        continue;
      }
      certificates.set(key, { subject, notAfter, state: 'valid', days: 0, usedBy: [endpoint], finding });
    }
  }
  if (certificates.size === 0) return undefined;
  const window = warnDays ?? 30;
  const list = [...certificates.values()];
  for (const certificate of list) {
    const left = (certificate.notAfter.getTime() - asOf.getTime()) / DAY;
    certificate.days = Math.floor(left);
    certificate.state = left < 0 ? 'expired' : left <= window ? 'soon' : 'valid';
  }
  list.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || a.subject.localeCompare(b.subject));
  return { scannedAt, asOf, warnDays: window, certificates: list };
}

const STATE: Record<ExpiryState, PictureState> = { expired: 'bad', soon: 'warn', valid: 'ok' };
const STATE_WORDS: Record<ExpiryState, string> = {
  expired: 'expired at as-of',
  soon: 'expires inside the warning window',
  valid: 'valid past the warning window',
};

/** At most this many rows; the table lists them all. */
const MAX_ROWS = 40;
const LABEL_WIDTH = 360;
const PLOT_WIDTH = 560;
const ROW = 24;
const TOP = 54;
const AXIS = 30;
const MARGIN = 10;
/** Room right of the plot for the date printed after the last marker. */
const DATE_ROOM = 100;
/** The axis spans at most this long after its start; later dates sit at its right end with an arrow. */
const MAX_SPAN_DAYS = 3 * 366;

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** Tick dates on the axis: months for a short span, quarters for a few years, years beyond. */
function ticks(start: number, end: number): number[] {
  const spanDays = (end - start) / DAY;
  const months = spanDays <= 150 ? 1 : spanDays <= 800 ? 3 : 12;
  const first = new Date(start);
  const cursor = new Date(
    Date.UTC(first.getUTCFullYear(), first.getUTCMonth() - (first.getUTCMonth() % months) + months, 1),
  );
  const list: number[] = [];
  while (cursor.getTime() <= end && list.length < 40) {
    list.push(cursor.getTime());
    cursor.setUTCMonth(cursor.getUTCMonth() + months);
  }
  return list;
}

function sentence(certificate: TimelineCertificate, timeline: Timeline): string {
  const when =
    certificate.days < 0
      ? `${-certificate.days} days before as-of`
      : `${certificate.days} days after as-of ${day(timeline.asOf)}`;
  return `${certificate.subject} expires ${day(certificate.notAfter)} (${when}): ${STATE_WORDS[certificate.state]}. In the chain of ${certificate.usedBy.join(', ')}.`;
}

export function timelineSvg(timeline: Timeline | undefined, id: string): string | undefined {
  if (!timeline) return undefined;
  const rows = timeline.certificates.slice(0, MAX_ROWS);
  const warnEnd = timeline.asOf.getTime() + timeline.warnDays * DAY;
  const dates = rows.map((certificate) => certificate.notAfter.getTime());
  const start = Math.min(timeline.scannedAt.getTime(), timeline.asOf.getTime(), ...dates) - 15 * DAY;
  const end = Math.min(Math.max(warnEnd, ...dates) + 15 * DAY, start + MAX_SPAN_DAYS * DAY);
  const x0 = MARGIN + LABEL_WIDTH;
  const at = (time: number): number =>
    x0 + ((Math.min(Math.max(time, start), end) - start) / (end - start)) * PLOT_WIDTH;
  const width = x0 + PLOT_WIDTH + MARGIN + DATE_ROOM;
  const bottom = TOP + rows.length * ROW;
  const height = bottom + AXIS + MARGIN;

  const grid = ticks(start, end)
    .map((tick) => {
      const x = at(tick).toFixed(1);
      return `<g class="tl-tick">${title(`${day(new Date(tick))}`)}<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${bottom}"/><text x="${x}" y="${bottom + 18}">${day(new Date(tick)).slice(0, 7)}</text></g>`;
    })
    .join('');
  const asOfX = at(timeline.asOf.getTime());
  const scanX = at(timeline.scannedAt.getTime());
  const sameDay = day(timeline.asOf) === day(timeline.scannedAt);
  const band = `<g class="tl-window">${title(`Warning window: ${timeline.warnDays} days after as-of, ${day(timeline.asOf)} to ${day(new Date(warnEnd))}`)}<rect x="${asOfX.toFixed(1)}" y="${TOP - 6}" width="${Math.max(1, at(warnEnd) - asOfX).toFixed(1)}" height="${bottom - TOP + 6}"/><text x="${(asOfX + 4).toFixed(1)}" y="${TOP - 30}">warning window ${timeline.warnDays} d</text></g>`;
  const asOfLine = `<g class="tl-asof">${title(`As of ${timeline.asOf.toISOString()}: certificate dates are judged at this instant${sameDay ? ' (the scan day)' : ''}`)}<line x1="${asOfX.toFixed(1)}" y1="${TOP - 24}" x2="${asOfX.toFixed(1)}" y2="${bottom}"/><text x="${(asOfX + 4).toFixed(1)}" y="${TOP - 14}">as of ${day(timeline.asOf)}</text></g>`;
  const scanLine = sameDay
    ? ''
    : `<g class="tl-scan">${title(`Scan day ${timeline.scannedAt.toISOString()}`)}<line x1="${scanX.toFixed(1)}" y1="${TOP - 24}" x2="${scanX.toFixed(1)}" y2="${bottom}"/><text x="${(scanX - 4).toFixed(1)}" y="${TOP - 14}" class="end">scan ${day(timeline.scannedAt)}</text></g>`;

  const bars = rows.map((certificate, index) => {
    const y = TOP + index * ROW + ROW / 2;
    const state = STATE[certificate.state];
    const x = at(certificate.notAfter.getTime());
    const beyond = certificate.notAfter.getTime() > end;
    const label = `${commonName(certificate.subject)} · ${certificate.usedBy[0]}${certificate.usedBy.length > 1 ? ` +${certificate.usedBy.length - 1}` : ''}`;
    return `<a href="#${findingAnchor(certificate.finding)}"><g class="tl-cert ${state}" data-state="${certificate.state}" data-subject="${escapeHtml(certificate.subject)}" data-not-after="${certificate.notAfter.toISOString()}">${title(sentence(certificate, timeline))}<text class="label" x="${MARGIN}" y="${y + 4}">${escapeHtml(fit(label, 50))}</text><line class="bar" x1="${x0}" y1="${y}" x2="${x.toFixed(1)}" y2="${y}"/><path class="mark" d="M${x.toFixed(1)} ${y - 7} L${(x + 7).toFixed(1)} ${y} L${x.toFixed(1)} ${y + 7} L${(x - 7).toFixed(1)} ${y} Z"/><text class="glyph" x="${(x + 12).toFixed(1)}" y="${y + 4}">${GLYPHS[state]} ${day(certificate.notAfter)}${beyond ? ' ›' : ''}</text></g></a>`;
  });
  const expired = timeline.certificates.filter((certificate) => certificate.state === 'expired').length;
  const soon = timeline.certificates.filter((certificate) => certificate.state === 'soon').length;
  const description = `${timeline.certificates.length} certificates by expiry date: ${expired} expired at as-of ${day(timeline.asOf)}, ${soon} inside the ${timeline.warnDays}-day warning window.`;
  return `${svgOpen(id, width, height, 'Certificate expiry timeline', description)}${band}${grid}${scanLine}${asOfLine}<line class="tl-axis" x1="${x0}" y1="${bottom}" x2="${x0 + PLOT_WIDTH}" y2="${bottom}"/>${bars.join('')}</svg>`;
}

export function timelineTable(timeline: Timeline | undefined): string {
  if (!timeline) return '';
  const rows = timeline.certificates.map((certificate) => {
    const state = STATE[certificate.state];
    return `<tr class="st-${state}"><td><code>${escapeHtml(certificate.subject)}</code></td><td><time datetime="${certificate.notAfter.toISOString()}">${day(certificate.notAfter)}</time></td><td>${certificate.days}</td><td><span aria-hidden="true">${GLYPHS[state]}</span> ${STATE_WORDS[certificate.state]}</td><td>${certificate.usedBy.map((endpoint) => `<code>${escapeHtml(endpoint)}</code>`).join(', ')}</td><td><a href="#${findingAnchor(certificate.finding)}">${escapeHtml(certificate.finding.ruleId)}</a></td></tr>`;
  });
  return `<div class="table-wrap"><table class="pic-table"><thead><tr><th scope="col">Certificate</th><th scope="col">Expires</th><th scope="col">Days after as-of</th><th scope="col">State</th><th scope="col">In the chain of</th><th scope="col">Finding</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function timelinePicture(report: Report): PictureParts {
  const timeline = timelineOf(report);
  const hidden = (timeline?.certificates.length ?? 0) - MAX_ROWS;
  return {
    id: 'expiry',
    heading: 'Certificate expiry',
    caption: `Every certificate of the chains MRA-CERT-004 read, by expiry date: as of ${escapeHtml(report.asOf.slice(0, 10))} (the instant dates are judged at) and the warning window after it are marked; red expired, amber inside the window.${hidden > 0 ? ` The first ${MAX_ROWS} are drawn; the table has all.` : ''}`,
    svg: timelineSvg(timeline, 'expiry'),
    table: timelineTable(timeline),
    empty: 'No certificate dates were judged: MRA-CERT-004 did not run or read no chain.',
    width: MARGIN + LABEL_WIDTH + PLOT_WIDTH + MARGIN + DATE_ROOM,
  };
}
