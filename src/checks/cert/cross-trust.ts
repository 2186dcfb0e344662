import { certificateEvidence } from '../../cert/certificate.js';
import { examineEndpoints, serviceCertificate, type Examined } from '../../cert/examine.js';
import { AnchorSet, buildPath } from '../../cert/path.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import {
  CUCM_ROLES,
  IMP_ROLES,
  type Inventory,
  type InventoryNode,
  type TlsService,
  type TrustStoreName,
} from '../../inventory/types.js';

type MessageId = 'holdsRoots' | 'missingRoots' | 'storeNotProvided' | 'storeUnreadable' | 'peersUnread' | 'noPeers';

interface Requirement {
  node: InventoryNode;
  store: TrustStoreName;
  peerKinds: string;
  peers: Array<{ node: string; service: TlsService }>;
}

/**
 * Who must trust whom (seed, 인증서 사전 요건): CUCM and IM&P trust Expressway-C (their
 * tomcat-trust, and CallManager-trust / cup-xmpp-trust for SIP and XMPP); Expressway-C trusts CUCM
 * tomcat + CallManager and IM&P tomcat. CUCM and IM&P replicate trust stores from the publisher
 * to every node of the cluster, so subscribers are checked only when their stores are given.
 */
function requirements(inventory: Inventory): Requirement[] {
  const given = (node: InventoryNode): boolean => inventory.trust.some((entry) => entry.node === node.fqdn);
  const withRole = (roles: readonly string[]): InventoryNode[] =>
    inventory.nodes.filter((node) => roles.includes(node.role));
  const expc = withRole(['expressway-c']).map((node) => ({ node: node.fqdn, service: 'server' as const }));
  const cucmPeers = withRole(CUCM_ROLES).flatMap((node) => [
    { node: node.fqdn, service: 'tomcat' as const },
    { node: node.fqdn, service: 'callmanager' as const },
  ]);
  const impPeers = withRole(IMP_ROLES).map((node) => ({ node: node.fqdn, service: 'tomcat' as const }));
  const list: Requirement[] = [];
  for (const node of inventory.nodes) {
    const publisher = node.role === 'cucm-publisher' || node.role === 'imp-publisher';
    if (CUCM_ROLES.includes(node.role) && (publisher || given(node))) {
      for (const store of ['tomcat-trust', 'CallManager-trust'] as const)
        list.push({ node, store, peerKinds: 'Expressway-C', peers: expc });
    }
    if (IMP_ROLES.includes(node.role) && (publisher || given(node))) {
      for (const store of ['tomcat-trust', 'cup-xmpp-trust'] as const)
        list.push({ node, store, peerKinds: 'Expressway-C', peers: expc });
    }
    if (node.role === 'expressway-c') {
      list.push({
        node,
        store: 'trusted-ca',
        peerKinds: 'CUCM tomcat/CallManager or IM&P tomcat',
        peers: [...cucmPeers, ...impPeers],
      });
    }
  }
  return list;
}

