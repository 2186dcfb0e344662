import type { Check } from '../../engine/types.js';
import chainValid from './chain-valid.js';
import commonCa from './common-ca.js';
import crossTrust from './cross-trust.js';
import certExpiry from './cert-expiry.js';
import expcSanSecurityProfiles from './expc-san-security-profiles.js';
import expeSanDomains from './expe-san-domains.js';
import clientAuthEku from './client-auth-eku.js';
import keyAndSignature from './key-and-signature.js';
import hostnameMatch from './hostname-match.js';
import selfSignedDistinctCn from './self-signed-distinct-cn.js';

/** The cert area's checks, one module per rule (MRA-CERT-001..010). */
export const certChecks: Check[] = [
  chainValid,
  commonCa,
  crossTrust,
  certExpiry,
  expcSanSecurityProfiles,
  expeSanDomains,
  clientAuthEku,
  keyAndSignature,
  hostnameMatch,
  selfSignedDistinctCn,
];
