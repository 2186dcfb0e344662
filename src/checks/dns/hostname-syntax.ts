import { defineRule, type CheckFinding } from '../rule.js';
import { CUCM_ROLES, IMP_ROLES, type InventoryNode } from '../../inventory/types.js';

type Message = 'valid' | 'invalid';

const LDH = /^[a-z0-9-]+$/i;

/** Every problem with one node's name; empty when it is valid. */
export function hostnameProblems(node: Pick<InventoryNode, 'fqdn' | 'role'>): string[] {
  const fqdn = node.fqdn.replace(/\.$/, '');
  const labels = fqdn.split('.');
  const hostname = labels[0] ?? '';
  const problems: string[] = [];
  if (fqdn.length > 253) problems.push(`the name is ${fqdn.length} characters, more than 253`);
  if (labels.length < 2) problems.push('it is a bare host name, not a fully qualified domain name');
  labels.forEach((label, index) => {
    const which = index === 0 ? `host name "${label}"` : `label "${label}"`;
    if (label.length === 0) problems.push('it has an empty label (two dots in a row)');
    else if (label.length > 63) problems.push(`${which} is ${label.length} characters, more than 63`);
    if (label.length > 0 && !LDH.test(label))
      problems.push(`${which} has characters other than letters, digits and hyphens`);
    if (/^-|-$/.test(label)) problems.push(`${which} starts or ends with a hyphen`);
  });
  // Unified CM and IM and Presence share the VOS installer, which refuses a host name not starting with a letter.
  if ((CUCM_ROLES.includes(node.role) || IMP_ROLES.includes(node.role)) && !/^[a-z]/i.test(hostname)) {
    problems.push(`host name "${hostname}" does not start with a letter`);
  }
  return problems;
}

/**
 * MRA-DNS-007: names every MRA component must accept. Expressway-E's system host name takes only
 * letters, digits and hyphens; CUCM host names must start with a letter; and any label outside
 * RFC 1035/1123 (1-63 LDH characters, no edge hyphen, 253 in total) breaks certificates and SRV.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-007',
    slug: 'hostname-syntax',
    area: 'dns',
    severity: 'error',
    title: 'Node host names and FQDNs are valid for their role',
    vantage: 'internal',
    needs: [],
    scope: 'nodes in the inventory (nodes[])',
    fixGroup: (finding) => ({ key: `hostname:${finding.target}`, label: `host name of ${finding.target}` }),
    messages: {
      valid: '{fqdn} ({role}) is a valid host name for its role.',
      invalid: '{fqdn} ({role}) is not a valid host name: {problems}.',
    },
  },
  async run(ctx) {
    return ctx.inventory.nodes.map((node): CheckFinding<Message> => {
      const problems = hostnameProblems(node);
      const evidence = {
        fqdn: node.fqdn,
        role: node.role,
        hostname: node.fqdn.split('.')[0] ?? '',
        labels: node.fqdn.replace(/\.$/, '').split('.'),
      };
      if (problems.length > 0)
        return {
          target: node.fqdn,
          status: 'fail',
          messageId: 'invalid',
          args: { fqdn: node.fqdn, role: node.role, problems: problems.join('; ') },
          evidence,
        };
      return {
        target: node.fqdn,
        status: 'pass',
        messageId: 'valid',
        args: { fqdn: node.fqdn, role: node.role },
        evidence,
      };
    });
  },
});
