import type { Check } from '../../engine/types.js';

/** The dns area's checks, one module per rule. */
export const dnsChecks: Check[] = [];
