import type { Check } from '../../engine/types.js';
import ntpReachable from './ntp-reachable.js';
import ntpStratum from './ntp-stratum.js';
import ntpOffset from './ntp-offset.js';
import phoneNtpReference from './phone-ntp-reference.js';

/** The ntp area's checks, one module per rule. */
export const ntpChecks: Check[] = [ntpReachable, ntpStratum, ntpOffset, phoneNtpReference];
