import {
  ENDPOINT_MESSAGES,
  endpointEvidence,
  examineEndpoints,
  chainPrerequisite,
  nothingInScope,
  roleIs,
} from '../../cert/examine.js';
import { matchesDnsId } from '../../cert/hostname.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';

const messages = {
  ...ENDPOINT_MESSAGES,
  covered: 'The SANs of {target} cover its FQDN {fqdn} and every domain ({domains}).',
  missingNames: 'The SANs of {target} do not cover {missing}.',
} as const;

type MessageId = keyof typeof messages;

/**
 * MRA-CERT-006: Jabber and phones reach Expressway-E by `_collab-edge._tls.<domain>` and check its
 * certificate against the domain (`<domain>` or `collab-edge.<domain>`) as well as its FQDN.
 */
export default defineCheck({
  id: 'MRA-CERT-006',
  needs: ['certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, roleIs('expressway-e'));
    if (examined.length === 0) return [nothingInScope('no Expressway-E certificate in the inventory')];
    const domains = ctx.inventory.domains;
    return examined.map((item): CheckFinding<MessageId> => {
      if (!item.leaf) return chainPrerequisite(item);
      const target = item.endpoint.target;
      const sans = item.leaf.dnsNames;
      const covers = (name: string): boolean => sans.some((san) => matchesDnsId(name, san));
      const missing: string[] = [];
      if (!covers(item.endpoint.node)) missing.push(`its FQDN ${item.endpoint.node}`);
      const perDomain = domains.map((domain) => {
        const forms = [domain, `collab-edge.${domain}`];
        const coveredBy = forms.filter(covers);
        if (coveredBy.length === 0) missing.push(`domain ${domain} (neither ${forms.join(' nor ')})`);
        return { domain, coveredBy };
      });
      const evidence = {
        ...endpointEvidence(item.endpoint),
        subject: item.leaf.subject,
        sha256: item.leaf.sha256,
        sans,
        domains: perDomain,
      };
      const base = { target, evidence, durationMs: item.result.durationMs };
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
