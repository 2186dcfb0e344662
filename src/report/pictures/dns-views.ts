import type { Finding, Report, Status } from '../../engine/types.js';
import { escapeHtml } from '../escape.js';
import { findingAnchor, fit, GLYPHS, svgOpen, title, type PictureParts, type PictureState } from './svg.js';

/**
 * The DNS views matrix: the names MRA looks up down the side, the internal and external resolvers
 * across, each cell what that resolver answered (answer, NXDOMAIN, NODATA, SERVFAIL, timeout...)
 * coloured by whether it is what MRA needs there: `_cisco-uds` answers inside and not outside,
 * `_cuplogin` not outside, `_collab-edge` answers outside, and each SRV target resolves where its
 * SRV record was found.
 *
 * Read from the report only:
 * - MRA-DNS-001 (inside, needs an answer), MRA-DNS-002 (outside, needs NXDOMAIN/NODATA), MRA-DNS-003
 *   (outside, needs an answer): target `<name>@<resolver>`, evidence `outcome`, `rcode`, `answers`,
 *   and `targets[].lookup` (`name`, `outcome`) for the SRV targets' A/AAAA lookups;
 * - MRA-EDGE-001 when present: evidence `srvTarget`, `resolver`, `address` (the address a remote
 *   client reached) or its `noAddress` failure, for the SRV target's row in the external view.
 */

export type View = 'internal' | 'external';

export interface DnsCell {
  record: string;
  resolver: string;
  view: View;
  /** What the resolver said, as dig would: answer, NXDOMAIN, NODATA, SERVFAIL, timeout... */
  outcome: string;
  /** What MRA needs here. */
  expected: 'an answer' | 'no answer';
  status: Status;
  /** The finding that judged the cell (its permalink). */
  finding: Finding;
  detail?: string;
}

export interface DnsMatrix {
  records: string[];
  resolvers: Array<{ view: View; resolver: string }>;
  cells: DnsCell[];
}

const RULES: Record<string, { view: View; expected: DnsCell['expected'] }> = {
  'MRA-DNS-001': { view: 'internal', expected: 'an answer' },
  'MRA-DNS-002': { view: 'external', expected: 'no answer' },
  'MRA-DNS-003': { view: 'external', expected: 'an answer' },
};

/** DNS outcomes (src/probes/dns.ts DnsOutcome, AddressLookup outcome) as an engineer reads them in dig. */
const OUTCOME_WORDS: Record<string, string> = {
  answer: 'answer',
  resolved: 'answer',
  nodata: 'NODATA',
  nxdomain: 'NXDOMAIN',
  servfail: 'SERVFAIL',
  refused: 'REFUSED',
  'error-rcode': 'error rcode',
  timeout: 'timeout',
  malformed: 'malformed',
  'network-error': 'network error',
  failed: 'failed',
  'cname-loop': 'CNAME loop',
};

