import type { ServiceOptions } from '../engine/services.js';

/** Placeholder until the area lands: SNTP exchanges over node:dgram, cached per server. */
export interface NtpProbe {
  close?(): Promise<void>;
}

export function createNtpProbe(_options: ServiceOptions): NtpProbe {
  return {};
}
