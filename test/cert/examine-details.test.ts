import { describe, expect, it } from 'vitest';
import { certificateEvidence, parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import {
  examineEndpoints,
  nodeLabel,
  pathEvidence,
  roleIs,
  serviceCertificate,
  validationEvidence,
  type Examined,
} from '../../src/cert/examine.js';
import { AnchorSet, type ChainPath } from '../../src/cert/path.js';
import type { CertificateEndpoint, CertificateSource, ChainResult } from '../../src/cert/source.js';
import type { PathValidation } from '../../src/cert/validate.js';
import { buildChain, conformingChain } from './chains.js';

/**
 * Exact outcomes of the examine helpers: the evidence objects findings carry (keys present only
 * when they say something), which endpoint a rule reads for a node's service, role selection, and
 * that selecting nothing reads nothing.
 */
const built = buildChain(conformingChain());
const root = parseCertificate(built.rootDer);
const issuing = parseCertificate(built.intermediateDers[0]!);
const leaf = parseCertificate(built.leafDer);

const endpoint = (overrides: Partial<CertificateEndpoint> = {}): CertificateEndpoint => ({
  target: 'cucm-pub.example.com:8443 tomcat',
  node: 'cucm-pub.example.com',
  role: 'cucm-publisher',
  service: 'tomcat',
  origin: 'live',
  location: 'cucm-pub.example.com:8443',
  ...overrides,
});

const okResult = (certificates: Certificate[]): ChainResult => ({
  ok: true,
  certificates,
  durationMs: 3,
  problems: [],
});
const failed: ChainResult = { ok: false, failure: 'refused', detail: 'connection refused', durationMs: 1 };

describe('examineEndpoints', () => {
  it('reads neither anchors nor chains when the selection is empty', async () => {
    const calls: string[] = [];
    const source: CertificateSource = {
      endpoints: () => [endpoint()],
      chain: () => {
        calls.push('chain');
        return Promise.resolve(okResult([leaf]));
      },
      trustStore: () => Promise.resolve(undefined),
      anchors: () => {
        calls.push('anchors');
        return Promise.resolve(new AnchorSet());
      },
    };
    expect(await examineEndpoints(source, () => false)).toStrictEqual([]);
    expect(calls).toStrictEqual([]);
    const [examined] = await examineEndpoints(source);
    expect(calls).toStrictEqual(['anchors', 'chain']);
    expect(examined?.leaf).toBe(leaf);
  });
});

describe('pathEvidence', () => {
  it('lists the presented certificates left off the path by subject, and only when there are some', () => {
    const anchors = new AnchorSet([{ certificate: root, source: 'cucm-pub.example.com tomcat-trust' }]);
    const anchor = anchors.exact(root)!;
    const withUnused: ChainPath = { certificates: [leaf, issuing, root], anchor, unused: [issuing, root] };
    expect(pathEvidence(withUnused)).toStrictEqual({
      chain: [certificateEvidence(leaf), certificateEvidence(issuing), certificateEvidence(root)],
      trustedBy: ['cucm-pub.example.com tomcat-trust'],
      ignoredPresented: ['CN=Issuing CA 1, O=mra-preflight test', 'CN=Test Root, O=mra-preflight test'],
    });
    expect(pathEvidence({ certificates: [leaf], unused: [] })).toStrictEqual({
      chain: [certificateEvidence(leaf)],
      trustedBy: null,
    });
  });
});

describe('roleIs', () => {
  it('selects endpoints of the given roles only', () => {
    const selectEdge = roleIs('expressway-c', 'expressway-e');
    expect(selectEdge(endpoint({ role: 'expressway-e' }))).toBe(true);
    expect(selectEdge(endpoint({ role: 'cucm-publisher' }))).toBe(false);
    const { role: _role, ...withoutRole } = endpoint();
    expect(selectEdge(withoutRole)).toBe(false);
  });
});

describe('serviceCertificate', () => {
  const item = (overrides: Partial<CertificateEndpoint>, result: ChainResult): Examined => ({
    endpoint: endpoint(overrides),
    result,
  });

  it('prefers the live chain read over an exported file listed before it', () => {
    const file = item({ origin: 'file', location: '/exports/tomcat.pem' }, okResult([leaf]));
    const live = item({}, okResult([leaf, issuing]));
    const other = item({ node: 'cucm-sub.example.com' }, okResult([leaf]));
    expect(serviceCertificate([other, file, live], 'cucm-pub.example.com', 'tomcat')).toBe(live);
  });

  it('falls back to the exported file when the live chain could not be read', () => {
    const live = item({}, failed);
    const file = item({ origin: 'file', location: '/exports/tomcat.pem' }, okResult([leaf]));
    expect(serviceCertificate([live, file], 'cucm-pub.example.com', 'tomcat')).toBe(file);
  });

  it('returns the first failed result when nothing could be read, and undefined when the service is absent', () => {
    const live = item({}, failed);
    const file = item({ origin: 'file', location: '/exports/tomcat.pem' }, { ...failed, failure: 'unreadable' });
    expect(serviceCertificate([live, file], 'cucm-pub.example.com', 'tomcat')).toBe(live);
    expect(serviceCertificate([live, file], 'cucm-pub.example.com', 'server')).toBeUndefined();
  });
});

describe('nodeLabel', () => {
  it('names the node and the service', () => {
    expect(nodeLabel(endpoint({ node: 'expe.example.com', service: 'server' }))).toBe('expe.example.com server');
  });
});

describe('validationEvidence', () => {
  const anchors = new AnchorSet([{ certificate: root, source: 'caFile ca.pem' }]);
  const path = { certificates: [leaf, issuing, root], anchor: anchors.exact(root)!, unused: [] };
  const chain = [certificateEvidence(leaf), certificateEvidence(issuing), certificateEvidence(root)];

  it('renders each note with its reference, and no notes key when there are none', () => {
    const noted: PathValidation = {
      valid: true,
      path,
      candidates: 2,
      notes: [
        {
          kind: 'key-identifier',
          certificate: issuing,
          reference: 'RFC 5280 4.2.1.1',
          message: 'CN=Issuing CA 1, O=mra-preflight test has no authority key identifier',
        },
        {
          kind: 'anchor-profile',
          certificate: root,
          reference: 'RFC 5280 4.2.1.9',
          message: 'the trust anchor has no basicConstraints',
        },
      ],
    };
    expect(validationEvidence(noted)).toStrictEqual({
      chain,
      trustedBy: ['caFile ca.pem'],
      candidates: 2,
      notes: [
        'CN=Issuing CA 1, O=mra-preflight test has no authority key identifier (RFC 5280 4.2.1.1)',
        'the trust anchor has no basicConstraints (RFC 5280 4.2.1.9)',
      ],
    });
    expect(validationEvidence({ ...noted, notes: [] })).toStrictEqual({
      chain,
      trustedBy: ['caFile ca.pem'],
      candidates: 2,
    });
  });

  it('renders the failed condition, naming no certificate when the failure has none', () => {
    const invalid: PathValidation = {
      valid: false,
      path: { certificates: [leaf], unused: [] },
      candidates: 0,
      failure: {
        condition: 'no-valid-path-within-budget',
        reference: 'RFC 4158',
        message: 'the candidate budget ran out',
      },
      notes: [],
    };
    expect(validationEvidence(invalid)).toStrictEqual({
      chain: [certificateEvidence(leaf)],
      trustedBy: null,
      candidates: 0,
      failure: {
        condition: 'no-valid-path-within-budget',
        reference: 'RFC 4158',
        certificate: null,
        message: 'the candidate budget ran out',
      },
    });
  });
});
