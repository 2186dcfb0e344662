import { jabberUsers, mraEndpoints, sample } from '../../cucm/mra-scope.js';
import type { CucmSnapshot, EndUser, Phone, SecurityProfile } from '../../cucm/snapshot.js';
import {
  notInScope,
  type CheckContext,
  type Evidence,
  type FixGroup,
  type CheckFinding,
  type NotInScope,
} from '../rule.js';
import { snapshotOf } from '../services.js';

/**
 * What the CUCM rules share: the run's snapshot (the engine has already checked that the sections
 * a rule declares in `needs` were read), the MRA endpoints (phones in cucm.mraDevicePools), and
 * the per-profile, per-pool and per-user-profile scopes SPEC section 4 asks findings to follow.
 */

export interface EndpointScope {
  snapshot: CucmSnapshot;
  endpoints: Phone[];
}

/** The MRA endpoints, or why there are none (no MRA pools in the inventory, no phone in them). */
export async function mraEndpointScope(ctx: CheckContext): Promise<EndpointScope | NotInScope> {
  const pools = ctx.inventory.cucm.mraDevicePools;
  if (pools.length === 0) {
    return notInScope('no MRA device pools in the inventory (cucm.mraDevicePools), so no phone is an MRA endpoint');
  }
  const snapshot = await snapshotOf(ctx.services);
  const endpoints = mraEndpoints(snapshot, ctx.inventory);
  if (endpoints.length === 0) {
    return notInScope(`no phone of the CUCM configuration is in an MRA device pool (${pools.join(', ')})`);
  }
  return { snapshot, endpoints };
}

/** The inventory's MRA device pools (cucm.mraDevicePools) with the snapshot, or why there are none. */
export async function mraPoolScope(
  ctx: CheckContext,
): Promise<{ snapshot: CucmSnapshot; pools: string[] } | NotInScope> {
  const pools = [...new Set(ctx.inventory.cucm.mraDevicePools)];
  if (pools.length === 0) return notInScope('no MRA device pools in the inventory (cucm.mraDevicePools)');
  return { snapshot: await snapshotOf(ctx.services), pools };
}

/**
 * MRA endpoints grouped by the security profile they use, profiles in name order. Endpoints with
 * no profile at all are left out: MRA-CUCM-006 reports them one by one.
 */
export function endpointsByProfile(endpoints: readonly Phone[]): Array<[string, Phone[]]> {
  const groups = new Map<string, Phone[]>();
  for (const phone of endpoints) {
    if (phone.securityProfile.trim() === '') continue;
    const group = groups.get(phone.securityProfile);
    if (group) group.push(phone);
    else groups.set(phone.securityProfile, [phone]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

export interface ProfileGroup {
  name: string;
  /** The MRA endpoints that use the profile. */
  phones: Phone[];
  /** Undefined when the snapshot lists the phones' profile but not the profile itself. */
  profile: SecurityProfile | undefined;
}

/**
 * The phone security profiles MRA endpoints use, each with its endpoints (MRA-CUCM-002..005 judge
 * one finding per profile), or why there is nothing to judge.
 */
export async function mraProfileGroups(
  ctx: CheckContext,
): Promise<{ snapshot: CucmSnapshot; groups: ProfileGroup[] } | NotInScope> {
  const scope = await mraEndpointScope(ctx);
  if ('notInScope' in scope) return scope;
  const profiles = new Map(scope.snapshot.securityProfiles.map((profile) => [profile.name, profile]));
  const groups = endpointsByProfile(scope.endpoints).map(([name, phones]) => ({
    name,
    phones,
    profile: profiles.get(name),
  }));
  return { snapshot: scope.snapshot, groups };
}

/** Target, evidence and args every per-profile finding carries. */
export function profileFindingBase(group: ProfileGroup): {
  target: string;
  evidence: Evidence;
  args: { profile: string; endpoints: string };
} {
  return {
    target: profileTarget(group.name),
    evidence: profileEvidence(group.profile, group.phones),
    args: { profile: group.name, endpoints: countOf(group.phones.length, 'MRA endpoint') },
  };
}

export const profileTarget = (name: string): string => `security profile ${name}`;
export const poolTarget = (name: string): string => `device pool ${name}`;
export const phoneTarget = (name: string): string => `phone ${name}`;

/** What a person re-checks on System > Security > Phone Security Profile, plus who uses it. */
export function profileEvidence(profile: SecurityProfile | undefined, phones: readonly Phone[]): Evidence {
  const models = [...new Set(phones.map((phone) => phone.model))].sort();
  return {
    ...(profile
      ? {
          profile: {
            name: profile.name,
            phoneType: profile.phoneType,
            protocol: profile.protocol,
            deviceSecurityMode: profile.deviceSecurityMode,
            transportType: profile.transportType,
            tftpEncryptedConfig: profile.tftpEncryptedConfig,
          },
        }
      : { profile: null }),
    mraEndpoints: sample(phones.map((phone) => phone.name)),
    models,
  };
}

export interface JabberProfileGroups {
  /** User profile name → the Jabber users assigned to it, in name order. */
  groups: Array<[string, EndUser[]]>;
  /** Jabber users with no user profile. */
  withoutProfile: EndUser[];
  /** Owners of Jabber devices the snapshot has no end user for. */
  unknownOwners: string[];
}

/** The user profiles Jabber users (IM&P-enabled, or owners of CSF/BOT/TCT/TAB) are assigned. */
export function jabberProfileGroups(snapshot: CucmSnapshot): JabberProfileGroups {
  const { users, unknownOwners } = jabberUsers(snapshot);
  const groups = new Map<string, EndUser[]>();
  const withoutProfile: EndUser[] = [];
  for (const user of users) {
    const name = user.userProfile?.trim();
    if (!name) {
      withoutProfile.push(user);
      continue;
    }
    const group = groups.get(name);
    if (group) group.push(user);
    else groups.set(name, [user]);
  }
  return { groups: [...groups].sort(([a], [b]) => a.localeCompare(b)), withoutProfile, unknownOwners };
}

export const userProfileTarget = (name: string): string => `user profile ${name}`;

/** "1 MRA endpoint", "2 MRA endpoints": counts in messages read as English. */
export const countOf = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A phone security profile is fixed once, whichever of MRA-CUCM-002..006 it fails. */
export const profileFixGroup = (name: string): FixGroup => ({
  key: `security-profile:${name}`,
  label: `phone security profile ${name}`,
});

/** The fix group of a per-profile finding (target `security profile <name>`). */
export const profileGroupOf = (finding: CheckFinding): FixGroup =>
  profileFixGroup(finding.target.replace(/^security profile /, ''));

/** A device pool (or the user profile) is changed once, whichever rules report it. */
export const poolGroupOf = (finding: CheckFinding): FixGroup => ({
  key: `device-pool:${finding.target.replace(/^device pool /, '')}`,
  label: finding.target,
});

export const userProfileGroupOf = (finding: CheckFinding): FixGroup => ({
  key: `user-profile:${finding.target.replace(/^user profile /, '')}`,
  label: finding.target,
});

export const MRA_ENDPOINTS_SCOPE = 'MRA endpoints (phones in cucm.mraDevicePools)';
