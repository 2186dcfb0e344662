import type { ServiceOptions } from '../engine/services.js';

/** Placeholder until the area lands: the CUCM snapshot, from live AXL, a snapshot file or a BAT CSV export. */
export interface CucmSource {
  close?(): Promise<void>;
}

export function createCucmSource(_options: ServiceOptions): CucmSource {
  return {};
}
