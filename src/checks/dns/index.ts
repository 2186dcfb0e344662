import type { Check } from '../../engine/types.js';
import collabEdgeSrvExternal from './collab-edge-srv-external.js';
import forwardInternal from './forward-internal.js';
import hostnameSyntax from './hostname-syntax.js';
import resolverAgreement from './resolver-agreement.js';
import reverseInternal from './reverse-internal.js';
import udsSrvInternal from './uds-srv-internal.js';
import udsSrvNotExternal from './uds-srv-not-external.js';

/** The dns area's checks, one module per rule. */
export const dnsChecks: Check[] = [
  udsSrvInternal,
  udsSrvNotExternal,
  collabEdgeSrvExternal,
  forwardInternal,
  reverseInternal,
  resolverAgreement,
  hostnameSyntax,
];
