import type { Check } from '../../engine/types.js';

/** The cert area's checks, one module per rule. */
export const certChecks: Check[] = [];
