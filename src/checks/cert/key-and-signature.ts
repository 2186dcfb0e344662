import { endpointEvidence, examineEndpoints } from '../../cert/examine.js';
import { defineRule } from '../rule.js';
import { CHAIN_READ, certificateFixGroup, ENDPOINTS_SCOPE, perEndpoint } from './endpoints.js';

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;
const WEAK_HASHES = new Set(['md2', 'md5', 'sha1']);

/**
 * MRA-CERT-008: RSA keys of at least 2048 bits (and not over 4096), and no SHA-1/MD5 signatures
 * below the root (a root's self-signature is never checked, so its digest does not matter).
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-008',
    slug: 'key-and-signature',
    area: 'cert',
    severity: 'error',
    title: 'RSA keys of 2048 to 4096 bits, no SHA-1 or MD5 signatures',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope: ENDPOINTS_SCOPE,
    messages: {
      sound:
        'Every certificate below the root in the chain of {target} has an acceptable key and signature ({summary}).',
      weak: 'The chain of {target} has weak keys or signatures: {problems}.',
      keyTooLarge: {
        text: 'The chain of {target} has RSA keys above 4096 bits, which CUCM and Expressway are known to reject at 8192: {problems}.',
        severity: 'warning',
      },
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const below = item.path.certificates.filter((certificate, index) => index === 0 || !certificate.selfIssued);
      const weak: string[] = [];
      const large: string[] = [];
      for (const certificate of below) {
        const { type, bits } = certificate.key;
        if (type.startsWith('RSA') && bits !== undefined && bits < MIN_RSA_BITS)
          weak.push(`${certificate.subject} has an RSA ${bits}-bit key (minimum ${MIN_RSA_BITS})`);
        if (type.startsWith('RSA') && bits !== undefined && bits > MAX_RSA_BITS)
          large.push(`${certificate.subject} has an RSA ${bits}-bit key`);
        if (!certificate.selfIssued && WEAK_HASHES.has(certificate.signatureHash))
          weak.push(`${certificate.subject} is signed with ${certificate.signatureAlgorithm}`);
      }
      const evidence = {
        ...endpointEvidence(item.endpoint, item.leaf),
        certificates: item.path.certificates.map((certificate) => ({
          subject: certificate.subject,
          key: certificate.key,
          signatureAlgorithm: certificate.signatureAlgorithm,
          root: certificate.selfIssued && certificate !== item.leaf,
        })),
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (weak.length > 0)
        return {
          ...base,
          status: 'fail',
          messageId: 'weak',
          args: { target, problems: [...weak, ...large].join('; ') },
        };
      if (large.length > 0)
        return { ...base, status: 'fail', messageId: 'keyTooLarge', args: { target, problems: large.join('; ') } };
      const summary = below
        .map(
          (certificate) =>
            `${certificate.key.type} ${certificate.key.curve ?? certificate.key.bits ?? '?'}, ${certificate.signatureAlgorithm}`,
        )
        .join('; ');
      return { ...base, status: 'pass', messageId: 'sound', args: { target, summary } };
    });
  },
});
