import type { Check } from '../../engine/types.js';
import expresswayVersion from './expressway-version.js';
import expresswayVersionMatch from './expressway-version-match.js';

/** The exp area's checks, one module per rule. */
export const expChecks: Check[] = [expresswayVersion, expresswayVersionMatch];
