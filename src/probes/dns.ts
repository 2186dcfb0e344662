import type { ServiceOptions } from '../engine/services.js';

/** Placeholder until the area lands: DNS queries (dns2, UDP with TCP fallback), cached per resolver+name+type. */
export interface DnsProbe {
  close?(): Promise<void>;
}

export function createDnsProbe(_options: ServiceOptions): DnsProbe {
  return {};
}
