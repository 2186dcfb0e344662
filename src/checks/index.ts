import type { Check } from '../engine/types.js';
import { certChecks } from './cert/index.js';
import { cucmChecks } from './cucm/index.js';
import { dnsChecks } from './dns/index.js';
import { expChecks } from './exp/index.js';
import { ntpChecks } from './ntp/index.js';

/** Every implemented check; the catalog (rules/) lists the rest as planned. */
export const ALL_CHECKS: readonly Check[] = [...dnsChecks, ...ntpChecks, ...certChecks, ...cucmChecks, ...expChecks];
