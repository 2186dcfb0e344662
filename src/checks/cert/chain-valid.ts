import { certificateLabel, type PathValidation } from '../../cert/validate.js';
import { endpointEvidence, examineEndpoints, validationEvidence, type Examined } from '../../cert/examine.js';
import { defineRule, type CheckFinding } from '../rule.js';
import { certificateFixGroup, ENDPOINTS_SCOPE } from './endpoints.js';

type MessageId =
  'notObtained' | 'trusted' | 'untrustedRoot' | 'issuerNotFound' | 'badSignature' | 'outsideValidity' | 'pathInvalid';

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

/** The message of a failed validation: the common conditions by name, every other RFC condition as it is. */
function failedFinding(validation: PathValidation & { valid: false }, target: string, asOf: string) {
  const { failure } = validation;
  const at = failure.certificate;
  const top = validation.path.certificates.at(-1);
  switch (failure.condition) {
    case 'untrusted-root':
      return { messageId: 'untrustedRoot' as const, args: { target, root: at ? certificateLabel(at) : '?' } };
    case 'issuer-not-found':
      return {
        messageId: 'issuerNotFound' as const,
        args: { target, subject: at?.subject ?? '?', issuer: at?.issuer ?? '?' },
      };
    case 'bad-signature':
      return {
        messageId: 'badSignature' as const,
        args: { target, subject: at?.subject ?? '?', issuer: at?.issuer ?? '?' },
      };
    case 'expired':
    case 'not-yet-valid':
      return {
        messageId: 'outsideValidity' as const,
        args: { target, root: top ? certificateLabel(top) : '?', asOf, problems: failure.message },
      };
    default:
      return {
        messageId: 'pathInvalid' as const,
        args: { target, reason: failure.message, reference: failure.reference },
      };
  }
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
      outsideValidity: 'The chain of {target} builds to {root}, but at {asOf} {problems}.',
      pathInvalid: 'The chain of {target} is not valid: {reason} ({reference}).',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, () => true, { at: ctx.now });
    const asOf = ctx.now.toISOString();
    return examined.map((item): CheckFinding<MessageId> => {
      const { endpoint, validation } = item;
      if (!validation) return notObtained(item);
      const target = endpoint.target;
      const evidence = {
        ...endpointEvidence(endpoint, item.leaf),
        ...validationEvidence(validation),
        ...(item.result.ok && item.result.protocol ? { protocol: item.result.protocol } : {}),
        ...(item.result.ok && item.result.problems.length > 0 ? { handshake: item.result.problems } : {}),
        asOf,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (!validation.valid) return { ...base, status: 'fail', ...failedFinding(validation, target, asOf) };
      const root = certificateLabel(validation.path.certificates.at(-1)!);
      const trustedBy = validation.path.anchor.sources.join(', ');
      return { ...base, status: 'pass', messageId: 'trusted', args: { target, root, trustedBy, asOf } };
    });
  },
});