const outcomeWord = (outcome: string, rcode?: string): string =>
  outcome === 'error-rcode' && rcode ? rcode : (OUTCOME_WORDS[outcome] ?? outcome);

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The SRV records MRA looks up, per domain, and the A/AAAA of each SRV target. */
export function dnsMatrixOf(report: Report): DnsMatrix {
  const cells = new Map<string, DnsCell>();
  const add = (cell: DnsCell): void => {
    const key = `${cell.record}\u0000${cell.view}\u0000${cell.resolver}`;
    if (!cells.has(key)) cells.set(key, cell);
  };
  for (const finding of report.findings) {
    const rule = RULES[finding.ruleId];
    if (!rule || finding.status === 'skipped') continue;
    const at = finding.target.lastIndexOf('@');
    if (at < 0) continue;
    const name = finding.target.slice(0, at);
    const resolver = finding.target.slice(at + 1);
    const outcome = asText(finding.evidence.outcome);
    if (!outcome) continue;
    add({
      record: `${name} SRV`,
      resolver,
      view: rule.view,
      outcome: outcomeWord(outcome, asText(finding.evidence.rcode)),
      expected: rule.expected,
      status: finding.status,
      finding,
      ...(asText(finding.evidence.detail) ? { detail: asText(finding.evidence.detail) } : {}),
    });
    // The SRV targets must resolve on the resolver that gave the SRV record (a client asks it next).
    const targets = Array.isArray(finding.evidence.targets) ? finding.evidence.targets : [];
    for (const target of targets) {
      const lookup = asRecord(asRecord(target).lookup);
      const host = asText(lookup.name);
      const result = asText(lookup.outcome);
      if (!host || !result) continue;
      add({
        record: `${host} A/AAAA`,
        resolver,
        view: rule.view,
        outcome: outcomeWord(result),
        expected: 'an answer',
        status: result === 'resolved' ? 'pass' : result === 'failed' ? 'inconclusive' : 'fail',
        finding,
      });
    }
  }
  for (const finding of report.findings) {
    if (finding.ruleId !== 'MRA-EDGE-001') continue;
    const host = asText(finding.evidence.srvTarget);
    const resolver = asText(finding.evidence.resolver);
    if (!host || !resolver) continue;
    const address = asText(finding.evidence.address);
    if (finding.messageId === 'noAddress' || address) {
      add({
        record: `${host} A/AAAA`,
        resolver,
        view: 'external',
        outcome: address ? 'answer' : 'no address',
        expected: 'an answer',
        status: address ? 'pass' : finding.status,
        finding,
      });
    }
  }
  const list = [...cells.values()];
  const srvFirst = (record: string): number => (record.endsWith(' SRV') ? 0 : 1);
  const records = [...new Set(list.map((cell) => cell.record))].sort(
    (a, b) => srvFirst(a) - srvFirst(b) || a.localeCompare(b),
  );
  const resolvers = [...new Map(list.map((cell) => [`${cell.view} ${cell.resolver}`, cell])).values()]
    .map((cell) => ({ view: cell.view, resolver: cell.resolver }))
    .sort((a, b) => (a.view === b.view ? a.resolver.localeCompare(b.resolver) : a.view === 'internal' ? -1 : 1));
  return { records, resolvers, cells: list };
}

const STATE: Record<Status, PictureState> = { pass: 'ok', fail: 'bad', inconclusive: 'unknown', skipped: 'none' };
const VIEW_WORDS: Record<View, string> = { internal: 'inside', external: 'outside' };

/** At most this many names down the side; a larger matrix is in the table and the findings. */
const MAX_ROWS = 60;
const LABEL_WIDTH = 330;
const CELL_WIDTH = 150;
const ROW = 30;
const HEAD = 52;
const MARGIN = 10;

function cellSentence(cell: DnsCell): string {
  const verdict = cell.status === 'pass' ? 'as MRA needs' : cell.status === 'fail' ? 'not what MRA needs' : 'undecided';
  return `${cell.record} on ${VIEW_WORDS[cell.view]} resolver ${cell.resolver}: ${cell.outcome}; MRA needs ${cell.expected} here (${verdict}; ${cell.finding.ruleId}).`;
}

