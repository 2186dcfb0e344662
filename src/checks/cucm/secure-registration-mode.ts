import { isEncrypted, isJabberDevice } from '../../cucm/mra-scope.js';
import type { ClusterSecurity, SecurityProfile } from '../../cucm/snapshot.js';
import { defineRule, isNotInScope, notInScope, type CheckFinding, type FixGroup } from '../rule.js';
import {
  MRA_ENDPOINTS_SCOPE,
  mraProfileGroups,
  profileFindingBase,
  profileFixGroup,
  type ProfileGroup,
} from './snapshot-access.js';

const messages = {
  mixedMode: 'The cluster is in mixed mode: the {endpoints} on Encrypted profile {profile} can register encrypted.',
  sipOAuth:
    'The cluster is not in mixed mode, but SIP OAuth is enabled on the cluster and on profile {profile}: its {endpoints} (Jabber) register encrypted with OAuth tokens.',
  cannotRegister:
    'Encrypted profile {profile} ({endpoints}) cannot register: the cluster is not in mixed mode and {missing}.',
  phonesOnOAuth:
    'The cluster is not in mixed mode; profile {profile} ({endpoints}, IP phones) relies on SIP OAuth, which Cisco documents for Jabber from CUCM 12.5 and for IP phones only from CUCM 14 with supported firmware: this rule cannot confirm the phones use it.',
  modeUnknown:
    'Profile {profile} ({endpoints}) is Encrypted, and the CUCM configuration read does not say whether the cluster is in mixed mode{oauthNote}.',
  oauthUnknown:
    'The cluster is not in mixed mode, and the CUCM configuration read does not say whether SIP OAuth is enabled {where}: the {endpoints} on Encrypted profile {profile} may not register.',
  profileNotInSnapshot:
    'Phone security profile {profile}, used by {endpoints}, is not in the CUCM configuration read: whether it is Encrypted is not known.',
} as const;

type MessageId = keyof typeof messages;

/** What the cluster's values say about SIP OAuth for one profile. */
interface OAuthState {
  /** Cluster and profile both have it on. */
  on: boolean;
  /** What is known to be off, for the fail message ("SIP OAuth mode is disabled on the cluster"). */
  off: string[];
  /** What is not known, for the inconclusive message. */
  unknown: string[];
}

function oauthState(cluster: ClusterSecurity, profile: SecurityProfile): OAuthState {
  const off: string[] = [];
  const unknown: string[] = [];
  if (cluster.sipOAuthMode === 'disabled') off.push('SIP OAuth mode is disabled on the cluster');
  else if (cluster.sipOAuthMode === undefined) unknown.push('on the cluster');
  if (profile.enableOAuthAuthentication === false) off.push('Enable OAuth Authentication is off on the profile');
  else if (profile.enableOAuthAuthentication === undefined) unknown.push('on the profile');
  return { on: off.length === 0 && unknown.length === 0, off, unknown };
}

/** The query a person runs on the CUCM CLI (`run sql ...`) to see the two cluster values. */
const RECHECK =
  "run sql select paramname, paramvalue from processconfig where paramname in ('ClusterSecurityMode', 'ClusterSIPOAuthMode')";

function judge(group: ProfileGroup & { profile: SecurityProfile }, cluster: ClusterSecurity): CheckFinding<MessageId> {
  const { args, evidence, target } = profileFindingBase(group);
  const jabber = group.phones.every(isJabberDevice);
  const oauth = oauthState(cluster, group.profile);
  const base = {
    target,
    evidence: {
      ...evidence,
      enableOAuthAuthentication: group.profile.enableOAuthAuthentication ?? null,
      jabberEndpoints: jabber,
      clusterSecurity: {
        clusterSecurityMode: cluster.clusterSecurityMode ?? null,
        sipOAuthMode: cluster.sipOAuthMode ?? null,
      },
      recheck: RECHECK,
    },
  };
  if (cluster.clusterSecurityMode === 'mixed') return { ...base, status: 'pass', messageId: 'mixedMode', args };
  if (oauth.on && jabber) return { ...base, status: 'pass', messageId: 'sipOAuth', args };
  if (oauth.on) return { ...base, status: 'inconclusive', messageId: 'phonesOnOAuth', args };
  if (cluster.clusterSecurityMode === undefined) {
    const oauthNote = oauth.off.length > 0 ? `, and ${oauth.off.join(' and ')}` : '';
    return { ...base, status: 'inconclusive', messageId: 'modeUnknown', args: { ...args, oauthNote } };
  }
  if (oauth.off.length > 0)
    return {
      ...base,
      status: 'fail',
      messageId: 'cannotRegister',
      args: { ...args, missing: oauth.off.join(' and ') },
    };
  return {
    ...base,
    status: 'inconclusive',
    messageId: 'oauthUnknown',
    args: { ...args, where: oauth.unknown.join(' or ') },
  };
}

/**
 * What to change: the cluster (mixed mode or SIP OAuth mode) when the cluster is what is missing or
 * the endpoints are IP phones (mixed mode), otherwise the profile (its Enable OAuth Authentication
 * box), grouped with MRA-CUCM-002..006.
 */
function fixGroupOf(finding: CheckFinding<MessageId>): FixGroup {
  const evidence = finding.evidence as { clusterSecurity?: ClusterSecurity; jabberEndpoints?: boolean } | undefined;
  const clusterOff = evidence?.clusterSecurity?.sipOAuthMode !== 'enabled' || evidence.jabberEndpoints === false;
  if (finding.messageId === 'cannotRegister' && clusterOff)
    return { key: 'cluster-security', label: 'CUCM cluster security (mixed mode or SIP OAuth mode)' };
  return profileFixGroup(finding.target.replace(/^security profile /, ''));
}

/**
 * SPEC 8.8. Seed: phone security profile step 6 (Encrypted, or Expressway refuses) — an Encrypted
 * profile registers only on a cluster that can serve encrypted registrations: mixed mode (CTL, and
 * LSCs from CAPF) or, for Jabber, SIP OAuth (Feature Configuration Guide for CUCM 15, "SIP OAuth
 * Mode"). Values and their AXL/SQL sources: README, "MRA-CUCM-013: where each value comes from".
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-013',
    slug: 'secure-registration-mode',
    area: 'cucm',
    severity: 'error',
    title: 'The cluster can serve the encrypted registrations of MRA endpoints (mixed mode or SIP OAuth)',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.securityProfiles', 'cucm.clusterSecurity'],
    scope: `${MRA_ENDPOINTS_SCOPE} on Encrypted phone security profiles`,
    fixGroup: fixGroupOf,
    messages,
  },
  async run(ctx) {
    const scope = await mraProfileGroups(ctx);
    if (isNotInScope(scope)) return scope;
    // A snapshot built by hand may lack the section: every value is then unknown, never a crash.
    const cluster: ClusterSecurity = scope.snapshot.clusterSecurity ?? {};
    const findings: Array<CheckFinding<MessageId>> = [];
    for (const group of scope.groups) {
      if (!group.profile) {
        const { args, ...base } = profileFindingBase(group);
        findings.push({ ...base, status: 'inconclusive', messageId: 'profileNotInSnapshot', args });
      } else if (isEncrypted(group.profile)) {
        findings.push(judge({ ...group, profile: group.profile }, cluster));
      }
    }
    if (findings.length > 0) return findings;
    return notInScope('no MRA endpoint uses an Encrypted phone security profile (MRA-CUCM-002 reports the others)');
  },
});
