import { blocked, defineRule, isNotInScope, type Blocked, type CheckFinding } from '../rule.js';
import { mraPoolScope, poolTarget } from '../cucm/snapshot-access.js';

const messages = {
  hasReference: 'Date/time group {dateTimeGroup} of device pool {pool} holds phone NTP reference(s) {references}.',
  noReference:
    'Date/time group {dateTimeGroup} of device pool {pool} holds no phone NTP reference; MRA requires one for its SIP endpoints.',
  groupNotInSnapshot: 'Date/time group {dateTimeGroup} of device pool {pool} is not in the CUCM configuration read.',
};

/**
 * Seed: CUCM prerequisites ("SIP 엔드포인트에 대해 전화기 NTP 참조") and device pool step 5 — the MRA
 * pool's date/time group holds the phone NTP reference the MRA endpoints use.
 */
export default defineRule({
  meta: {
    id: 'MRA-NTP-004',
    slug: 'phone-ntp-reference',
    area: 'ntp',
    severity: 'error',
    title: 'Each MRA device pool has a date/time group holding a phone NTP reference',
    vantage: 'internal',
    needs: ['cucm.devicePools', 'cucm.dateTimeGroups'],
    requires: [{ rule: 'MRA-CUCM-007', messages: ['poolMissing', 'noDateTimeGroup', 'incomplete'] }],
    scope: 'MRA device pools (cucm.mraDevicePools)',
    fixGroup: (finding) => {
      const group = String(finding.args?.dateTimeGroup ?? '');
      return { key: `date-time-group:${group}`, label: `date/time group ${group} (System > Date/Time Group)` };
    },
    messages,
  },
  async run(ctx) {
    const scope = await mraPoolScope(ctx);
    if (isNotInScope(scope)) return scope;
    const pools = new Map(scope.snapshot.devicePools.map((pool) => [pool.name, pool]));
    const groups = new Map(scope.snapshot.dateTimeGroups.map((group) => [group.name, group]));
    return scope.pools.map((name): CheckFinding<keyof typeof messages> | Blocked => {
      const target = poolTarget(name);
      const pool = pools.get(name);
      // MRA-CUCM-007 reports a missing pool or date/time group; the engine names it here.
      if (!pool || !pool.dateTimeGroup?.trim()) return blocked(target);
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
