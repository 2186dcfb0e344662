import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../src/engine/types.js';
import { dnsMatrixOf, dnsMatrixPicture } from '../../src/report/pictures/dns-views.js';
import { timelineOf, timelinePicture } from '../../src/report/pictures/expiry-timeline.js';
import { commonName, fit } from '../../src/report/pictures/svg.js';
import { trustMapOf, trustMapPicture } from '../../src/report/pictures/trust-map.js';
import { loadReport } from './fixtures.js';

const sample = loadReport('sample');

/** Every picture is well-formed XML, escapes what it draws, and names each drawn group. */
function checkSvg(svg: string | undefined): string {
  expect(svg).toBeDefined();
  expect(XMLValidator.validate(svg!)).toBe(true);
  expect(svg).toMatch(/^<svg class="pic" id="[a-z-]+-svg" role="img" aria-labelledby="/);
  expect(svg).not.toMatch(/<(img|script|iframe)\b/i);
  expect(svg!.match(/<svg\b/g)).toHaveLength(1);
  // No event-handler attribute: values (which may quote "onerror=" as text) are blanked first.
  expect(svg!.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son[a-z]+=/i);
  const groups = svg!.match(/<g\b[^>]*>/g) ?? [];
  const titled = svg!.match(/<g\b[^>]*><title>/g) ?? [];
  expect(titled.length).toBe(groups.length);
  return svg!;
}

describe('trust map (MRA-CERT-003, MRA-CERT-002, MRA-EXP-001)', () => {
  const map = trustMapOf(sample);

  it('has one arrow per relation MRA-CERT-003 judged, and the unjudged ones apart', () => {
    const relations = map.edges.map((edge) => [
      `${edge.store.node} ${edge.store.name}`,
      `${edge.peer.node} ${edge.peer.service}`,
      edge.state,
    ]);
    expect(relations).toEqual([
      ['cucm-pub.example.com tomcat-trust', 'expc.example.com server', 'missing'],
      ['cucm-pub.example.com callmanager-trust', 'expc.example.com server', 'trusted'],
      ['expc.example.com trusted-ca', 'cucm-pub.example.com tomcat', 'trusted'],
      ['expc.example.com trusted-ca', 'cucm-pub.example.com callmanager', 'trusted'],
      ['expc.example.com trusted-ca', 'imp-pub.example.com tomcat', 'trusted'],
      ['imp-pub.example.com tomcat-trust', 'expc.example.com server', 'not-given'],
    ]);
    expect(map.edges[0]!.root).toBe('CN=<script>alert(6)</script> Root');
  });

  it('knows each box: CUCM and IM&P by their services and stores, Expressway-C/E by MRA-EXP-001, roots by MRA-CERT-002', () => {
    const roles = Object.fromEntries(map.nodes.map((node) => [node.fqdn, node.role]));
    expect(roles).toEqual({
      'cucm-pub.example.com': 'cucm',
      'expc.example.com': 'expc',
      'imp-pub.example.com': 'imp',
      'expe.example.com': 'expe',
    });
    const expc = map.nodes.find((node) => node.fqdn === 'expc.example.com')!;
    expect(expc.services).toEqual([{ name: 'server', root: 'CN=<script>alert(6)</script> Root' }]);
    expect(expc.stores).toEqual(['trusted-ca']);
    const imp = map.nodes.find((node) => node.fqdn === 'imp-pub.example.com')!;
    expect(imp.services.map((item) => item.name).sort()).toEqual(['tomcat', 'xmpp']);
  });

  it('draws the hostile root name as text, arrows green/red/grey by state', () => {
    const svg = checkSvg(trustMapPicture(sample).svg);
    expect(svg).toContain('&lt;script&gt;alert(6)&lt;/script&gt; Root');
    expect(svg.match(/class="tm-edge bad" data-state="missing"/g)).toHaveLength(1);
    expect(svg.match(/class="tm-edge ok" data-state="trusted"/g)).toHaveLength(4);
    expect(svg.match(/class="tm-edge none" data-state="not-given"/g)).toHaveLength(1);
  });

  it('is absent, with the reason, when MRA-CERT-003 judged nothing', () => {
    const picture = trustMapPicture(loadReport('clean'));
    expect(picture.svg).toBeUndefined();
    expect(picture.empty).toMatch(/MRA-CERT-003/);
  });
});

describe('DNS views (MRA-DNS-001..003, MRA-EDGE-001)', () => {
  const matrix = dnsMatrixOf(sample);

  it('has one cell per record and resolver a rule judged, with the outcome and what MRA needs there', () => {
    const cells = matrix.cells.map((cell) => [cell.record, cell.view, cell.resolver, cell.outcome, cell.status]);
    expect(cells).toEqual(
      expect.arrayContaining([
        ['_cisco-uds._tcp.example.com SRV', 'internal', '10.1.1.53:53', 'NXDOMAIN', 'fail'],
        ['_cisco-uds._tcp.example.com SRV', 'internal', '127.0.0.1:5353', 'answer', 'pass'],
        ['cucm-pub.example.com A/AAAA', 'internal', '127.0.0.1:5353', 'answer', 'pass'],
        ['_cisco-uds._tcp.example.com SRV', 'external', '198.51.100.53:53', 'answer', 'fail'],
        ['_cuplogin._tcp.example.com SRV', 'external', '198.51.100.53:53', 'timeout', 'inconclusive'],
        ['_collab-edge._tls.example.com SRV', 'external', '198.51.100.53:53', 'answer', 'fail'],
        ['expe.example.com A/AAAA', 'external', '198.51.100.53:53', 'no address', 'fail'],
      ]),
    );
    expect(matrix.cells.find((cell) => cell.record.startsWith('_cuplogin'))!.expected).toBe('no answer');
    expect(matrix.resolvers).toEqual([
      { view: 'internal', resolver: '10.1.1.53:53' },
      { view: 'internal', resolver: '127.0.0.1:5353' },
      { view: 'external', resolver: '198.51.100.53:53' },
    ]);
    // SRV records first, then the A/AAAA of their targets.
    expect(matrix.records.slice(0, 3).every((record) => record.endsWith(' SRV'))).toBe(true);
  });

  it('draws the SRV target a hostile resolver sent as text', () => {
    const svg = checkSvg(dnsMatrixPicture(sample).svg);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).not.toContain('<svg onload');
    const table = dnsMatrixPicture(sample).table;
    expect(table).toContain('&quot;&#39;&gt;&lt;svg onload=alert(5)&gt;');
  });
});

