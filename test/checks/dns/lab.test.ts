import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/engine/catalog.js';
import { runScan } from '../../../src/engine/run.js';
import type { Report } from '../../../src/engine/types.js';
import { dnsLabPart } from '../../../lab/dns.js';
import type { LabDraft } from '../../../lab/index.js';
import { LAB_DOMAIN, LAB_NODES } from '../../../lab/topology.js';
import { fixtureInventory } from '../../helpers/check.js';

/**
 * The demo lab's DNS part (its UDP + TCP servers over dns-packet) with its deliberate faults, scanned by every
 * DNS rule.
 */
describe('demo lab DNS part', () => {
  let stop: () => Promise<void>;
  let draft: LabDraft;
  let report: Report;
  beforeAll(async () => {
    draft = {
      domains: [LAB_DOMAIN],
      dns: { internal: [], external: [] },
      ntp: { servers: [] },
      nodes: LAB_NODES.map((node) => ({ ...node })),
      certificates: [],
      trust: [],
      cucm: { mraDevicePools: [] },
      clusters: 1,
      policy: {},
      rules: {},
    };
    stop = await dnsLabPart({ dir: '/nonexistent', draft, env: {} });
    report = await runScan({
      inventory: fixtureInventory({ inventory: { domains: draft.domains, dns: draft.dns, nodes: draft.nodes } }),
      catalog: await loadCatalog(),
      only: ['dns'],
      timeoutMs: 2000,
    });
  });
  afterAll(async () => {
    await stop?.();
  });

  it('fills the draft with loopback resolvers', () => {
    expect(draft.dns.internal).toHaveLength(2);
    expect(draft.dns.external).toHaveLength(1);
    for (const address of [...draft.dns.internal, ...draft.dns.external]) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('shows exactly the deliberate faults', () => {
    const notPassing = report.findings
      .filter((finding) => finding.status !== 'pass')
      .map(
        (finding) => `${finding.ruleId} ${finding.target.replace(/@.*/, '')} ${finding.status} ${finding.messageId}`,
      );
    expect(notPassing.sort()).toEqual(
      [
        'MRA-DNS-002 _cuplogin._tcp.example.com fail leaked',
        'MRA-DNS-005 cucm-sub1.example.com fail ptrMissing',
        'MRA-DNS-005 imp-pub.example.com fail ptrOtherHost',
      ].sort(),
    );
    const ruleIds = new Set(report.findings.map((finding) => finding.ruleId));
    expect([...ruleIds].sort()).toEqual([
      'MRA-DNS-001',
      'MRA-DNS-002',
      'MRA-DNS-003',
      'MRA-DNS-004',
      'MRA-DNS-005',
      'MRA-DNS-006',
      'MRA-DNS-007',
    ]);
  });
});
