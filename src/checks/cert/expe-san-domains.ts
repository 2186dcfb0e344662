import { endpointEvidence, examineEndpoints, roleIs } from '../../cert/examine.js';
import { matchesDnsId } from '../../cert/hostname.js';
import { defineRule } from '../rule.js';
import { CHAIN_READ, certificateFixGroup, perEndpoint } from './endpoints.js';

/**
 * MRA-CERT-006: Jabber and phones reach Expressway-E by `_collab-edge._tls.<domain>` and check its
 * certificate against the domain (`<domain>` or `collab-edge.<domain>`) as well as its FQDN. A
 * wildcard SAN satisfies none of these (SPEC 8.6: Expressway does not support wildcard server
 * certificates), so only exact names count and the message says why a wildcard was not taken.
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-006',
    slug: 'expe-san-domains',
    area: 'cert',
    severity: 'error',
    title: 'Expressway-E SANs cover each MRA domain and its own FQDN',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope: 'Expressway-E certificate in the inventory',
    messages: {
      covered: 'The SANs of {target} cover its FQDN {fqdn} and every domain ({domains}).',
      missingNames: 'The SANs of {target} do not cover {missing}.',
      wildcardOnly:
        'The SANs of {target} do not cover {missing}; the wildcard {wildcards} does not count: Expressway does not support wildcard certificates.',
    },
    fixGroup: certificateFixGroup,
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-e'));
    const domains = ctx.inventory.domains;
    return perEndpoint(examined, (item) => {
      const target = item.endpoint.target;
      const sans = item.leaf.dnsNames;
      const exact = sans.filter((san) => !san.includes('*'));
      const covers = (name: string): boolean => exact.some((san) => matchesDnsId(name, san));
      const wildcardsFor = (name: string): string[] =>
        sans.filter((san) => san.includes('*') && matchesDnsId(name, san));
      const missing: string[] = [];
      const wildcards = new Set<string>();
      if (!covers(item.endpoint.node)) {
        missing.push(`its FQDN ${item.endpoint.node}`);
        wildcardsFor(item.endpoint.node).forEach((san) => wildcards.add(san));
      }
      const perDomain = domains.map((domain) => {
        const forms = [domain, `collab-edge.${domain}`];
        const coveredBy = forms.filter(covers);
        if (coveredBy.length === 0) {
          missing.push(`domain ${domain} (neither ${forms.join(' nor ')})`);
          forms.flatMap(wildcardsFor).forEach((san) => wildcards.add(san));
        }
        return { domain, coveredBy };
      });
      const evidence = {
        ...endpointEvidence(item.endpoint, item.leaf),
        subject: item.leaf.subject,
        sans,
        domains: perDomain,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
      if (missing.length > 0 && wildcards.size > 0) {
        const args = { target, missing: missing.join('; '), wildcards: [...wildcards].join(', ') };
        return { ...base, status: 'fail', messageId: 'wildcardOnly', args };
      }
      if (missing.length > 0)
        return { ...base, status: 'fail', messageId: 'missingNames', args: { target, missing: missing.join('; ') } };
      return {
        ...base,
        status: 'pass',
        messageId: 'covered',
        args: { target, fqdn: item.endpoint.node, domains: domains.join(', ') },
      };
    });
  },
});
