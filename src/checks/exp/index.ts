import type { Check } from '../../engine/types.js';

/** The exp area's checks, one module per rule. */
export const expChecks: Check[] = [];
