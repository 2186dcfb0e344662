import { formatAddress, parseAddress } from '../../inventory/address.js';
import { DNS_PORT } from '../../probes/dns.js';

/** The SRV names of the seed's DNS requirements and the port MRA expects behind them. */
export const UDS_SERVICE = '_cisco-uds._tcp';
export const CUPLOGIN_SERVICE = '_cuplogin._tcp';
export const COLLAB_EDGE_SERVICE = '_collab-edge._tls';
export const MRA_SRV_PORT = 8443;

/** Resolvers as targets and evidence show them (10.1.1.53:53, [::1]:5353), each once. */
export function resolverLabels(resolvers: readonly string[]): string[] {
  return [...new Set(resolvers.map((resolver) => formatAddress(parseAddress(resolver, DNS_PORT))))];
}

/** SPEC section 4: DNS-001..003 targets are one record name on one resolver. */
export function recordTarget(name: string, resolver: string): string {
  return `${name}@${resolver}`;
}
