import type { Finding, Report } from '../../engine/types.js';
import { escapeHtml } from '../escape.js';
import {
  arrowhead,
  commonName,
  findingAnchor,
  fit,
  GLYPHS,
  svgOpen,
  title,
  type PictureParts,
  type PictureState,
} from './svg.js';

/**
 * The trust map: CUCM, IM and Presence, Expressway-C and -E as boxes with their certificates (and
 * each certificate's root) and their trust stores, and an arrow for every trust relation
 * MRA-CERT-003 judged, from the store to the certificate it must trust: green when the store holds
 * the root, red when it lacks it. Relations it could not judge (a peer's certificate unread, a
 * store the inventory does not give) are grey and dotted, so "not judged" never reads as "fine".
 *
 * Read from the report only:
 * - MRA-CERT-003, one finding per store: target `<node> <store>`; evidence `trustedPeers[]`
 *   (`peer` "<node> <service>", `anchor`), `missing[]` (`neededBy[]`, `certificate.subject`),
 *   `unreadPeers[]` ("<node> <service> (<why>)"), and for a store not given `peers[]` (endpoints);
 * - MRA-CERT-002 evidence `roots[]` (`subject`, `leaves[]` "<node> <service>"): each certificate's root;
 * - MRA-EXP-001 evidence `node` and `role`: which Expressway is the C and which the E. CUCM and
 *   IM&P are told apart by their services and stores (CallManager, cup-xmpp), since the
 *   certificate evidence does not carry the node's role.
 */

export type Role = 'cucm' | 'imp' | 'expc' | 'expe' | 'other';

export type EdgeState = 'trusted' | 'missing' | 'unread' | 'not-given';

export interface TrustEdge {
  /** The trust store's node and store name, as the MRA-CERT-003 target names them. */
  store: { node: string; name: string };
  /** The peer certificate: node and service ("expc.example.com", "server"). */
  peer: { node: string; service: string };
  state: EdgeState;
  /** The root the store holds (trusted) or lacks (missing), when the evidence names it. */
  root?: string;
  /** Why the relation could not be judged (unread, not-given). */
  note?: string;
  finding: Finding;
}

export interface TrustNode {
  fqdn: string;
  role: Role;
  /** Certificates the node presents, with the root each chains to when known. */
  services: Array<{ name: string; root?: string }>;
  stores: string[];
}

export interface TrustMap {
  nodes: TrustNode[];
  edges: TrustEdge[];
}

const ROLE_LABELS: Record<Role, string> = {
  cucm: 'Unified CM',
  imp: 'IM and Presence',
  expc: 'Expressway-C',
  expe: 'Expressway-E',
  other: 'other node',
};

/** Store and certificate names as CUCM and Expressway spell them in their GUIs. */
const STORE_LABELS: Record<string, string> = {
  'tomcat-trust': 'tomcat-trust',
  'callmanager-trust': 'CallManager-trust',
  'cup-xmpp-trust': 'cup-xmpp-trust',
  'trusted-ca': 'Trusted CA list',
};
const SERVICE_LABELS: Record<string, string> = {
  tomcat: 'tomcat',
  callmanager: 'CallManager',
  xmpp: 'cup-xmpp',
  server: 'server certificate',
};
const storeLabel = (name: string): string => STORE_LABELS[name] ?? name;
const serviceLabel = (name: string): string => SERVICE_LABELS[name] ?? name;

/** "<node> <rest>": node names have no spaces; the rest may (a store name, a service, "at 127.0.0.1:443"). */
function splitNode(text: string): { node: string; rest: string } {
  const space = text.indexOf(' ');
  return space < 0 ? { node: text, rest: '' } : { node: text.slice(0, space), rest: text.slice(space + 1) };
}

