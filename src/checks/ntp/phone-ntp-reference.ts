import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraPools, poolTarget, snapshotFor, SNAPSHOT_MESSAGES } from '../cucm/snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  hasReference: 'Date/time group {dateTimeGroup} of device pool {pool} holds phone NTP reference(s) {references}.',
  noReference:
    'Date/time group {dateTimeGroup} of device pool {pool} holds no phone NTP reference; MRA requires one for its SIP endpoints.',
  groupNotInSnapshot: 'Date/time group {dateTimeGroup} of device pool {pool} is not in the CUCM configuration read.',
  prerequisite: 'Skipped: device pool {pool} {problem}; MRA-CUCM-007 reports it.',
};

/**
 * Seed: CUCM prerequisites ("SIP 엔드포인트에 대해 전화기 NTP 참조") and device pool step 5 — the MRA
 * pool's date/time group holds the phone NTP reference the MRA endpoints use.
 */
export default defineCheck({
  id: 'MRA-NTP-004',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const access = await snapshotFor(ctx, ['devicePools', 'dateTimeGroups']);
    if (!access.ok) return access.findings;
    const scope = mraPools(ctx.inventory);
    if (!scope.ok) return scope.findings;
    const pools = new Map(access.snapshot.devicePools.map((pool) => [pool.name, pool]));
    const groups = new Map(access.snapshot.dateTimeGroups.map((group) => [group.name, group]));
    return scope.pools.map((name): CheckFinding<keyof typeof messages> => {
      const target = poolTarget(name);
      const pool = pools.get(name);
      if (!pool || !pool.dateTimeGroup?.trim()) {
        return {
          target,
          status: 'skipped',
          messageId: 'prerequisite',
          args: { pool: name, problem: pool ? 'has no date/time group' : 'does not exist' },
        };
      }
      const group = groups.get(pool.dateTimeGroup);
      const args = { pool: name, dateTimeGroup: pool.dateTimeGroup };
      if (!group)
        return {
          target,
          status: 'inconclusive',
          messageId: 'groupNotInSnapshot',
          args,
          evidence: { devicePool: name, dateTimeGroup: pool.dateTimeGroup },
        };
      const references = group.phoneNtpReferences.filter((reference) => reference.trim() !== '');
      const evidence = { devicePool: name, dateTimeGroup: group.name, phoneNtpReferences: references };
      return references.length > 0
        ? {
            target,
            status: 'pass',
            messageId: 'hasReference',
            args: { ...args, references: references.join(', ') },
            evidence,
          }
        : { target, status: 'fail', messageId: 'noReference', args, evidence };
    });
  },
});
