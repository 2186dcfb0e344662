import type { CheckFinding, FixGroup } from '../rule.js';

/**
 * Fix groups of the DNS rules: what an engineer edits is one zone of one view, whichever rules
 * and resolvers report it (the internal zone of example.com, the public zone, a reverse zone).
 */
export function srvZoneGroup(view: 'internal' | 'external') {
  return (finding: CheckFinding): FixGroup => {
    const name = String(finding.args?.name ?? finding.target.split('@')[0] ?? '');
    const zone = name.split('.').slice(2).join('.');
    return {
      key: `dns-zone:${view}:${zone}`,
      label: `${view === 'internal' ? 'internal' : 'public'} DNS zone ${zone}`,
    };
  };
}

/** The forward zone a node's name lives in (its parent domain) on the internal view. */
export function forwardZoneGroup(finding: CheckFinding): FixGroup {
  const zone = finding.target.split('.').slice(1).join('.');
  return { key: `dns-zone:internal:${zone}`, label: `internal DNS zone ${zone}` };
}

/** The reverse zone of an address (IPv4 /24 or IPv6 /64 ip6.arpa), where its PTR belongs. */
export function reverseZoneGroup(finding: CheckFinding): FixGroup {
  const ptrName = String(finding.evidence?.ptrName ?? '');
  const labels = ptrName.split('.');
  const zone = ptrName.endsWith('in-addr.arpa') ? labels.slice(1).join('.') : labels.slice(16).join('.');
  return { key: `dns-zone:reverse:${zone}`, label: `reverse DNS zone ${zone || finding.target}` };
}