/** "<node> <service>" as CERT-002/003 evidence writes a peer; an endpoint target has " at <address>" after it. */
function peerOf(text: string): { node: string; service: string } {
  const { node, rest } = splitNode(text);
  return { node, service: rest.split(/\s+(?:at|\()\s*/)[0]!.split(' ')[0] ?? rest };
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** The trust relations MRA-CERT-003 examined, and the boxes they connect. */
export function trustMapOf(report: Report): TrustMap {
  const edges: TrustEdge[] = [];
  const nodes = new Map<string, TrustNode>();
  const node = (fqdn: string): TrustNode => {
    let entry = nodes.get(fqdn);
    if (!entry) {
      entry = { fqdn, role: 'other', services: [], stores: [] };
      nodes.set(fqdn, entry);
    }
    return entry;
  };
  const service = (fqdn: string, name: string, root?: string): void => {
    const entry = node(fqdn);
    const known = entry.services.find((item) => item.name === name);
    if (!known) entry.services.push({ name, ...(root ? { root } : {}) });
    else if (root && !known.root) known.root = root;
  };

  for (const finding of report.findings) {
    if (finding.ruleId !== 'MRA-CERT-003' || finding.target === 'deployment') continue;
    const { node: owner, rest: store } = splitNode(finding.target);
    if (!store) continue;
    const entry = node(owner);
    if (!entry.stores.includes(store)) entry.stores.push(store);
    const evidence = finding.evidence;
    const edge = (peerText: string, state: EdgeState, extra: Partial<TrustEdge> = {}): void => {
      const peer = peerOf(peerText);
      service(peer.node, peer.service);
      edges.push({ store: { node: owner, name: store }, peer, state, finding, ...extra });
    };
    for (const trusted of asArray(evidence.trustedPeers)) {
      const item = asRecord(trusted);
      const peer = asText(item.peer);
      if (!peer) continue;
      const anchor = asText(item.anchor);
      edge(peer, 'trusted', anchor ? { root: anchor } : {});
    }
    for (const lacking of asArray(evidence.missing)) {
      const item = asRecord(lacking);
      const root = asText(asRecord(item.certificate).subject) ?? asText(item.label);
      for (const peer of asArray(item.neededBy)) {
        const text = asText(peer);
        if (text) edge(text, 'missing', root ? { root } : {});
      }
    }
    for (const unread of asArray(evidence.unreadPeers)) {
      const text = asText(unread);
      if (text) edge(text, 'unread', { note: /\(([^)]*)\)\s*$/.exec(text)?.[1] ?? 'unread' });
    }
    if (finding.messageId === 'storeNotProvided') {
      for (const peer of asArray(evidence.peers)) {
        const text = asText(peer);
        if (text) edge(text, 'not-given', { note: 'the inventory does not give this store (trust[])' });
      }
    }
  }
  if (edges.length === 0) return { nodes: [], edges: [] };

  // Each certificate's root, as MRA-CERT-002 grouped the leaves.
  for (const finding of report.findings) {
    if (finding.ruleId !== 'MRA-CERT-002') continue;
    for (const root of asArray(finding.evidence.roots)) {
      const item = asRecord(root);
      const subject = asText(item.subject);
      for (const leaf of asArray(item.leaves)) {
        const text = asText(leaf);
        if (!text || !subject) continue;
        const peer = peerOf(text);
        service(peer.node, peer.service, subject);
      }
    }
  }
  // A trusted edge names the anchor the store used: the peer's root, when CERT-002 did not run.
  for (const edge of edges)
    if (edge.state !== 'unread' && edge.root) service(edge.peer.node, edge.peer.service, edge.root);

  const expressways = new Map<string, Role>();
  for (const finding of report.findings) {
    if (finding.ruleId !== 'MRA-EXP-001') continue;
    const fqdn = asText(finding.evidence.node);
    const role = asText(finding.evidence.role);
    if (fqdn && (role === 'expressway-c' || role === 'expressway-e'))
      expressways.set(fqdn, role === 'expressway-c' ? 'expc' : 'expe');
  }
  for (const entry of nodes.values()) {
    const names = new Set([...entry.services.map((item) => item.name), ...entry.stores]);
    entry.role =
      expressways.get(entry.fqdn) ??
      (names.has('trusted-ca')
        ? 'expc'
        : names.has('callmanager') || names.has('callmanager-trust')
          ? 'cucm'
          : names.has('xmpp') || names.has('cup-xmpp-trust')
            ? 'imp'
            : names.has('server')
              ? 'expe'
              : 'other');
  }
  return { nodes: [...nodes.values()], edges };
}

const STATE_CLASS: Record<EdgeState, PictureState> = {
  trusted: 'ok',
  missing: 'bad',
  unread: 'unknown',
  'not-given': 'none',
};
const STATE_WORDS: Record<EdgeState, string> = {
  trusted: 'holds the root',
  missing: 'lacks the root',
  unread: 'not judged: the certificate could not be read',
  'not-given': 'not judged: the store is not in the inventory',
};

const ROW = 22;
const HEADER = 40;
const BOX_WIDTH = 330;
const GAP = 210;
const MARGIN = 12;
const LEGEND = 34;
/** Enterprise side (CUCM, IM&P) left, Expressway-C in the middle, Expressway-E right: arrows cross one gap. */
const COLUMN_X = [MARGIN, MARGIN + BOX_WIDTH + GAP, MARGIN + 2 * BOX_WIDTH + GAP + 60];

interface Placed {
  node: TrustNode;
  x: number;
  y: number;
  height: number;
  rows: Map<string, number>;
}

function edgeSentence(edge: TrustEdge): string {
  const root = edge.root ? ` ${commonName(edge.root)}` : '';
  const words =
    edge.state === 'trusted' || edge.state === 'missing'
      ? `${STATE_WORDS[edge.state]}${root}`
      : STATE_WORDS[edge.state];
  const note = edge.note && edge.state === 'unread' ? ` (${edge.note})` : '';
  return `${storeLabel(edge.store.name)} of ${edge.store.node} must trust the ${serviceLabel(edge.peer.service)} certificate of ${edge.peer.node}: ${words}${note} (${edge.finding.ruleId}).`;
}

/** The trust map as SVG, or undefined when MRA-CERT-003 judged nothing. */
export function trustMapSvg(map: TrustMap, id: string): string | undefined {
  if (map.edges.length === 0) return undefined;
  const columns: Record<Role, number> = { cucm: 0, imp: 0, expc: 1, expe: 2, other: 2 };
  const order: Role[] = ['cucm', 'imp', 'expc', 'expe', 'other'];
  const heights = [MARGIN + LEGEND, MARGIN + LEGEND, MARGIN + LEGEND];
  const placed = new Map<string, Placed>();
  const sorted = [...map.nodes].sort(
    (a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.fqdn.localeCompare(b.fqdn),
  );
  for (const node of sorted) {
    const column = columns[node.role];
    const x = COLUMN_X[column]!;
    const y = heights[column]!;
    const rows = new Map<string, number>();
    let row = y + HEADER;
    for (const item of node.services) rows.set(`service ${item.name}`, (row += ROW) - ROW / 2);
    if (node.stores.length > 0) row += 6;
    for (const store of node.stores) rows.set(`store ${store}`, (row += ROW) - ROW / 2);
    const height = row - y + 8;
    placed.set(node.fqdn, { node, x, y, height, rows });
    heights[column] = y + height + 18;
  }
  const used = Math.max(...[...placed.values()].map((item) => item.x), MARGIN + 2 * 200);
  const width = used + BOX_WIDTH + MARGIN;
  const height = Math.max(...heights) + MARGIN;

  const boxes = [...placed.values()].map(({ node, x, y, height: h, rows }) => {
    const services = node.services.map((item) => {
      const cy = rows.get(`service ${item.name}`)!;
      const root = item.root ? `root ${commonName(item.root)}` : 'root unknown';
      const text = `${serviceLabel(item.name)}: ${root}`;
      return `<g class="tm-cert" data-node="${escapeHtml(node.fqdn)}" data-service="${escapeHtml(item.name)}">${title(`${ROLE_LABELS[node.role]} ${node.fqdn} presents its ${serviceLabel(item.name)} certificate; ${item.root ? `it chains to ${item.root}` : 'its root is unknown'}.`)}<rect class="cert-mark" x="${x + 10}" y="${cy - 5}" width="10" height="10" transform="rotate(45 ${x + 15} ${cy})"/><text x="${x + 28}" y="${cy + 4}">${escapeHtml(fit(text, 42))}</text></g>`;
    });
    const stores = node.stores.map((store) => {
      const cy = rows.get(`store ${store}`)!;
      return `<g class="tm-store" data-node="${escapeHtml(node.fqdn)}" data-store="${escapeHtml(store)}">${title(`${storeLabel(store)}: the trust store of ${node.fqdn}.`)}<rect class="store-mark" x="${x + 10}" y="${cy - 6}" width="12" height="12" rx="2"/><text x="${x + 28}" y="${cy + 4}">${escapeHtml(fit(`trust store ${storeLabel(store)}`, 42))}</text></g>`;
    });
    return `<g class="tm-node role-${node.role}" data-node="${escapeHtml(node.fqdn)}" data-role="${node.role}">${title(`${ROLE_LABELS[node.role]} ${node.fqdn}: ${node.services.length} certificate(s), ${node.stores.length} trust store(s) judged.`)}<rect class="box" x="${x}" y="${y}" width="${BOX_WIDTH}" height="${h}" rx="6"/><text class="role" x="${x + 10}" y="${y + 16}">${escapeHtml(ROLE_LABELS[node.role])}</text><text class="fqdn" x="${x + 10}" y="${y + 33}">${escapeHtml(fit(node.fqdn, 40))}</text>${services.join('')}${stores.join('')}</g>`;
  });

  // A badge sits near the end where its arrow is alone: by the store when one store trusts one
  // peer, by the peer when a store fans out to several (Expressway-C's list), so badges do not pile up.
  const fanOut = new Map<string, number>();
  for (const edge of map.edges) {
    const key = `${edge.store.node} ${edge.store.name}`;
    fanOut.set(key, (fanOut.get(key) ?? 0) + 1);
  }
  const arrows = map.edges.flatMap((edge) => {
    const from = placed.get(edge.store.node);
    const to = placed.get(edge.peer.node);
    const y1 = from?.rows.get(`store ${edge.store.name}`);
    const y2 = to?.rows.get(`service ${edge.peer.service}`);
    if (!from || !to || y1 === undefined || y2 === undefined) return [];
    const rightward = to.x > from.x;
    const sameColumn = to.x === from.x;
    const x1 = rightward || sameColumn ? from.x + BOX_WIDTH : from.x;
    const x2 = rightward ? to.x : to.x + BOX_WIDTH;
    const dir: 1 | -1 = rightward ? 1 : -1;
    const bend = sameColumn ? 60 : Math.max(40, Math.abs(x2 - x1) / 2);
    const c1 = x1 + (rightward || sameColumn ? bend : -bend);
    const c2 = x2 - (sameColumn ? -bend : dir * bend);
    const end = sameColumn ? x2 + 2 : x2 - dir * 2;
    const state = STATE_CLASS[edge.state];
    const t = (fanOut.get(`${edge.store.node} ${edge.store.name}`) ?? 1) > 1 ? 0.8 : 0.22;
    const u = 1 - t;
    const mx = u * u * u * x1 + 3 * u * u * t * c1 + 3 * u * t * t * c2 + t * t * t * end;
    const my = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
    const headDir: 1 | -1 = sameColumn ? -1 : dir;
    return [
      `<a href="#${findingAnchor(edge.finding)}"><g class="tm-edge ${state}" data-state="${edge.state}" data-store="${escapeHtml(`${edge.store.node} ${edge.store.name}`)}" data-peer="${escapeHtml(`${edge.peer.node} ${edge.peer.service}`)}">${title(edgeSentence(edge))}<path class="line" d="M${x1} ${y1} C${c1} ${y1} ${c2} ${y2} ${end} ${y2}"/>${arrowhead(end, y2, headDir)}<circle class="badge" cx="${mx.toFixed(1)}" cy="${my.toFixed(1)}" r="8"/><text class="glyph" x="${mx.toFixed(1)}" y="${(my + 4).toFixed(1)}">${GLYPHS[state]}</text></g></a>`,
    ];
  });

  const legend = [
    ['ok', 'store holds the root'],
    ['bad', 'store lacks the root'],
    ['unknown', 'not judged'],
  ]
    .map(([state, text], index) => {
      const x = MARGIN + index * 200;
      return `<g class="legend tm-edge ${state}">${title(`Legend: ${GLYPHS[state as PictureState]} ${text}`)}<path class="line" d="M${x} 20 L${x + 34} 20"/><circle class="badge" cx="${x + 17}" cy="20" r="8"/><text class="glyph" x="${x + 17}" y="24">${GLYPHS[state as PictureState]}</text><text x="${x + 42}" y="24">${text}</text></g>`;
    })
    .join('');

  const judged = map.edges.filter((edge) => edge.state === 'trusted' || edge.state === 'missing');
  const missing = judged.filter((edge) => edge.state === 'missing').length;
  const description = `${judged.length} trust relations judged by MRA-CERT-003: ${judged.length - missing} held, ${missing} missing; ${map.edges.length - judged.length} not judged. Arrows run from a trust store to the certificate it must trust.`;
  return `${svgOpen(id, width, height, 'Trust map of the MRA certificates', description)}${legend}${boxes.join('')}${arrows.join('')}</svg>`;
}

/** The trust relations as a table: store, peer certificate, state, root, finding. */
export function trustMapTable(map: TrustMap): string {
  const rows = map.edges.map(
    (edge) =>
      `<tr class="st-${STATE_CLASS[edge.state]}"><td><code>${escapeHtml(edge.store.node)}</code> ${escapeHtml(storeLabel(edge.store.name))}</td><td><code>${escapeHtml(edge.peer.node)}</code> ${escapeHtml(serviceLabel(edge.peer.service))}</td><td><span aria-hidden="true">${GLYPHS[STATE_CLASS[edge.state]]}</span> ${escapeHtml(STATE_WORDS[edge.state])}</td><td>${escapeHtml(edge.root ?? edge.note ?? '')}</td><td><a href="#${findingAnchor(edge.finding)}">${escapeHtml(edge.finding.ruleId)}</a></td></tr>`,
  );
  return `<div class="table-wrap"><table class="pic-table"><thead><tr><th scope="col">Trust store</th><th scope="col">Must trust</th><th scope="col">State</th><th scope="col">Root</th><th scope="col">Finding</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function trustMapPicture(report: Report): PictureParts {
  const map = trustMapOf(report);
  const nodeCount = new Set(map.nodes.map((node) => node.fqdn)).size;
  return {
    id: 'trust-map',
    heading: 'Trust map',
    caption: `Each arrow is a trust relation MRA needs, from a trust store to the certificate it must trust, as MRA-CERT-003 judged it (${nodeCount} nodes); each certificate names its root (MRA-CERT-002). Follow an arrow to its finding.`,
    svg: trustMapSvg(map, 'trust-map'),
    table: trustMapTable(map),
    empty:
      'No trust relation was judged: MRA-CERT-003 did not run, or the inventory gives no trust stores (trust[]) and certificates to check them against.',
  };
}
