import { endpointEvidence, examineEndpoints } from '../../cert/examine.js';
import { matchesDnsId, presentedNames } from '../../cert/hostname.js';
import { defineRule } from '../rule.js';
import { CHAIN_READ, certificateFixGroup, ENDPOINTS_SCOPE, perEndpoint } from './endpoints.js';

/**
 * MRA-CERT-009: peers connect by FQDN (UDS/SRV targets, Expressway server addresses), so the leaf
 * must name the node: DNS SANs, or the CN only when there is no DNS SAN; wildcards per RFC 6125.
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-009',
    slug: 'hostname-match',
    area: 'cert',
    severity: 'error',
    title: 'Certificates name the node FQDN they are served from',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope: ENDPOINTS_SCOPE,
    messages: {
      matches: 'The certificate of {target} matches {fqdn} ({from} {name}).',
      mismatch: 'The certificate of {target} does not match {fqdn}: its {from} names are {names}.',
      noNames: 'The certificate of {target} has neither a DNS SAN nor a CN, so it cannot match {fqdn}.',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates);
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const fqdn = item.endpoint.node;
      const { names, from } = presentedNames(item.leaf);
      const evidence = {
        ...endpointEvidence(item.endpoint, item.leaf),
        subject: item.leaf.subject,
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
