import type { CucmSnapshot } from '../../cucm/snapshot.js';
import { DEPLOYMENT, defineRule, type CheckFinding } from '../rule.js';
import type { Inventory } from '../../inventory/types.js';
import type { AxlVersionResult } from '../../cucm/source.js';
import { loadedSnapshot } from '../services.js';

/** The name Cisco Unified Serviceability gives the service (Tools > Service Activation). */
export const AXL_SERVICE = 'Cisco AXL Web Service';

const messages = {
  answered: 'AXL on {url} answered an authenticated getCCMVersion (HTTP {status}): CUCM {version}.',
  notActivated: 'AXL on {url} is not available (HTTP {status}): activate the Cisco AXL Web Service on the publisher.',
  notAuthenticated:
    'AXL on {url} refused the configured AXL user (HTTP {status}), so whether the service is active could not be confirmed: {reason}',
  unreachable: 'AXL on {url} could not be asked ({kind}): {reason}',
  activatedInSnapshot: 'The snapshot ({origin}) lists the Cisco AXL Web Service as activated on the publisher {node}.',
  deactivatedInSnapshot:
    'The snapshot ({origin}) lists the Cisco AXL Web Service as deactivated on the publisher {node}.',
  missingInSnapshot:
    'The snapshot ({origin}) lists services of the publisher {node} but not the Cisco AXL Web Service, so it is not activated.',
  publisherNotInSnapshot:
    'The snapshot ({origin}) lists no services of the publisher {publisher} (it lists nodes {nodes}).',
  noPublisher:
    "The inventory names no cucm-publisher node, so the snapshot's service list ({origin}) cannot be read for the publisher.",
  noServiceList: 'The CUCM source ({origin}) carries no service list, so the service state is unknown.',
  servicesUnreadable: 'The service list of the CUCM source ({origin}) could not be read: {reason}.',
  tlsVerificationOff:
    'TLS verification of AXL on {url} is off (cucm.axl.insecure: true): the AXL password goes to whoever answers; set caFile to the CA of the CUCM tomcat certificate instead.',
} as const;

type MessageId = keyof typeof messages;

function publisherOf(inventory: Inventory): { fqdn: string; names: Set<string> } | undefined {
  const node = inventory.nodes.find((candidate) => candidate.role === 'cucm-publisher');
  if (!node) return undefined;
  const names = new Set([node.fqdn, node.fqdn.split('.')[0]!]);
  if (node.ip) names.add(node.ip.toLowerCase());
  return { fqdn: node.fqdn, names };
}

const normalizeNode = (node: string): string => node.trim().toLowerCase().replace(/\.$/, '');

function targetFor(inventory: Inventory): string {
  const publisher = publisherOf(inventory)?.fqdn;
  if (publisher) return `${AXL_SERVICE} on ${publisher}`;
  const url = inventory.cucm.axl?.url;
  if (url) {
    try {
      return `${AXL_SERVICE} on ${new URL(url).hostname}`;
    } catch {
      // fall through: an unparsable URL is reported by the probe
    }
  }
  return `${AXL_SERVICE} on the publisher`;
}

function liveFinding(target: string, result: AxlVersionResult): CheckFinding<MessageId> {
  if (result.ok) {
    return {
      target,
      status: 'pass',
      messageId: 'answered',
      args: { url: result.url, status: result.status, version: result.version },
      evidence: {
        url: result.url,
        request: 'getCCMVersion',
        httpStatus: result.status,
        version: result.version,
        tlsVerified: !result.insecure,
      },
      durationMs: result.durationMs,
    };
  }
  const evidence = {
    url: result.url,
    request: 'getCCMVersion',
    httpStatus: result.status ?? null,
    failure: result.kind,
    ...(result.axlcode !== undefined ? { axlcode: result.axlcode } : {}),
    reason: result.reason,
  };
  if (result.kind === 'not-activated' || result.kind === 'unavailable') {
    return {
      target,
      status: 'fail',
      messageId: 'notActivated',
      args: { url: result.url, status: result.status ?? 0 },
      evidence,
      durationMs: result.durationMs,
    };
  }
  if (result.kind === 'unauthorized' || result.kind === 'forbidden') {
    return {
      target,
      status: 'inconclusive',
      messageId: 'notAuthenticated',
      args: { url: result.url, status: result.status ?? 0, reason: result.reason },
      evidence,
      durationMs: result.durationMs,
    };
  }
  return {
    target,
    status: 'inconclusive',
    messageId: 'unreachable',
    args: { url: result.url, kind: result.kind, reason: result.reason },
    evidence,
    durationMs: result.durationMs,
  };
}

