import { certificateEvidence, type Certificate } from '../../cert/certificate.js';
import { examineEndpoints, roleIs, serviceCertificate, type Examined } from '../../cert/examine.js';
import { defineRule, DEPLOYMENT, notInScope } from '../rule.js';

/** MRA-CERT-002: CUCM, IM&P and Expressway-C/E leaves chain to one root CA (the chapter's recommended setup). */
export default defineRule({
  meta: {
    id: 'MRA-CERT-002',
    slug: 'common-ca',
    area: 'cert',
    severity: 'warning',
    title: 'CUCM, IM&P and Expressway certificates come from the same CA',
    vantage: 'internal',
    needs: ['certificates'],
    scope: 'CUCM, IM&P or Expressway certificates in the inventory',
    messages: {
      sameRoot: 'All {count} CUCM, IM&P and Expressway leaf certificates chain to the same root {root}.',
      differentRoots:
        "The CUCM, IM&P and Expressway leaf certificates chain to {count} different roots: {groups}; each system must then hold the others' roots (MRA-CERT-003).",
      undetermined:
        'The leaf certificates read so far chain to {root}, but the root of {unknown} could not be determined.',
    },
    fixGroup: () => ({
      key: 'certificate-authority',
      label: 'the certificate authority that signs the MRA certificates',
    }),
  },
  async run(ctx) {
    const examined = await examineEndpoints(
      ctx.services.certificates,
      roleIs('cucm-publisher', 'cucm-subscriber', 'imp-publisher', 'imp-subscriber', 'expressway-c', 'expressway-e'),
    );
    const chosen = new Map<string, Examined>();
    for (const item of examined) {
      const key = `${item.endpoint.node} ${item.endpoint.service}`;
      if (!chosen.has(key)) chosen.set(key, serviceCertificate(examined, item.endpoint.node, item.endpoint.service)!);
    }
    if (chosen.size === 0) return notInScope('no CUCM, IM&P or Expressway certificates in the inventory');
    const groups = new Map<string, { root: Certificate; members: string[] }>();
    const unknown: string[] = [];
    for (const [label, item] of chosen) {
      const root = item.path?.root;
      if (!root) {
        unknown.push(
          item.result.ok
            ? `${label} (no self-signed root above ${item.path?.certificates.at(-1)?.issuer ?? '?'})`
            : `${label} (${item.result.failure})`,
        );
        continue;
      }
      const group = groups.get(root.sha256) ?? { root, members: [] };
      group.members.push(label);
      groups.set(root.sha256, group);
    }
    const evidence = {
      roots: [...groups.values()].map((group) => ({ ...certificateEvidence(group.root), leaves: group.members })),
      undetermined: unknown,
      leaves: [...chosen.values()].map((item) => ({
        endpoint: item.endpoint.target,
        ...(item.leaf ? { subject: item.leaf.subject, issuer: item.leaf.issuer } : {}),
      })),
    };
    if (groups.size > 1) {
      const text = [...groups.values()]
        .map((group) => `${group.root.subject} (${group.members.join(', ')})`)
        .join('; ');
      return [
        {
          target: DEPLOYMENT,
          status: 'fail',
          messageId: 'differentRoots',
          args: { count: groups.size, groups: text },
          evidence,
        },
      ];
    }
    const only = [...groups.values()][0];
    if (unknown.length > 0 || !only) {
      return [
        {
          target: DEPLOYMENT,
          status: 'inconclusive',
          messageId: 'undetermined',
          args: { root: only?.root.subject ?? 'no root', unknown: unknown.join(', ') },
          evidence,
        },
      ];
    }
    return [
      {
        target: DEPLOYMENT,
        status: 'pass',
        messageId: 'sameRoot',
        args: { count: only.members.length, root: only.root.subject },
        evidence,
      },
    ];
  },
});
