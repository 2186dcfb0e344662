import type { ServiceOptions } from '../engine/services.js';

/** Placeholder until the area lands: Expressway versions from the inventory or status.xml. */
export interface ExpresswaySource {
  close?(): Promise<void>;
}

export function createExpresswaySource(_options: ServiceOptions): ExpresswaySource {
  return {};
}
