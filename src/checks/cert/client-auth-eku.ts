import { endpointEvidence, examineEndpoints, roleIs } from '../../cert/examine.js';
import { defineRule } from '../rule.js';
import { CHAIN_READ, certificateFixGroup, perEndpoint } from './endpoints.js';

const REQUIRED = ['serverAuth', 'clientAuth'] as const;

/**
 * MRA-CERT-007: Expressway-C and -E are TLS server and TLS client to each other (traversal zone)
 * and to CUCM, so their certificates need both the serverAuth and clientAuth EKU.
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-007',
    slug: 'client-auth-eku',
    area: 'cert',
    severity: 'error',
    title: 'Expressway-C and -E certificates carry serverAuth and clientAuth EKU',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope: 'Expressway-C or Expressway-E certificate in the inventory',
    messages: {
      bothPresent: 'The certificate of {target} carries both serverAuth and clientAuth extended key usage.',
      missingEku: 'The certificate of {target} lacks {missing} extended key usage (it has {present}).',
      noEku:
        'The certificate of {target} has no extended key usage extension; Expressway needs serverAuth and clientAuth listed.',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-c', 'expressway-e'));
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const eku = item.leaf.extendedKeyUsage;
      const evidence = {
        ...endpointEvidence(item.endpoint, item.leaf),
        subject: item.leaf.subject,
        extendedKeyUsage: eku ?? null,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (!eku) return { ...base, status: 'fail', messageId: 'noEku', args: { target } };
      const missing = REQUIRED.filter((usage) => !eku.includes(usage));
      if (missing.length > 0) {
        const present = eku.join(', ') || 'none';
        return {
          ...base,
          status: 'fail',
          messageId: 'missingEku',
          args: { target, missing: missing.join(' and '), present },
        };
      }
      return { ...base, status: 'pass', messageId: 'bothPresent', args: { target } };
    });
  },
});
