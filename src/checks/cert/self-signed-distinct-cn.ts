import type { Certificate } from '../../cert/certificate.js';
import { examineEndpoints, serviceCertificate, type Examined } from '../../cert/examine.js';
import { signedBy } from '../../cert/path.js';
import { CUCM_ROLES, IMP_ROLES, type NodeRole, type TlsService } from '../../inventory/types.js';
import { blocked, defineRule, type Blocked, type CheckFinding } from '../rule.js';
import { CHAIN_READ } from './endpoints.js';

type MessageId = 'distinct' | 'sameCn' | 'notSelfSigned';

const selfSigned = (certificate: Certificate): boolean => certificate.selfIssued && signedBy(certificate, certificate);

/**
 * The pairs of one node whose self-signed certificates land in the same trust store: CUCM's
 * tomcat and CallManager (chapter: both are uploaded to Expressway-C), IM&P's tomcat and cup-xmpp
 * (SPEC 8.6: both reach Expressway-C's trusted CA list too).
 */
const PAIRS: ReadonlyArray<{
  roles: readonly NodeRole[];
  services: [TlsService, TlsService];
  labels: [string, string];
}> = [
  { roles: CUCM_ROLES, services: ['tomcat', 'callmanager'], labels: ['tomcat', 'CallManager'] },
  { roles: IMP_ROLES, services: ['tomcat', 'xmpp'], labels: ['tomcat', 'cup-xmpp'] },
];

const leafFacts = (item: Required<Examined>): Record<string, unknown> => ({
  endpoint: item.endpoint.target,
  subject: item.leaf.subject,
  issuer: item.leaf.issuer,
  sha256: item.leaf.sha256,
  selfSigned: selfSigned(item.leaf),
});

/**
 * MRA-CERT-010: with self-signed certificates the chapter has CUCM's tomcat and CallManager
 * certificates uploaded to Expressway-C; trust stores find an issuer by subject name, so two
 * self-signed certificates with one CN (one subject) collide there and one fails to verify.
 */
export default defineRule({
  meta: {
    id: 'MRA-CERT-010',
    slug: 'self-signed-distinct-cn',
    area: 'cert',
    severity: 'error',
    title: 'Self-signed tomcat and CallManager (IM&P: tomcat and cup-xmpp) certificates of a node have different CNs',
    vantage: 'internal',
    needs: ['certificates'],
    requires: [CHAIN_READ],
    scope:
      'CUCM node with tomcat and CallManager certificates, or IM&P node with tomcat and cup-xmpp certificates, in the inventory',
    messages: {
      distinct:
        'The self-signed {first} and {second} certificates of {node} have different CNs ({firstCn} and {secondCn}).',
      sameCn:
        'The self-signed {first} and {second} certificates of {node} share the CN {cn}; trust stores look issuers up by subject name, so on Expressway-C the two uploaded certificates collide and one of them fails to verify.',
      notSelfSigned:
        'The {first} and {second} certificates of {node} are not both self-signed ({detail}); distinct CNs matter only for self-signed certificates.',
    },
    fixGroup: (finding) => ({
      key: `self-signed:${finding.target}`,
      label: `self-signed certificates ${finding.target}`,
    }),
  },
  async run(ctx) {
    const examined = await examineEndpoints(ctx.services.certificates, (endpoint) =>
      PAIRS.some((pair) => pair.services.includes(endpoint.service)),
    );
    const findings: Array<CheckFinding<MessageId> | Blocked> = [];
    for (const { roles, services, labels } of PAIRS) {
      for (const node of ctx.inventory.nodes.filter((candidate) => roles.includes(candidate.role))) {
        const one = serviceCertificate(examined, node.fqdn, services[0]);
        const two = serviceCertificate(examined, node.fqdn, services[1]);
        if (!one || !two) continue;
        const target = `${node.fqdn} ${labels[0]}/${labels[1]}`;
        if (!one.leaf || !two.leaf) {
          findings.push(blocked(target, [one.endpoint.target, two.endpoint.target]));
          continue;
        }
        const [a, b] = [one as Required<Examined>, two as Required<Examined>];
        const evidence = { [labels[0]]: leafFacts(a), [labels[1]]: leafFacts(b) };
        const names = { node: node.fqdn, first: labels[0], second: labels[1] };
        if (!selfSigned(a.leaf) || !selfSigned(b.leaf)) {
          const detail = [a, b]
            .map((item, index) =>
              selfSigned(item.leaf) ? undefined : `${labels[index]} is issued by ${item.leaf.issuer}`,
            )
            .filter(Boolean)
            .join('; ');
          findings.push({
            target,
            status: 'skipped',
            messageId: 'notSelfSigned',
            args: { ...names, detail },
            evidence,
          });
          continue;
        }
        const firstCn = a.leaf.commonName ?? '(none)';
        const secondCn = b.leaf.commonName ?? '(none)';
        findings.push(
          firstCn.toLowerCase() === secondCn.toLowerCase()
            ? { target, status: 'fail', messageId: 'sameCn', args: { ...names, cn: firstCn }, evidence }
            : { target, status: 'pass', messageId: 'distinct', args: { ...names, firstCn, secondCn }, evidence },
        );
      }
    }
    return findings;
  },
});
