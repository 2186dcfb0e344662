import { blocked, defineRule, isNotInScope, type Blocked, type CheckFinding } from '../rule.js';
import { mraPoolScope, poolTarget } from './snapshot-access.js';

const messages = {
  sufficient:
    'Region {region} of device pool {pool} allows at least {min} kbps for video to every related region ({lowest} kbps lowest).',
  tooLow:
    'Region {region} of device pool {pool} allows only {lowest} kbps for video to {relations}; MRA video endpoints need at least {min} kbps (384 kbps is the CUCM default and too low for some, e.g. DX series).',
  noRelations:
    'Region {region} of device pool {pool} lists no region relations, so the effective video bitrate is the system default, which the CUCM configuration read does not carry.',
  regionNotInSnapshot: 'Region {region} of device pool {pool} is not in the CUCM configuration read.',
};

/** Seed: "비디오에 대한 최대 세션 비트 레이트 구성" — the 384 kbps default is too low for video endpoints. */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-008',
    slug: 'video-bitrate',
    area: 'cucm',
    severity: 'warning',
    title: 'The MRA region allows at least minVideoKbps for video to related regions',
    vantage: 'internal',
    needs: ['cucm.devicePools', 'cucm.regions'],
    requires: [{ rule: 'MRA-CUCM-007', messages: ['poolMissing', 'noRegion', 'incomplete'] }],
    scope: 'MRA device pools (cucm.mraDevicePools)',
    fixGroup: (finding) => {
      const region = String(finding.args?.region ?? '');
      return { key: `region:${region}`, label: `region ${region} (System > Region Information > Region)` };
    },
    messages,
  },
  async run(ctx) {
    const scope = await mraPoolScope(ctx);
    if (isNotInScope(scope)) return scope;
    const min = ctx.policy.minVideoKbps;
    const pools = new Map(scope.snapshot.devicePools.map((pool) => [pool.name, pool]));
    const regions = new Map(scope.snapshot.regions.map((region) => [region.name, region]));
    return scope.pools.map((name): CheckFinding<keyof typeof messages> | Blocked => {
      const target = poolTarget(name);
      const pool = pools.get(name);
      // MRA-CUCM-007 reports a missing pool or region; the engine names it here.
      if (!pool || !pool.region?.trim()) return blocked(target);
      const region = regions.get(pool.region);
      const args = { pool: name, region: pool.region, min };
      if (!region)
        return {
          target,
          status: 'inconclusive',
          messageId: 'regionNotInSnapshot',
          args,
          evidence: { devicePool: name, region: pool.region },
        };
      const evidence = { devicePool: name, region: region.name, relations: region.relations, minVideoKbps: min };
      if (region.relations.length === 0)
        return { target, status: 'inconclusive', messageId: 'noRelations', args, evidence };
      const lowest = Math.min(...region.relations.map((relation) => relation.videoKbps));
      const low = region.relations.filter((relation) => relation.videoKbps < min);
      if (low.length === 0)
        return { target, status: 'pass', messageId: 'sufficient', args: { ...args, lowest }, evidence };
      const relations = low.map((relation) => `${relation.region} (${relation.videoKbps} kbps)`).join(', ');
      return {
        target,
        status: 'fail',
        messageId: 'tooLow',
        args: { ...args, lowest, relations },
        evidence: { ...evidence, belowMinimum: low },
      };
    });
  },
});
