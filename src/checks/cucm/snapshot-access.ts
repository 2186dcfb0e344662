import { jabberUsers, mraEndpoints, sample } from '../../cucm/mra-scope.js';
import type { CucmSnapshot, EndUser, Phone, SecurityProfile, SnapshotSection } from '../../cucm/snapshot.js';
import type { CheckContext, CheckFinding, Evidence } from '../../engine/types.js';
import type { Inventory } from '../../inventory/types.js';

/** Messages every snapshot-reading rule may report before it gets to its own targets. */
export const SNAPSHOT_MESSAGES = {
  snapshotUnavailable: 'The CUCM configuration could not be read: {reason}.',
  sectionAbsent:
    'Skipped: the CUCM source ({origin}) has no {sections}; a BAT phone export carries phones only, so add cucm.snapshot or cucm.axl.',
  noMraPools: 'Skipped: no MRA device pools in the inventory (cucm.mraDevicePools), so no phone is an MRA endpoint.',
  noMraEndpoints: 'Skipped: no phone of the snapshot is in an MRA device pool ({pools}).',
} as const;

export type SnapshotMessageId = keyof typeof SNAPSHOT_MESSAGES;

export type SnapshotAccess =
  { ok: true; snapshot: CucmSnapshot; origin: string } | { ok: false; findings: CheckFinding<SnapshotMessageId>[] };

/**
 * The run's snapshot, or the one finding that says why the rule cannot look at it: inconclusive
 * when the source failed (AXL fault, unreadable file), skipped when the source simply does not
 * carry a section the rule needs (BAT export without a snapshot).
 */
export async function snapshotFor(ctx: CheckContext, sections: readonly SnapshotSection[]): Promise<SnapshotAccess> {
  const result = await ctx.services.cucm.snapshot();
  if (!result.ok) {
    return {
      ok: false,
      findings: [
        {
          target: 'deployment',
          status: 'inconclusive',
          messageId: 'snapshotUnavailable',
          args: { reason: result.reason },
        },
      ],
    };
  }
  const absent = sections.filter((section) => result.snapshot.absentSections?.includes(section));
  if (absent.length > 0) {
    return {
      ok: false,
      findings: [
        {
          target: 'deployment',
          status: 'skipped',
          messageId: 'sectionAbsent',
          args: { origin: result.origin, sections: absent.join(', ') },
          evidence: { source: result.origin, absentSections: absent },
        },
      ],
    };
  }
  return { ok: true, snapshot: result.snapshot, origin: result.origin };
}

export type ScopeAccess = { ok: true; endpoints: Phone[] } | { ok: false; findings: CheckFinding<SnapshotMessageId>[] };

/** The MRA endpoints, or the one skipped finding saying why there are none. */
export function endpointScope(snapshot: CucmSnapshot, inventory: Inventory): ScopeAccess {
  const pools = inventory.cucm.mraDevicePools;
  if (pools.length === 0)
    return { ok: false, findings: [{ target: 'deployment', status: 'skipped', messageId: 'noMraPools' }] };
  const endpoints = mraEndpoints(snapshot, inventory);
  if (endpoints.length === 0) {
    return {
      ok: false,
      findings: [
        {
          target: 'deployment',
          status: 'skipped',
          messageId: 'noMraEndpoints',
          args: { pools: pools.join(', ') },
          evidence: { mraDevicePools: pools, phones: snapshot.phones.length },
        },
      ],
    };
  }
  return { ok: true, endpoints };
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

export type ProfileScope =
  | { ok: true; snapshot: CucmSnapshot; groups: ProfileGroup[] }
  | { ok: false; findings: CheckFinding<SnapshotMessageId>[] };

/**
 * The phone security profiles MRA endpoints use, each with its endpoints (MRA-CUCM-002..005 judge
 * one finding per profile), or the one finding saying why there is nothing to judge.
 */
export async function mraProfileGroups(ctx: CheckContext, sections: readonly SnapshotSection[]): Promise<ProfileScope> {
  const access = await snapshotFor(ctx, sections);
  if (!access.ok) return access;
  const scope = endpointScope(access.snapshot, ctx.inventory);
  if (!scope.ok) return scope;
  const profiles = new Map(access.snapshot.securityProfiles.map((profile) => [profile.name, profile]));
  const groups = endpointsByProfile(scope.endpoints).map(([name, phones]) => ({
    name,
    phones,
    profile: profiles.get(name),
  }));
  return { ok: true, snapshot: access.snapshot, groups };
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

/** The inventory's MRA device pools (cucm.mraDevicePools), or the skipped finding when none. */
export function mraPools(
  inventory: Inventory,
): { ok: true; pools: string[] } | { ok: false; findings: CheckFinding<SnapshotMessageId>[] } {
  const pools = [...new Set(inventory.cucm.mraDevicePools)];
  return pools.length > 0
    ? { ok: true, pools }
    : { ok: false, findings: [{ target: 'deployment', status: 'skipped', messageId: 'noMraPools' }] };
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
