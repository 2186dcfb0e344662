import type { Examined } from '../../cert/examine.js';
import { blocked, type Blocked, type CheckFinding, type FixGroup, type Prerequisite } from '../rule.js';

/**
 * What the certificate rules share. Every rule but MRA-CERT-001 judges only chains that could be
 * read; for the others MRA-CERT-001 carries the failure (SPEC section 4: a failure is reported
 * once, where it belongs) and the engine says so in their place.
 */
export const CHAIN_READ: Prerequisite = { rule: 'MRA-CERT-001', messages: ['notObtained'] };

/** Each examined endpoint judged, or left to MRA-CERT-001 when its chain could not be read. */
export function perEndpoint<M extends string>(
  examined: readonly Examined[],
  judge: (item: Required<Examined>) => CheckFinding<NoInfer<M>>,
): Array<CheckFinding<M> | Blocked> {
  return examined.map((item) =>
    item.path && item.leaf ? judge(item as Required<Examined>) : blocked(item.endpoint.target),
  );
}

/** A certificate is fixed once (re-issued, re-uploaded), whichever rules it fails and wherever it is served. */
export function certificateFixGroup(finding: CheckFinding): FixGroup {
  const leaf = finding.evidence?.leaf as { subject?: string; sha256?: string } | undefined;
  return leaf?.sha256
    ? { key: `certificate:${leaf.sha256}`, label: `certificate ${leaf.subject ?? finding.target}` }
    : { key: `certificate-endpoint:${finding.target}`, label: `certificate of ${finding.target}` };
}

export const ENDPOINTS_SCOPE = 'certificate endpoints (nodes[].tls) or certificate files (certificates)';
