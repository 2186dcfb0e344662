import {
  ENDPOINT_MESSAGES,
  endpointEvidence,
  examineEndpoints,
  chainPrerequisite,
  nothingInScope,
  roleIs,
} from '../../cert/examine.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';

const messages = {
  ...ENDPOINT_MESSAGES,
  bothPresent: 'The certificate of {target} carries both serverAuth and clientAuth extended key usage.',
  missingEku: 'The certificate of {target} lacks {missing} extended key usage (it has {present}).',
  noEku:
    'The certificate of {target} has no extended key usage extension; Expressway needs serverAuth and clientAuth listed.',
} as const;

type MessageId = keyof typeof messages;

const REQUIRED = ['serverAuth', 'clientAuth'] as const;

/**
 * MRA-CERT-007: Expressway-C and -E are TLS server and TLS client to each other (traversal zone)
 * and to CUCM, so their certificates need both the serverAuth and clientAuth EKU.
 */
export default defineCheck({
  id: 'MRA-CERT-007',
  needs: ['certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-c', 'expressway-e'));
    if (examined.length === 0) return [nothingInScope('no Expressway-C or Expressway-E certificate in the inventory')];
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.leaf) return chainPrerequisite(item);
      const target = item.endpoint.target;
      const eku = item.leaf.extendedKeyUsage;
      const evidence = {
        ...endpointEvidence(item.endpoint),
        subject: item.leaf.subject,
        sha256: item.leaf.sha256,
        extendedKeyUsage: eku ?? null,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (!eku) return { ...base, status: 'fail', messageId: 'noEku', args: { target } };
      const missing = REQUIRED.filter((usage) => !eku.includes(usage));
      if (missing.length > 0) {
        return {
          ...base,
          status: 'fail',
          messageId: 'missingEku',
          args: { target, missing: missing.join(' and '), present: eku.join(', ') || 'none' },
        };
      }
      return { ...base, status: 'pass', messageId: 'bothPresent', args: { target } };
    });
  },
});
