import type { Phone } from '../../cucm/snapshot.js';
import { defineRule, isNotInScope, type CheckFinding } from '../rule.js';
import { mraPoolScope, poolGroupOf, poolTarget } from './snapshot-access.js';

type MessageId = 'complete' | 'noDateTimeGroup' | 'noRegion' | 'incomplete' | 'poolMissing';

function countBy(phones: readonly Phone[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const phone of phones) counts.set(phone.devicePool, (counts.get(phone.devicePool) ?? 0) + 1);
  return counts;
}

/**
 * Chapter "모바일 및 원격 액세스를 위한 디바이스풀 구성" steps 5-6: a date/time group and a region.
 * A missing date/time group and a missing region are separate messages, because MRA-NTP-004 and
 * MRA-CUCM-008 each defer to only the one they depend on.
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-007',
    slug: 'mra-device-pool',
    area: 'cucm',
    severity: 'error',
    title: 'Each MRA device pool exists and has a date/time group and a region',
    vantage: 'internal',
    needs: ['cucm.devicePools'],
    scope: 'MRA device pools (cucm.mraDevicePools)',
    messages: {
      complete: 'Device pool {pool} has date/time group {dateTimeGroup} and region {region}.',
      noDateTimeGroup:
        'Device pool {pool} has no date/time group; MRA endpoints take their phone NTP reference from it.',
      noRegion: 'Device pool {pool} has no region; MRA endpoints take their video bitrate limits from it.',
      incomplete:
        'Device pool {pool} has no date/time group and no region; MRA endpoints take their phone NTP reference and region from it.',
      poolMissing: 'Device pool {pool} (listed in cucm.mraDevicePools) does not exist in CUCM.',
    },
    fixGroup: poolGroupOf,
  },
  async run(ctx) {
    const scope = await mraPoolScope(ctx);
    if (isNotInScope(scope)) return scope;
    const { snapshot } = scope;
    const pools = new Map(snapshot.devicePools.map((pool) => [pool.name, pool]));
    const phoneCounts = countBy(snapshot.phones);
    return scope.pools.map((name): CheckFinding<MessageId> => {
      const pool = pools.get(name);
      const target = poolTarget(name);
      if (!pool) {
        const knownDevicePools = [...pools.keys()].sort();
        return {
          target,
          status: 'fail',
          messageId: 'poolMissing',
          args: { pool: name },
          evidence: { devicePool: name, knownDevicePools },
        };
      }
      const dateTimeGroup = pool.dateTimeGroup?.trim();
      const region = pool.region?.trim();
      const evidence = {
        devicePool: { name, dateTimeGroup: pool.dateTimeGroup ?? null, region: pool.region ?? null },
        phones: phoneCounts.get(name) ?? 0,
      };
      if (dateTimeGroup && region) {
        return { target, status: 'pass', messageId: 'complete', args: { pool: name, dateTimeGroup, region }, evidence };
      }
      const messageId = !dateTimeGroup && !region ? 'incomplete' : !dateTimeGroup ? 'noDateTimeGroup' : 'noRegion';
      return { target, status: 'fail', messageId, args: { pool: name }, evidence };
    });
  },
});
