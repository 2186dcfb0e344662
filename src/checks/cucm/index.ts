import type { Check } from '../../engine/types.js';

/** The cucm area's checks, one module per rule. */
export const cucmChecks: Check[] = [];
