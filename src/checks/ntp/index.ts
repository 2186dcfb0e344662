import type { Check } from '../../engine/types.js';

/** The ntp area's checks, one module per rule. */
export const ntpChecks: Check[] = [];
