import {
  ENDPOINT_MESSAGES,
  endpointEvidence,
  examineEndpoints,
  chainPrerequisite,
  nothingInScope,
} from '../../cert/examine.js';
import { matchesDnsId, presentedNames } from '../../cert/hostname.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';

const messages = {
  ...ENDPOINT_MESSAGES,
  matches: 'The certificate of {target} matches {fqdn} ({from} {name}).',
  mismatch: 'The certificate of {target} does not match {fqdn}: its {from} names are {names}.',
  noNames: 'The certificate of {target} has neither a DNS SAN nor a CN, so it cannot match {fqdn}.',
} as const;

type MessageId = keyof typeof messages;

/**
 * MRA-CERT-009: peers connect by FQDN (UDS/SRV targets, Expressway server addresses), so the leaf
 * must name the node: DNS SANs, or the CN only when there is no DNS SAN; wildcards per RFC 6125.
 */
export default defineCheck({
  id: 'MRA-CERT-009',
  needs: ['certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    if (examined.length === 0) return [nothingInScope('no certificate endpoints or files to examine')];
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.leaf) return chainPrerequisite(item);
      const target = item.endpoint.target;
      const fqdn = item.endpoint.node;
      const { names, from } = presentedNames(item.leaf);
      const evidence = {
        ...endpointEvidence(item.endpoint),
        subject: item.leaf.subject,
        sha256: item.leaf.sha256,
        sans: item.leaf.dnsNames,
        matchedAgainst: from,
        fqdn,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (from === 'none') return { ...base, status: 'fail', messageId: 'noNames', args: { target, fqdn } };
      const match = names.find((name) => matchesDnsId(fqdn, name));
      if (match) return { ...base, status: 'pass', messageId: 'matches', args: { target, fqdn, from, name: match } };
      return { ...base, status: 'fail', messageId: 'mismatch', args: { target, fqdn, from, names: names.join(', ') } };
    });
  },
});
