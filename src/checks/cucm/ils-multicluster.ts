import { defineCheck } from '../../engine/types.js';
import { snapshotFor, SNAPSHOT_MESSAGES } from './snapshot-access.js';

const messages = {
  ...SNAPSHOT_MESSAGES,
  ilsConfigured: 'ILS is configured on this cluster (role {role}) for a deployment of {clusters} clusters.',
  ilsMissing: 'The deployment has {clusters} CUCM clusters but ILS is not configured on this cluster.',
  singleCluster: 'Skipped: the inventory declares one CUCM cluster (clusters: 1); ILS is needed only with several.',
};

/** Seed: CUCM prerequisites — with several Unified CM clusters, set up an ILS network. */
export default defineCheck({
  id: 'MRA-CUCM-012',
  needs: ['cucm'],
  messages,
  async run(ctx) {
    const clusters = ctx.inventory.clusters;
    if (clusters <= 1) return [{ target: 'deployment', status: 'skipped', messageId: 'singleCluster' }];
    const access = await snapshotFor(ctx, ['ils']);
    if (!access.ok) return access.findings;
    const { ils } = access.snapshot;
    const evidence = { clusters, ils: { configured: ils.configured, role: ils.role ?? null }, source: access.origin };
    return ils.configured
      ? [
          {
            target: 'ils',
            status: 'pass',
            messageId: 'ilsConfigured',
            args: { clusters, role: ils.role ?? 'unknown' },
            evidence,
          },
        ]
      : [{ target: 'ils', status: 'fail', messageId: 'ilsMissing', args: { clusters }, evidence }];
  },
});
