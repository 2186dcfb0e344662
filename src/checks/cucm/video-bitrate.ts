import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { mraPools, poolTarget, snapshotFor, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  sufficient:
    'Region {region} of device pool {pool} allows at least {min} kbps for video to every related region ({lowest} kbps lowest).',
  tooLow:
    'Region {region} of device pool {pool} allows only {lowest} kbps for video to {relations}; MRA video endpoints need at least {min} kbps (384 kbps is the CUCM default and too low for some, e.g. DX series).',
  noRelations:
    'Region {region} of device pool {pool} lists no region relations, so the effective video bitrate is the system default, which the CUCM configuration read does not carry.',
  regionNotInSnapshot: 'Region {region} of device pool {pool} is not in the CUCM configuration read.',
  prerequisite: 'Skipped: device pool {pool} {problem}; MRA-CUCM-007 reports it.',
};

/** Seed: "비디오에 대한 최대 세션 비트 레이트 구성" — the 384 kbps default is too low for video endpoints. */
export default defineCheck({
  id: 'MRA-CUCM-008',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const access = await snapshotFor(ctx, ['devicePools', 'regions']);
    if (!access.ok) return access.findings;
    const scope = mraPools(ctx.inventory);
    if (!scope.ok) return scope.findings;
    const min = ctx.policy.minVideoKbps;
    const pools = new Map(access.snapshot.devicePools.map((pool) => [pool.name, pool]));
    const regions = new Map(access.snapshot.regions.map((region) => [region.name, region]));
    return scope.pools.map((name): CheckFinding<keyof typeof messages> => {
      const target = poolTarget(name);
      const pool = pools.get(name);
      if (!pool || !pool.region?.trim()) {
        return {
          target,
          status: 'skipped',
          messageId: 'prerequisite',
          args: { pool: name, problem: pool ? 'has no region' : 'does not exist' },
        };
      }
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
