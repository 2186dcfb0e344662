import type { Phone } from '../../cucm/snapshot.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraPools, poolTarget, snapshotFor, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  complete: 'Device pool {pool} has date/time group {dateTimeGroup} and region {region}.',
  incomplete: 'Device pool {pool} has no {missing}; MRA endpoints take their phone NTP reference and region from it.',
  poolMissing: 'Device pool {pool} (listed in cucm.mraDevicePools) does not exist in CUCM.',
};

/** Seed: "모바일 및 원격 액세스를 위한 디바이스풀 구성" steps 5-6 — a date/time group and a region. */
export default defineCheck({
  id: 'MRA-CUCM-007',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const access = await snapshotFor(ctx, ['devicePools']);
    if (!access.ok) return access.findings;
    const scope = mraPools(ctx.inventory);
    if (!scope.ok) return scope.findings;
    const { snapshot } = access;
    const pools = new Map(snapshot.devicePools.map((pool) => [pool.name, pool]));
    const phoneCounts = countBy(snapshot.absentSections?.includes('phones') ? [] : snapshot.phones);
    return scope.pools.map((name): CheckFinding<keyof typeof messages> => {
      const pool = pools.get(name);
      const target = poolTarget(name);
      if (!pool) {
        return {
          target,
          status: 'fail',
          messageId: 'poolMissing',
          args: { pool: name },
          evidence: { devicePool: name, knownDevicePools: [...pools.keys()].sort().slice(0, 50) },
        };
      }
      const evidence = {
        devicePool: { name, dateTimeGroup: pool.dateTimeGroup ?? null, region: pool.region ?? null },
        phones: phoneCounts.get(name) ?? 0,
      };
      const missing = [!pool.dateTimeGroup?.trim() && 'date/time group', !pool.region?.trim() && 'region'].filter(
        (item): item is string => typeof item === 'string',
      );
      return missing.length > 0
        ? {
            target,
            status: 'fail',
            messageId: 'incomplete',
            args: { pool: name, missing: missing.join(' and ') },
            evidence,
          }
        : {
            target,
            status: 'pass',
            messageId: 'complete',
            args: { pool: name, dateTimeGroup: pool.dateTimeGroup!, region: pool.region! },
            evidence,
          };
    });
  },
});

function countBy(phones: readonly Phone[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const phone of phones) counts.set(phone.devicePool, (counts.get(phone.devicePool) ?? 0) + 1);
  return counts;
}