/** MRA-CERT-003: each system trusts the roots of its peers (or the peers' self-signed certificates). */
export default defineRule({
  meta: {
    id: 'MRA-CERT-003',
    slug: 'cross-trust',
    area: 'cert',
    severity: 'error',
    title: 'Each system trusts the roots of its MRA peers',
    vantage: 'internal',
    needs: ['certificates'],
    scope: 'CUCM publisher, IM&P publisher or Expressway-C in the inventory',
    messages: {
      holdsRoots: '{store} of {node} holds what it needs to trust {peers}.',
      missingRoots: '{store} of {node} lacks {missing}.',
      storeNotProvided:
        'The inventory does not give {store} of {node} (trust[]), so whether it trusts {peers} is unknown.',
      storeUnreadable: 'Could not read {store} of {node}: {reason}.',
      peersUnread:
        '{store} of {node} holds the roots checked so far, but the certificates of {unread} could not be read.',
      noPeers: 'No certificate of {peerKinds} in the inventory to check {store} of {node} against.',
    },
    fixGroup: (finding) => ({ key: `trust-store:${finding.target}`, label: `trust store ${finding.target}` }),
  },
  async run(ctx) {
    const source = ctx.services.certificates;
    const required = requirements(ctx.inventory);
    if (required.length === 0) return notInScope('no CUCM publisher, IM&P publisher or Expressway-C in the inventory');
    const examined = await examineEndpoints(source);
    const findings: Array<CheckFinding<MessageId>> = [];
    for (const requirement of required) {
      const { node, store } = requirement;
      const target = `${node.fqdn} ${store}`;
      const peers = requirement.peers
        .map((peer) => serviceCertificate(examined, peer.node, peer.service))
        .filter((item): item is Examined => item !== undefined);
      const peerNames = peers.map((peer) => `${peer.endpoint.node} ${peer.endpoint.service}`).join(', ');
      const baseArgs = { node: node.fqdn, store, peers: peerNames, peerKinds: requirement.peerKinds };
      if (peers.length === 0) {
        findings.push({ target, status: 'skipped', messageId: 'noPeers', args: baseArgs });
        continue;
      }
      const loaded = await source.trustStore(node.fqdn, store);
      if (!loaded) {
        findings.push({
          target,
          status: 'skipped',
          messageId: 'storeNotProvided',
          args: baseArgs,
          evidence: { peers: peers.map((peer) => peer.endpoint.target) },
        });
        continue;
      }
      if (!loaded.ok) {
        findings.push({
          target,
          status: 'inconclusive',
          messageId: 'storeUnreadable',
          args: { ...baseArgs, reason: loaded.reason },
          evidence: { path: loaded.path },
        });
        continue;
      }
      const storeAnchors = new AnchorSet(loaded.certificates.map((certificate) => ({ certificate, source: target })));
      const missing = new Map<string, { label: string; neededBy: string[]; certificate?: Record<string, unknown> }>();
      const unread: string[] = [];
      const trustedPeers: Array<Record<string, unknown>> = [];
      for (const peer of peers) {
        const label = `${peer.endpoint.node} ${peer.endpoint.service}`;
        if (!peer.result.ok || !peer.path) {
          unread.push(`${label} (${peer.result.ok ? 'no chain' : peer.result.failure})`);
          continue;
        }
        const inStore = buildPath(peer.result.certificates, storeAnchors, new AnchorSet());
        if (inStore.anchor) {
          trustedPeers.push({
            peer: label,
            anchor: inStore.anchor.certificate.subject,
            sha256: inStore.anchor.certificate.sha256,
          });
          continue;
        }
        const leaf = peer.result.certificates[0]!;
        const root = peer.path.root ?? (leaf.selfIssued ? leaf : undefined);
        const top = peer.path.certificates.at(-1) ?? leaf;
        const key = root ? root.sha256 : `issuer:${top.issuerKey}`;
        const what = root
          ? `${root === leaf ? 'the self-signed certificate' : 'the root'} ${root.subject} (SHA-256 ${root.sha256})`
          : `the root above ${top.subject} (issuer ${top.issuer}, not found anywhere)`;
        const entry = missing.get(key) ?? {
          label: what,
          neededBy: [],
          ...(root ? { certificate: certificateEvidence(root) } : {}),
        };
        entry.neededBy.push(label);
        missing.set(key, entry);
      }
      const evidence = {
        path: loaded.path,
        storeCertificates: loaded.certificates.map((certificate) => ({
          subject: certificate.subject,
          sha256: certificate.sha256,
        })),
        ...(loaded.problems.length > 0 ? { unreadableEntries: loaded.problems } : {}),
        trustedPeers,
        missing: [...missing.values()],
        unreadPeers: unread,
      };
      if (missing.size > 0) {
        const text = [...missing.values()]
          .map((entry) => `${entry.label}, needed to trust ${entry.neededBy.join(' and ')}`)
          .join('; ');
        findings.push({
          target,
          status: 'fail',
          messageId: 'missingRoots',
          args: { ...baseArgs, missing: text },
          evidence,
        });
      } else if (unread.length > 0) {
        findings.push({
          target,
          status: 'inconclusive',
          messageId: 'peersUnread',
          args: { ...baseArgs, unread: unread.join(', ') },
          evidence,
        });
      } else {
        findings.push({ target, status: 'pass', messageId: 'holdsRoots', args: baseArgs, evidence });
      }
    }
    return findings;
  },
});
