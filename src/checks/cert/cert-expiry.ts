import { endpointEvidence, examineEndpoints } from '../../cert/examine.js';
import { defineRule } from '../rule.js';
import { CHAIN_READ, certificateFixGroup, ENDPOINTS_SCOPE, perEndpoint } from './endpoints.js';

const DAY = 86_400_000;

/** MRA-CERT-004: no certificate of any chain expired at --as-of; warn within certExpiryWarnDays. */
export default defineRule({
  meta: {
    id: 'MRA-CERT-004',
    slug: 'cert-expiry',
    area: 'cert',
    severity: 'error',
    title: 'No certificate of any chain has expired or expires soon',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope: ENDPOINTS_SCOPE,
    messages: {
      valid:
        'No certificate in the chain of {target} expires within {days} days of {asOf}; the first to expire is {subject} on {notAfter} ({remaining} days left).',
      expired: 'The chain of {target} holds an expired certificate at {asOf}: {expired}.',
      expiresSoon: {
        text: '{subject} in the chain of {target} expires on {notAfter}, {remaining} days after {asOf} (warning window {days} days).',
        severity: 'warning',
      },
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    const days = ctx.policy.certExpiryWarnDays;
    const asOf = ctx.now.toISOString();
    const now = ctx.now.getTime();
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const chain = item.path.certificates;
      const dates = chain.map((certificate) => ({
        subject: certificate.subject,
        notAfter: certificate.notAfter.toISOString(),
        remainingDays: Math.round((certificate.notAfter.getTime() - now) / DAY),
      }));
      const evidence = { ...endpointEvidence(item.endpoint, item.leaf), asOf, warnDays: days, certificates: dates };
      const base = { target, evidence, durationMs: item.result.durationMs };
      const expired = chain.filter((certificate) => certificate.notAfter.getTime() < now);
      if (expired.length > 0) {
        const text = expired
          .map((certificate) => `${certificate.subject} expired on ${certificate.notAfter.toISOString()}`)
          .join('; ');
        return { ...base, status: 'fail', messageId: 'expired', args: { target, asOf, expired: text } };
      }
      const first = [...chain].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())[0]!;
      const remaining = Math.round((first.notAfter.getTime() - now) / DAY);
      const args = { target, asOf, days, subject: first.subject, notAfter: first.notAfter.toISOString(), remaining };
      if (first.notAfter.getTime() - now <= days * DAY)
        return { ...base, status: 'fail', messageId: 'expiresSoon', args };
      return { ...base, status: 'pass', messageId: 'valid', args };
    });
  },
});
