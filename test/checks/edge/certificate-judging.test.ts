import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../../lab/pki.js';
import { parseCertificate } from '../../../src/cert/certificate.js';
import { AnchorSet } from '../../../src/cert/path.js';
import { NODE_ROOTS } from '../../../src/cert/roots.js';
import type { EdgeChain } from '../../../src/edge/source.js';
import { findingFor } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { edgeTarget, fakeEdge, judgeEdge } from './fake-edge.js';

/**
 * MRA-EDGE-002's verdict on chains a fake edge presents: which targets it reads, a chain it could
 * not read, and the names and roots it states. Real TLS from the edge server is in
 * edge-certificate.test.ts.
 */
const RULE = 'MRA-EDGE-002';
const TARGET = 'expe.example.com:8443';

const pki = testPki();
const rootA = parseCertificate(pki.rootA.certDer);
const intermediateA = parseCertificate(pki.intermediateA.certDer);
/** Root A as MRA clients trust it, from edge.clientTrust and Node's root store at once. */
const anchors = (): AnchorSet =>
  new AnchorSet([
    { certificate: rootA, source: 'edge.clientTrust' },
    { certificate: rootA, source: NODE_ROOTS },
  ]);

const presented = (leaf: ReturnType<typeof leafFor>): EdgeChain => ({
  ok: true,
  certificates: [parseCertificate(leaf.certDer), intermediateA],
  durationMs: 5,
  problems: [],
});

describe('MRA-EDGE-002 judging', () => {
  it('has nothing in scope when discovery found no target, pointing at MRA-DNS-003', async () => {
    const findings = await judgeEdge(RULE, fakeEdge({ ok: false, reason: 'no external resolver answers' }, {}));
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no external resolver answers; MRA-DNS-003 reports the SRV records.',
    );
  });

  it('reads a target named for two domains once, and no target without an address', async () => {
    const leaf = leafFor('expe.example.com', pki.intermediateA);
    const fake = fakeEdge(
      {
        ok: true,
        targets: [
          edgeTarget(),
          edgeTarget({ domain: 'example.org' }),
          edgeTarget({ host: 'expe2.example.com', addresses: [], addressProblem: 'NXDOMAIN' }),
        ],
      },
      { chain: async () => presented(leaf), clientAnchors: anchors },
    );
    const findings = await judgeEdge(RULE, fake);
    expect(fake.asked).toEqual(['chain expe.example.com@203.0.113.30']);
    // The target without an address is MRA-EDGE-001's noAddress; this rule has nothing to say on it.
    expect(findings.map((finding) => [finding.target, finding.status])).toEqual([[TARGET, 'pass']]);
  });

  it('is inconclusive when the chain cannot be read, naming the address and the failure', async () => {
    const findings = await judgeEdge(
      RULE,
      fakeEdge(
        { ok: true, targets: [edgeTarget()] },
        {
          chain: async () => ({
            ok: false,
            failure: 'truncated',
            detail: 'the server closed after 12 bytes',
            durationMs: 9,
          }),
          clientAnchors: anchors,
        },
      ),
    );
    const finding = findingFor(findings, TARGET);
    expect(finding).toMatchObject({ status: 'inconclusive', messageId: 'notObtained', durationMs: 9 });
    expect(finding.message).toBe(
      'Could not read the certificate expe.example.com:8443 presents at 203.0.113.30: truncated, the server closed after 12 bytes.',
    );
    expect(finding.evidence).toEqual({
      srvTarget: 'expe.example.com',
      address: '203.0.113.30',
      port: 8443,
      failure: 'truncated',
      detail: 'the server closed after 12 bytes',
    });
  });

  it('passes a chain to a trusted root, naming the root, every store that trusts it, and the leaf', async () => {
    const leaf = leafFor('expe.example.com', pki.intermediateA);
    const findings = await judgeEdge(
      RULE,
      fakeEdge({ ok: true, targets: [edgeTarget()] }, { chain: async () => presented(leaf), clientAnchors: anchors }),
    );
    const finding = findingFor(findings, TARGET);
    expect(finding).toMatchObject({ status: 'pass', messageId: 'valid' });
    expect(finding.message).toMatch(
      new RegExp(
        `^expe\\.example\\.com:8443 presents a certificate that builds to ${rootA.subject} \\(edge\\.clientTrust, Node's root store\\), names expe\\.example\\.com and is valid at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.$`,
      ),
    );
    expect(finding.evidence).toMatchObject({
      srvTarget: 'expe.example.com',
      address: '203.0.113.30',
      port: 8443,
      leaf: { subject: parseCertificate(leaf.certDer).subject, sha256: parseCertificate(leaf.certDer).sha256 },
      sans: ['expe.example.com'],
      trustedBy: ['edge.clientTrust', NODE_ROOTS],
    });
  });

  it('fails a certificate naming other hosts, listing every name it carries', async () => {
    const leaf = leafFor('expe.example.net', pki.intermediateA, { sans: ['expe.example.net', 'mra.example.net'] });
    const findings = await judgeEdge(
      RULE,
      fakeEdge({ ok: true, targets: [edgeTarget()] }, { chain: async () => presented(leaf), clientAnchors: anchors }),
    );
    const finding = findingFor(findings, TARGET);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'nameMismatch' });
    expect(finding.message).toBe(
      'expe.example.com:8443 presents a certificate that does not name expe.example.com (its SAN names: expe.example.net, mra.example.net); Jabber checks it against the SRV target.',
    );
  });

  it('fails a certificate without any name, saying it names none', async () => {
    const leaf = issueCertificate({ commonName: '', extendedKeyUsage: ['serverAuth'] }, pki.intermediateA);
    const findings = await judgeEdge(
      RULE,
      fakeEdge({ ok: true, targets: [edgeTarget()] }, { chain: async () => presented(leaf), clientAnchors: anchors }),
    );
    const finding = findingFor(findings, TARGET);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'noNames' });
    expect(finding.message).toBe(
      'expe.example.com:8443 presents a certificate that names no host (no DNS subjectAltName, no commonName); Jabber checks it against the SRV target expe.example.com.',
    );
  });
});
