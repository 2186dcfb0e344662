import {
  ENDPOINT_MESSAGES,
  examineEndpoints,
  endpointEvidence,
  notObtained,
  nothingInScope,
  pathEvidence,
} from '../../cert/examine.js';
import { judgeDates } from '../../cert/path.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';

const messages = {
  ...ENDPOINT_MESSAGES,
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
} as const;

type MessageId = keyof typeof messages;

/** MRA-CERT-001: each presented or exported chain builds to a trusted root; signatures and dates hold. */
export default defineCheck({
  id: 'MRA-CERT-001',
  needs: ['certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    if (examined.length === 0) return [nothingInScope('no certificate endpoints or files to examine')];
    const asOf = ctx.now.toISOString();
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.path) return notObtained(item);
      const { endpoint, path } = item;
      const target = endpoint.target;
      const dates = judgeDates(path.certificates, ctx.now);
      const evidence = {
        ...endpointEvidence(endpoint),
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
      return {
        ...base,
        status: 'pass',
        messageId: 'trusted',
        args: { target, root: top.subject, trustedBy: path.anchor?.sources.join(', ') ?? 'nothing', asOf },
      };
    });
  },
});