function snapshotFinding(
  target: string,
  inventory: Inventory,
  snapshot: CucmSnapshot,
  origin: string,
): CheckFinding<MessageId> {
  const unreadable = snapshot.unavailable?.services;
  if (unreadable !== undefined) {
    return { target, status: 'inconclusive', messageId: 'servicesUnreadable', args: { origin, reason: unreadable } };
  }
  if (snapshot.services.length === 0)
    return {
      target: DEPLOYMENT,
      status: 'skipped',
      messageId: 'noServiceList',
      args: { origin },
      evidence: { source: origin },
    };
  const nodes = [...new Set(snapshot.services.map((service) => service.node))].sort();
  const publisher = publisherOf(inventory);
  const axlEntries = snapshot.services.filter(
    (service) => service.name.trim().toLowerCase() === AXL_SERVICE.toLowerCase(),
  );
  if (!publisher) {
    return {
      target,
      status: 'inconclusive',
      messageId: 'noPublisher',
      args: { origin },
      evidence: {
        source: origin,
        nodes,
        axlService: axlEntries.map((entry) => ({ node: entry.node, activated: entry.activated })),
      },
    };
  }
  const onPublisher = snapshot.services.filter((service) => publisher.names.has(normalizeNode(service.node)));
  if (onPublisher.length === 0) {
    return {
      target,
      status: 'inconclusive',
      messageId: 'publisherNotInSnapshot',
      args: { origin, publisher: publisher.fqdn, nodes: nodes.join(', ') },
      evidence: { source: origin, publisher: publisher.fqdn, nodes },
    };
  }
  const entry = onPublisher.find((service) => service.name.trim().toLowerCase() === AXL_SERVICE.toLowerCase());
  const node = entry?.node ?? onPublisher[0]!.node;
  const evidence = {
    source: origin,
    node,
    service: AXL_SERVICE,
    activated: entry?.activated ?? null,
    servicesListed: onPublisher.length,
  };
  if (!entry) return { target, status: 'fail', messageId: 'missingInSnapshot', args: { origin, node }, evidence };
  return entry.activated
    ? { target, status: 'pass', messageId: 'activatedInSnapshot', args: { origin, node }, evidence }
    : { target, status: 'fail', messageId: 'deactivatedInSnapshot', args: { origin, node }, evidence };
}

/**
 * Seed step 1 of the MRA workflow: the Cisco AXL Web Service must be active on the publisher, since
 * Expressway-C discovers the CUCM cluster over AXL. Live, an authenticated getCCMVersion proves it;
 * offline, the snapshot's service list says so.
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-001',
    slug: 'axl-service-active',
    area: 'cucm',
    severity: 'error',
    title: 'Cisco AXL Web Service active on the publisher',
    vantage: 'internal',
    // Live, getCCMVersion answers it; offline, the snapshot's service list (a section only this
    // branch reads, so it is checked here rather than declared).
    needs: ['cucm'],
    scope: 'CUCM publisher',
    fixGroup: () => ({
      key: 'axl-service',
      label: 'Cisco AXL Web Service on the publisher (Serviceability > Service Activation)',
    }),
    messages: {
      ...messages,
      tlsVerificationOff: { text: messages.tlsVerificationOff, severity: 'warning' },
    },
  },
  async run(ctx) {
    const target = targetFor(ctx.inventory);
    const axl = ctx.inventory.cucm.axl;
    const findings: CheckFinding<MessageId>[] = [];
    if (axl?.insecure) {
      findings.push({
        target: `AXL ${axl.url}`,
        status: 'fail',
        messageId: 'tlsVerificationOff',
        args: { url: axl.url },
        evidence: { url: axl.url, insecure: true, caFile: axl.caFile ?? null },
      });
    }
    const live = await ctx.services.cucm.axlVersion?.();
    if (live) return [liveFinding(target, live), ...findings];
    const { snapshot, origin } = await loadedSnapshot(ctx.services);
    return [snapshotFinding(target, ctx.inventory, snapshot, origin), ...findings];
  },
});
