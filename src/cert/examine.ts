import type { CheckFinding, Evidence } from '../engine/types.js';
import type { NodeRole, TlsService } from '../inventory/types.js';
import type { CertificateEndpoint, CertificateSource, ChainResult } from './source.js';
import { certificateEvidence, type Certificate } from './certificate.js';
import { buildPath, type ChainPath } from './path.js';

/** One endpoint with its chain and the path built from it against every anchor of the run. */
export interface Examined {
  endpoint: CertificateEndpoint;
  result: ChainResult;
  path?: ChainPath;
  leaf?: Certificate;
}

/** Fetches (once per run, through the source's cache) and path-builds the selected endpoints. */
export async function examineEndpoints(
  source: CertificateSource,
  select: (endpoint: CertificateEndpoint) => boolean = () => true,
): Promise<Examined[]> {
  const endpoints = source.endpoints().filter(select);
  if (endpoints.length === 0) return [];
  const anchors = await source.anchors();
  return Promise.all(
    endpoints.map(async (endpoint): Promise<Examined> => {
      const result = await source.chain(endpoint);
      if (!result.ok) return { endpoint, result };
      return { endpoint, result, path: buildPath(result.certificates, anchors), leaf: result.certificates[0]! };
    }),
  );
}

export const ENDPOINT_MESSAGES = {
  notObtained: 'Could not read the certificate chain of {target}: {failure}, {detail}.',
  chainUnreadable:
    'Skipped: the certificate chain of {target} could not be read ({failure}); MRA-CERT-001 reports that.',
  noEndpoints: 'Skipped: {reason}.',
} as const;

export function endpointEvidence(endpoint: CertificateEndpoint): Evidence {
  return { node: endpoint.node, service: endpoint.service, origin: endpoint.origin, location: endpoint.location };
}

/** The `inconclusive` finding of an endpoint whose chain could not be read. */
export function notObtained(examined: Examined): CheckFinding<'notObtained'> {
  const { endpoint, result } = examined;
  if (result.ok) throw new Error('notObtained called for a chain that was read');
  return {
    target: endpoint.target,
    status: 'inconclusive',
    messageId: 'notObtained',
    args: { target: endpoint.target, failure: result.failure, detail: result.detail },
    evidence: { ...endpointEvidence(endpoint), failure: result.failure, detail: result.detail },
    durationMs: result.durationMs,
  };
}

/**
 * What every certificate rule but MRA-CERT-001 says of an endpoint whose chain could not be read:
 * skipped, naming MRA-CERT-001, which carries the failure (SPEC section 4: reported once).
 */
export function chainPrerequisite(examined: Examined): CheckFinding<'chainUnreadable'> {
  const { endpoint, result } = examined;
  if (result.ok) throw new Error('chainPrerequisite called for a chain that was read');
  return {
    target: endpoint.target,
    status: 'skipped',
    messageId: 'chainUnreadable',
    args: { target: endpoint.target, failure: result.failure },
    evidence: {
      ...endpointEvidence(endpoint),
      prerequisite: 'MRA-CERT-001',
      failure: result.failure,
      detail: result.detail,
    },
    durationMs: result.durationMs,
  };
}

/** Nothing of the kind in scope: one `skipped` finding for the deployment. */
export function nothingInScope(reason: string): CheckFinding<'noEndpoints'> {
  return { target: 'deployment', status: 'skipped', messageId: 'noEndpoints', args: { reason } };
}

export function pathEvidence(path: ChainPath): Evidence {
  return {
    chain: path.certificates.map(certificateEvidence),
    trustedBy: path.anchor ? path.anchor.sources : null,
    ...(path.unused.length > 0 ? { ignoredPresented: path.unused.map((cert) => cert.subject) } : {}),
  };
}

export const roleIs =
  (...roles: NodeRole[]) =>
  (endpoint: CertificateEndpoint): boolean =>
    endpoint.role !== undefined && roles.includes(endpoint.role);

/**
 * The certificate a node presents for a service: the live one when it was read, else the exported
 * file; undefined when the inventory has neither, a failed result when none could be read.
 */
export function serviceCertificate(
  examined: readonly Examined[],
  node: string,
  service: TlsService,
): Examined | undefined {
  const candidates = examined.filter((item) => item.endpoint.node === node && item.endpoint.service === service);
  return (
    candidates.find((item) => item.result.ok && item.endpoint.origin === 'live') ??
    candidates.find((item) => item.result.ok) ??
    candidates[0]
  );
}

export const nodeLabel = (endpoint: CertificateEndpoint): string => `${endpoint.node} ${endpoint.service}`;