export function dnsMatrixSvg(matrix: DnsMatrix, id: string): string | undefined {
  if (matrix.cells.length === 0) return undefined;
  const records = matrix.records.slice(0, MAX_ROWS);
  const width = MARGIN * 2 + LABEL_WIDTH + matrix.resolvers.length * CELL_WIDTH;
  const height = MARGIN * 2 + HEAD + records.length * ROW;
  const byKey = new Map(matrix.cells.map((cell) => [`${cell.record}\u0000${cell.view}\u0000${cell.resolver}`, cell]));
  const columnX = (index: number): number => MARGIN + LABEL_WIDTH + index * CELL_WIDTH;
  const headers = matrix.resolvers.map(({ view, resolver }, index) => {
    const x = columnX(index);
    return `<g class="dv-col view-${view}">${title(`${view === 'internal' ? 'Internal' : 'External'} resolver ${resolver}`)}<rect class="colhead" x="${x + 2}" y="${MARGIN}" width="${CELL_WIDTH - 4}" height="${HEAD - 8}" rx="4"/><text class="view" x="${x + CELL_WIDTH / 2}" y="${MARGIN + 18}">${VIEW_WORDS[view]}</text><text class="resolver" x="${x + CELL_WIDTH / 2}" y="${MARGIN + 36}">${escapeHtml(fit(resolver, 20))}</text></g>`;
  });
  const rows = records.map((record, row) => {
    const y = MARGIN + HEAD + row * ROW;
    const label = `<g class="dv-row">${title(record)}<text class="record" x="${MARGIN + 4}" y="${y + ROW / 2 + 4}">${escapeHtml(fit(record, 44))}</text></g>`;
    const cells = matrix.resolvers.map(({ view, resolver }, index) => {
      const x = columnX(index);
      const cell = byKey.get(`${record}\u0000${view}\u0000${resolver}`);
      if (!cell) {
        return `<g class="dv-cell none" data-state="not-asked">${title(`${record} was not asked of ${VIEW_WORDS[view]} resolver ${resolver} by any rule.`)}<rect x="${x + 2}" y="${y + 2}" width="${CELL_WIDTH - 4}" height="${ROW - 4}" rx="3"/><text x="${x + CELL_WIDTH / 2}" y="${y + ROW / 2 + 4}">${GLYPHS.none}</text></g>`;
      }
      const state = STATE[cell.status];
      return `<a href="#${findingAnchor(cell.finding)}"><g class="dv-cell ${state}" data-state="${escapeHtml(cell.status)}" data-record="${escapeHtml(record)}" data-resolver="${escapeHtml(resolver)}" data-view="${view}" data-outcome="${escapeHtml(cell.outcome)}">${title(cellSentence(cell))}<rect x="${x + 2}" y="${y + 2}" width="${CELL_WIDTH - 4}" height="${ROW - 4}" rx="3"/><text x="${x + CELL_WIDTH / 2}" y="${y + ROW / 2 + 4}">${GLYPHS[state]} ${escapeHtml(fit(cell.outcome, 14))}</text></g></a>`;
    });
    return label + cells.join('');
  });
  const failing = matrix.cells.filter((cell) => cell.status === 'fail').length;
  const description = `${records.length} names on ${matrix.resolvers.length} resolvers; ${failing} of ${matrix.cells.length} answers are not what MRA needs. Each cell is the resolver's answer.`;
  return `${svgOpen(id, width, height, 'DNS views: what each resolver answers for the names MRA looks up', description)}${headers.join('')}${rows.join('')}</svg>`;
}

export function dnsMatrixTable(matrix: DnsMatrix): string {
  const byKey = new Map(matrix.cells.map((cell) => [`${cell.record}\u0000${cell.view}\u0000${cell.resolver}`, cell]));
  const head = matrix.resolvers
    .map(({ view, resolver }) => `<th scope="col">${VIEW_WORDS[view]}<br><code>${escapeHtml(resolver)}</code></th>`)
    .join('');
  const rows = matrix.records.map((record) => {
    const cells = matrix.resolvers.map(({ view, resolver }) => {
      const cell = byKey.get(`${record}\u0000${view}\u0000${resolver}`);
      if (!cell) return '<td class="none">not asked</td>';
      const state = STATE[cell.status];
      return `<td class="st-${state}"><a href="#${findingAnchor(cell.finding)}"><span aria-hidden="true">${GLYPHS[state]}</span> ${escapeHtml(cell.outcome)}</a><br><small>needs ${cell.expected}</small></td>`;
    });
    return `<tr><th scope="row"><code>${escapeHtml(record)}</code></th>${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="pic-table"><thead><tr><th scope="col">Name</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function dnsMatrixPicture(report: Report): PictureParts {
  const matrix = dnsMatrixOf(report);
  const hidden = matrix.records.length - MAX_ROWS;
  return {
    id: 'dns-views',
    heading: 'DNS views',
    caption: `What each internal and external resolver answers for the names MRA looks up (MRA-DNS-001..003, and MRA-EDGE-001 for the address a remote client reached), green where it is what MRA needs there.${hidden > 0 ? ` The first ${MAX_ROWS} names are drawn; the table has all ${matrix.records.length}.` : ''}`,
    svg: dnsMatrixSvg(matrix, 'dns-views'),
    table: dnsMatrixTable(matrix),
    empty: 'No SRV lookup was judged: MRA-DNS-001..003 did not run or had no resolvers (dns.internal, dns.external).',
    width: MARGIN * 2 + LABEL_WIDTH + matrix.resolvers.length * CELL_WIDTH,
  };
}
