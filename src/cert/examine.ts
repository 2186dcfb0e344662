import type { NodeRole, TlsService } from '../inventory/types.js';
import type { CertificateEndpoint, CertificateSource, ChainResult } from './source.js';
import { certificateEvidence, type Certificate } from './certificate.js';
import { buildPath, type ChainPath } from './path.js';
import { certificateLabel, validatePath, type PathValidation } from './validate.js';

/** One endpoint with its chain and the path built from it against every anchor of the run. */
export interface Examined {
  endpoint: CertificateEndpoint;
  result: ChainResult;
  path?: ChainPath;
  leaf?: Certificate;
  /** RFC 5280 6.1 verdict at the run's instant, when examineEndpoints was given `at`. */
  validation?: PathValidation;
}

/**
 * Fetches (once per run, through the source's cache) and path-builds the selected endpoints; with
 * `options.at` (the run's --as-of instant) each chain also gets its RFC 5280 6.1 validation.
 */
export async function examineEndpoints(
  source: CertificateSource,
  select: (endpoint: CertificateEndpoint) => boolean = () => true,
  options: { at?: Date } = {},
): Promise<Examined[]> {
  const endpoints = source.endpoints().filter(select);
  if (endpoints.length === 0) return [];
  const anchors = await source.anchors();
  return Promise.all(
    endpoints.map(async (endpoint): Promise<Examined> => {
      const result = await source.chain(endpoint);
      if (!result.ok) return { endpoint, result };
      const examined: Examined = {
        endpoint,
        result,
        path: buildPath(result.certificates, anchors),
        leaf: result.certificates[0]!,
      };
      if (options.at) examined.validation = validatePath(result.certificates, anchors, { at: options.at });
      return examined;
    }),
  );
}

/** Facts about a certificate or chain, for a finding's evidence. */
export type Facts = Record<string, unknown>;

/** Where a certificate came from, and which one it is when its chain was read (the fix groups key on sha256). */
export function endpointEvidence(endpoint: CertificateEndpoint, leaf?: Certificate): Facts {
  return {
    node: endpoint.node,
    service: endpoint.service,
    origin: endpoint.origin,
    location: endpoint.location,
    ...(leaf ? { leaf: { subject: leaf.subject, sha256: leaf.sha256 } } : {}),
  };
}

export function pathEvidence(path: ChainPath): Facts {
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

/** Evidence of a path validation: the path (valid, or the one that came closest), the failed condition, the notes. */
export function validationEvidence(validation: PathValidation): Facts {
  return {
    ...pathEvidence(validation.path),
    candidates: validation.candidates,
    ...(validation.valid
      ? {}
      : {
          failure: {
            condition: validation.failure.condition,
            reference: validation.failure.reference,
            certificate: validation.failure.certificate ? certificateLabel(validation.failure.certificate) : null,
            message: validation.failure.message,
          },
        }),
    ...(validation.notes.length > 0
      ? { notes: validation.notes.map((note) => `${note.message} (${note.reference})`) }
      : {}),
  };
}
