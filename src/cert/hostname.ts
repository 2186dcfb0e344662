import type { Certificate } from './certificate.js';

const normalise = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/**
 * RFC 6125 section 6.4: a reference name matches a presented DNS-ID case-insensitively; a wildcard
 * is allowed only as the whole left-most label and stands for exactly one label (`*.example.com`
 * matches `expc.example.com`, not `example.com` or `a.b.example.com`). Wildcards inside a label,
 * in other positions, over a public-suffix-like single label (`*.com`) or over IDN A-labels never match.
 */
export function matchesDnsId(reference: string, presented: string): boolean {
  const ref = normalise(reference);
  const id = normalise(presented);
  if (!ref || !id) return false;
  if (!id.includes('*')) return ref === id;
  const idLabels = id.split('.');
  const refLabels = ref.split('.');
  if (idLabels[0] !== '*' || idLabels.slice(1).some((label) => label.includes('*'))) return false;
  if (idLabels.length < 3 || idLabels.length !== refLabels.length) return false;
  const first = refLabels[0] ?? '';
  if (first === '' || first.startsWith('xn--')) return false;
  return refLabels.slice(1).join('.') === idLabels.slice(1).join('.');
}

/** The names a client compares: the DNS SANs, or the CN only when there is no DNS SAN (RFC 6125 6.4.4). */
export function presentedNames(certificate: Certificate): { names: string[]; from: 'SAN' | 'CN' | 'none' } {
  if (certificate.dnsNames.length > 0) return { names: certificate.dnsNames, from: 'SAN' };
  if (certificate.commonName) return { names: [certificate.commonName], from: 'CN' };
  return { names: [], from: 'none' };
}

export function certificateMatchesHost(certificate: Certificate, host: string): boolean {
  return presentedNames(certificate).names.some((name) => matchesDnsId(host, name));
}
