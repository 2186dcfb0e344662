import type { EdgeTarget } from '../../edge/source.js';
import type { CheckFinding, FixGroup, Prerequisite } from '../rule.js';

/**
 * Targets and fix groups the edge rules share, so a finding of one names the finding of another
 * it depends on (the port of MRA-EDGE-001 under the certificate of MRA-EDGE-002 under the
 * discovery of MRA-EDGE-003).
 */
export const portTarget = (host: string, port: number, address: string): string => `${host}:${port} at ${address}`;
export const serviceTarget = (target: EdgeTarget): string => `${target.host}:${target.port}`;

export const EDGE_SCOPE = 'Expressway-E targets of _collab-edge._tls.<domain> in the external view';

/** MRA-EDGE-001 carries a port that could not be reached; the rules above it defer to it. */
export const PORT_OPEN: Prerequisite = {
  rule: 'MRA-EDGE-001',
  messages: ['refused', 'filtered', 'unreachable', 'noAddress'],
};

/** A remote client's path to one Expressway-E address is fixed once, on the firewall or the edge. */
export const edgeFixGroup = (finding: CheckFinding): FixGroup => {
  const host = finding.target.split(/[: ]/)[0] ?? finding.target;
  return { key: `edge:${host}`, label: `Expressway-E ${host} as remote clients reach it` };
};