describe('certificate expiry timeline (MRA-CERT-004)', () => {
  const timeline = timelineOf(sample)!;

  it('has each certificate once with its state at as-of and the warning window', () => {
    expect(timeline.asOf.toISOString()).toBe(sample.asOf);
    expect(timeline.warnDays).toBe(30);
    expect(timeline.certificates.map((item) => [item.subject, item.state, item.days])).toEqual([
      ['CN=<img src=x onerror=alert(1)>', 'expired', -30],
      ['CN=cucm-pub.example.com', 'soon', 18],
      ['CN=<script>alert(6)</script> Root', 'valid', 210],
      ['CN=Lab Root CA, O=Lab', 'valid', 1491],
    ]);
    expect(timeline.certificates[0]!.usedBy).toEqual(['expc.example.com server']);
  });

  it('marks as-of, the scan day and the window, and draws hostile subjects as text', () => {
    const svg = checkSvg(timelinePicture(sample).svg);
    expect(svg).toContain('as of 2026-12-01');
    expect(svg).toContain('scan 2026-11-24');
    expect(svg).toContain('warning window 30 d');
    expect(svg.match(/data-state="expired"/g)).toHaveLength(1);
    expect(svg.match(/data-state="soon"/g)).toHaveLength(1);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('says nothing was judged when MRA-CERT-004 read no chain', () => {
    expect(timelineOf(loadReport('clean'))).toBeUndefined();
    expect(timelinePicture(loadReport('clean')).svg).toBeUndefined();
  });

  it('keeps one row per certificate however many endpoints serve it, and caps what it draws', () => {
    const template = sample.findings.find((finding) => finding.ruleId === 'MRA-CERT-004')!;
    const findings: Finding[] = Array.from({ length: 60 }, (_, index) => ({
      ...template,
      target: `node${index}.example.com tomcat`,
      fingerprint: String(index).padStart(32, '0'),
      evidence: {
        ...template.evidence,
        node: `node${index}.example.com`,
        service: 'tomcat',
        certificates: [
          { subject: `CN=node${index}.example.com`, notAfter: `2027-0${(index % 9) + 1}-01T00:00:00.000Z` },
          { subject: 'CN=Lab Root CA, O=Lab', notAfter: '2031-01-01T00:00:00.000Z' },
        ],
      },
    }));
    const report: Report = { ...sample, findings };
    const big = timelineOf(report)!;
    expect(big.certificates).toHaveLength(61);
    expect(big.certificates.find((item) => item.subject === 'CN=Lab Root CA, O=Lab')!.usedBy).toHaveLength(60);
    const picture = timelinePicture(report);
    expect(picture.svg!.match(/class="tl-cert /g)).toHaveLength(40);
    expect(picture.table.match(/<tr class=/g)).toHaveLength(61);
  });
});

describe('picture helpers', () => {
  it('shortens labels by characters, never splitting a surrogate pair', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('😀😀😀😀', 3)).toBe('😀😀…');
    expect(fit('short', 10)).toBe('short');
    expect(commonName('CN=Lab Root CA, O=Lab')).toBe('Lab Root CA');
    expect(commonName('O=Lab, CN=Escaped\\, Name')).toBe('Escaped, Name');
    expect(commonName('O=No CN')).toBe('O=No CN');
  });
});
