import { matchesDnsId, presentedNames } from '../../cert/hostname.js';
import { certificateLabel, validatePath } from '../../cert/validate.js';
import { pathEvidence } from '../../cert/examine.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import { EDGE_SCOPE, edgeFixGroup, PORT_OPEN, portTarget, serviceTarget } from './targets.js';

type MessageId = 'valid' | 'untrusted' | 'nameMismatch' | 'noNames' | 'notObtained';

/**
 * MRA-EDGE-002: the certificate Expressway-E presents on 8443, fetched as Jabber does (SNI = the
 * `_collab-edge` SRV target, at the address the external view gives), must build to a root MRA
 * clients trust (edge.clientTrust, default Node's root store) by the same RFC 5280 path
 * validation as MRA-CERT-001, and name the SRV target. A client that rejects it never gets to
 * edge discovery.
 */
export default defineRule({
  meta: {
    id: 'MRA-EDGE-002',
    slug: 'edge-certificate',
    area: 'edge',
    severity: 'error',
    title: 'The Expressway-E certificate on 8443 builds to a root MRA clients trust and names the SRV target',
    vantage: 'external',
    needs: ['dns.external'],
    requires: [PORT_OPEN],
    scope: EDGE_SCOPE,
    messages: {
      valid:
        '{target} presents a certificate that builds to {root} ({trustedBy}), names {host} and is valid at {asOf}.',
      untrusted:
        '{target} presents a certificate MRA clients reject: {reason} ({reference}); Jabber stops before edge discovery.',
      nameMismatch:
        '{target} presents a certificate that does not name {host} (its {from} names: {names}); Jabber checks it against the SRV target.',
      noNames:
        '{target} presents a certificate that names no host (no DNS subjectAltName, no commonName); Jabber checks it against the SRV target {host}.',
      notObtained: 'Could not read the certificate {target} presents at {address}: {failure}, {detail}.',
    },
    fixGroup: edgeFixGroup,
  },
  async run(ctx) {
    const discovery = await ctx.services.edge.discover(ctx.signal);
    if (!discovery.ok) return notInScope(`${discovery.reason}; MRA-DNS-003 reports the SRV records`);
    const anchors = ctx.services.edge.clientAnchors();
    const asOf = ctx.now.toISOString();
    const seen = new Set<string>();
    const findings: CheckFinding<MessageId>[] = [];
    for (const target of discovery.targets) {
      const [address] = target.addresses;
      const name = serviceTarget(target);
      if (seen.has(name) || address === undefined) continue;
      seen.add(name);
      const dependsOn = [portTarget(target.host, target.port, address)];
      const chain = await ctx.services.edge.chain(target, address, ctx.signal);
      const where = { srvTarget: target.host, address, port: target.port };
      if (!chain.ok) {
        findings.push({
          target: name,
          dependsOn,
          status: 'inconclusive',
          messageId: 'notObtained',
          args: { target: name, address, failure: chain.failure, detail: chain.detail },
          evidence: { ...where, failure: chain.failure, detail: chain.detail },
          durationMs: chain.durationMs,
        });
        continue;
      }
      const validation = validatePath(chain.certificates, anchors, { at: ctx.now });
      const leaf = chain.certificates[0]!;
      const { names, from } = presentedNames(leaf);
      const evidence = {
        ...where,
        leaf: { subject: leaf.subject, sha256: leaf.sha256 },
        sans: leaf.dnsNames,
        ...pathEvidence(validation.path),
        asOf,
      };
      const base = { target: name, dependsOn, evidence, durationMs: chain.durationMs };
      if (!validation.valid) {
        const { message, reference } = validation.failure;
        findings.push({
          ...base,
          status: 'fail',
          messageId: 'untrusted',
          args: { target: name, reason: message, reference },
        });
      } else if (!names.some((presented) => matchesDnsId(target.host, presented))) {
        if (from === 'none')
          findings.push({ ...base, status: 'fail', messageId: 'noNames', args: { target: name, host: target.host } });
        else {
          const args = { target: name, host: target.host, from, names: names.join(', ') };
          findings.push({ ...base, status: 'fail', messageId: 'nameMismatch', args });
        }
      } else {
        const root = certificateLabel(validation.path.certificates.at(-1)!);
        const trustedBy = validation.path.anchor.sources.join(', ');
        findings.push({
          ...base,
          status: 'pass',
          messageId: 'valid',
          args: { target: name, root, trustedBy, host: target.host, asOf },
        });
      }
    }
    return findings;
  },
});
