import { examineEndpoints, endpointEvidence, pathEvidence, type Examined } from '../../cert/examine.js';
import { judgeDates } from '../../cert/path.js';
import { defineRule, type CheckFinding } from '../rule.js';
import { certificateFixGroup, ENDPOINTS_SCOPE } from './endpoints.js';

type MessageId =
  'notObtained' | 'trusted' | 'untrustedRoot' | 'issuerNotFound' | 'badSignature' | 'tooLong' | 'outsideValidity';

/** The `inconclusive` finding of an endpoint whose chain could not be read (the other rules defer to it). */
function notObtained({ endpoint, result }: Examined): CheckFinding<MessageId> {
  if (result.ok) throw new Error('notObtained called for a chain that was read');
  return {
    target: endpoint.target,
    status: 'inconclusive',
    messageId: 'notObtained',
    args: { target: endpoint.target, failure: result.failure, detail: result.detail },
    evidence: { ...endpointEvidence(endpoint), failure: result.failure, detail: result.detail },
    durationMs: result.durationMs,
  };
}

/** MRA-CERT-001: each presented or exported chain builds to a trusted root; signatures and dates hold. */
export default defineRule({
  meta: {
    id: 'MRA-CERT-001',
    slug: 'chain-valid',
    area: 'cert',
    severity: 'error',
    title: 'Certificate chains build to a trusted root, with valid signatures and dates',
    vantage: 'internal',
    needs: ['certificates'],
    scope: ENDPOINTS_SCOPE,
    messages: {
      notObtained: 'Could not read the certificate chain of {target}: {failure}, {detail}.',
      trusted:
        'The chain of {target} builds to {root}, trusted by {trustedBy}; every signature verifies and every certificate is valid at {asOf}.',
      untrustedRoot:
        'The chain of {target} ends in the self-signed {root}, which no trust store, caFile or Node root store holds.',
      issuerNotFound:
        'The chain of {target} stops at {subject}: its issuer {issuer} was neither presented nor found in any trust store.',
      badSignature:
        'The signature of {subject} in the chain of {target} does not verify with the key of any certificate named {issuer}.',
      tooLong: 'The chain of {target} is longer than 10 certificates without reaching a trusted root.',
      outsideValidity: 'The chain of {target} builds to {root}, but at {asOf} {problems}.',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    const asOf = ctx.now.toISOString();
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.path) return notObtained(item);
      const { endpoint, path } = item;
      const target = endpoint.target;
      const dates = judgeDates(path.certificates, ctx.now);
      const evidence = {
        ...endpointEvidence(endpoint, item.leaf),
        ...pathEvidence(path),
        ...(item.result.ok && item.result.protocol ? { protocol: item.result.protocol } : {}),
        ...(item.result.ok && item.result.problems.length > 0 ? { handshake: item.result.problems } : {}),
        asOf,
        dateProblems: dates.map((problem) => ({
          subject: problem.certificate.subject,
          problem: problem.problem,
          notBefore: problem.certificate.notBefore.toISOString(),
          notAfter: problem.certificate.notAfter.toISOString(),
        })),
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (path.stop) {
        const at = path.stop.at;
        switch (path.stop.reason) {
          case 'untrusted-root':
            return { ...base, status: 'fail', messageId: 'untrustedRoot', args: { target, root: at.subject } };
          case 'bad-signature':
            return {
              ...base,
              status: 'fail',
              messageId: 'badSignature',
              args: { target, subject: at.subject, issuer: at.issuer },
            };
          case 'too-long':
            return { ...base, status: 'fail', messageId: 'tooLong', args: { target } };
          case 'issuer-not-found':
            return {
              ...base,
              status: 'fail',
              messageId: 'issuerNotFound',
              args: { target, subject: at.subject, issuer: at.issuer },
            };
        }
      }
      const top = path.certificates[path.certificates.length - 1]!;
      if (dates.length > 0) {
        const problems = dates
          .map((problem) =>
            problem.problem === 'expired'
              ? `${problem.certificate.subject} expired on ${problem.certificate.notAfter.toISOString()}`
              : `${problem.certificate.subject} is not valid before ${problem.certificate.notBefore.toISOString()}`,
          )
          .join('; ');
        return {
          ...base,
          status: 'fail',
          messageId: 'outsideValidity',
          args: { target, root: top.subject, asOf, problems },
        };
      }
      const trustedBy = path.anchor?.sources.join(', ') ?? 'nothing';
      return { ...base, status: 'pass', messageId: 'trusted', args: { target, root: top.subject, trustedBy, asOf } };
    });
  },
});
