import { examineEndpoints, nothingInScope, serviceCertificate, ENDPOINT_MESSAGES } from '../../cert/examine.js';
import { signedBy } from '../../cert/path.js';
import type { Certificate } from '../../cert/certificate.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { CUCM_ROLES } from '../../inventory/types.js';

const messages = {
  noEndpoints: ENDPOINT_MESSAGES.noEndpoints,
  distinct:
    'The self-signed tomcat and CallManager certificates of {node} have different CNs ({tomcatCn} and {callmanagerCn}).',
  sameCn:
    'The self-signed tomcat and CallManager certificates of {node} share the CN {cn}; trust stores look issuers up by subject name, so on Expressway-C the two uploaded certificates collide and one of them fails to verify.',
  notSelfSigned: 'Skipped: the tomcat and CallManager certificates of {node} are not both self-signed ({detail}).',
  notObtained: 'Skipped: the {service} certificate of {node} could not be read ({failure}); MRA-CERT-001 reports that.',
} as const;

type MessageId = keyof typeof messages;

const selfSigned = (certificate: Certificate): boolean => certificate.selfIssued && signedBy(certificate, certificate);

/**
 * MRA-CERT-010: with self-signed certificates the seed has CUCM's tomcat and CallManager
 * certificates uploaded to Expressway-C; trust stores find an issuer by subject name, so two
 * self-signed certificates with one CN (one subject) collide there and one fails to verify.
 */
export default defineCheck({
  id: 'MRA-CERT-010',
  needs: ['certificates'],
  messages,
  async run(ctx) {
    const examined = await examineEndpoints(
      ctx.services.certificates,
      (endpoint) => endpoint.service === 'tomcat' || endpoint.service === 'callmanager',
    );
    const findings: Array<CheckFinding<MessageId>> = [];
    for (const node of ctx.inventory.nodes.filter((candidate) => CUCM_ROLES.includes(candidate.role))) {
      const tomcat = serviceCertificate(examined, node.fqdn, 'tomcat');
      const callmanager = serviceCertificate(examined, node.fqdn, 'callmanager');
      if (!tomcat || !callmanager) continue;
      const target = `${node.fqdn} tomcat/callmanager`;
      const unread = [tomcat, callmanager].find((item) => !item.result.ok);
      if (unread && !unread.result.ok) {
        // MRA-CERT-001 carries the failure (SPEC section 4: a failure is reported once).
        findings.push({
          target,
          status: 'skipped',
          messageId: 'notObtained',
          args: { node: node.fqdn, service: unread.endpoint.service, failure: unread.result.failure },
          evidence: {
            prerequisite: 'MRA-CERT-001',
            endpoint: unread.endpoint.target,
            failure: unread.result.failure,
            detail: unread.result.detail,
          },
        });
        continue;
      }
      const tomcatLeaf = tomcat.leaf!;
      const callmanagerLeaf = callmanager.leaf!;
      const evidence = {
        tomcat: {
          endpoint: tomcat.endpoint.target,
          subject: tomcatLeaf.subject,
          issuer: tomcatLeaf.issuer,
          sha256: tomcatLeaf.sha256,
          selfSigned: selfSigned(tomcatLeaf),
        },
        callmanager: {
          endpoint: callmanager.endpoint.target,
          subject: callmanagerLeaf.subject,
          issuer: callmanagerLeaf.issuer,
          sha256: callmanagerLeaf.sha256,
          selfSigned: selfSigned(callmanagerLeaf),
        },
      };
      if (!selfSigned(tomcatLeaf) || !selfSigned(callmanagerLeaf)) {
        const detail = [
          selfSigned(tomcatLeaf) ? undefined : `tomcat is issued by ${tomcatLeaf.issuer}`,
          selfSigned(callmanagerLeaf) ? undefined : `CallManager is issued by ${callmanagerLeaf.issuer}`,
        ]
          .filter(Boolean)
          .join('; ');
        findings.push({
          target,
          status: 'skipped',
          messageId: 'notSelfSigned',
          args: { node: node.fqdn, detail },
          evidence,
        });
        continue;
      }
      const tomcatCn = tomcatLeaf.commonName ?? '(none)';
      const callmanagerCn = callmanagerLeaf.commonName ?? '(none)';
      if (tomcatCn.toLowerCase() === callmanagerCn.toLowerCase()) {
        findings.push({
          target,
          status: 'fail',
          messageId: 'sameCn',
          args: { node: node.fqdn, cn: tomcatCn },
          evidence,
        });
      } else {
        findings.push({
          target,
          status: 'pass',
          messageId: 'distinct',
          args: { node: node.fqdn, tomcatCn, callmanagerCn },
          evidence,
        });
      }
    }
    if (findings.length === 0)
      return [nothingInScope('no CUCM node with both a tomcat and a CallManager certificate in the inventory')];
    return findings;
  },
});
