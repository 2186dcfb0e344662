import { defineRule } from '../rule.js';
import { snapshotOf } from '../services.js';

const messages = {
  ilsConfigured: 'ILS is configured on this cluster (role {role}) for a deployment of {clusters} clusters.',
  ilsMissing: 'The deployment has {clusters} CUCM clusters but ILS is not configured on this cluster.',
};

/** Seed: CUCM prerequisites — with several Unified CM clusters, set up an ILS network. */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-012',
    slug: 'ils-multicluster',
    area: 'cucm',
    severity: 'error',
    title: 'With more than one CUCM cluster, ILS is configured',
    vantage: 'internal',
    needs: ['cucm.ils'],
    scope: 'CUCM clusters (clusters)',
    appliesTo: (inventory) =>
      inventory.clusters > 1
        ? undefined
        : 'the inventory declares one CUCM cluster (clusters: 1); ILS is needed only with several',
    fixGroup: () => ({ key: 'ils', label: 'the ILS network (Advanced Features > ILS Configuration)' }),
    messages,
  },
  async run(ctx) {
    const clusters = ctx.inventory.clusters;
    const { ils, source } = await snapshotOf(ctx.services);
    const evidence = { clusters, ils: { configured: ils.configured, role: ils.role ?? null }, source: source ?? null };
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
