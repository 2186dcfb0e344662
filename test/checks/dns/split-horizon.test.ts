import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/engine/catalog.js';
import { runScan } from '../../../src/engine/run.js';
import type { Report } from '../../../src/engine/types.js';
import { startNamed, type NamedInstance } from '../../helpers/bind.js';
import { fixtureInventory } from '../../helpers/check.js';
import { inventory, silentResolver } from './fixture.js';

/**
 * Acceptance (issue 4): a BIND split-horizon deployment with deliberate faults — _cuplogin leaked
 * on the public view, a node without PTR, a PTR naming another host — plus an external resolver
 * that never answers. Every DNS rule runs in one scan, sharing one probe, and every verdict is checked.
 */
describe('DNS rules against a faulty BIND split-horizon lab', () => {
  let internal: NamedInstance;
  let external: NamedInstance;
  let silent: Awaited<ReturnType<typeof silentResolver>>;
  let report: Report;

  beforeAll(async () => {
    [internal, external, silent] = await Promise.all([
      startNamed('internal', ['faulty']),
      startNamed('external', ['faulty']),
      silentResolver(),
    ]);
    report = await runScan({
      inventory: fixtureInventory({
        inventory: inventory({
          internal: [internal.ipv4, internal.ipv6],
          external: [external.ipv4, silent.address],
          timeoutMs: 400,
        }),
      }),
      catalog: await loadCatalog(),
      only: ['dns'],
      timeoutMs: 5000,
    });
  });
  afterAll(async () => {
    await Promise.all([internal?.stop(), external?.stop(), silent?.close()]);
  });

  it('gives every verdict right', () => {
    const verdicts = Object.fromEntries(
      report.findings.map((finding) => [
        `${finding.ruleId} ${finding.target}`,
        `${finding.status} ${finding.messageId}`,
      ]),
    );
    const int4 = internal.ipv4;
    const int6 = `[::1]:${internal.port}`;
    const ext = external.ipv4;
    const mute = silent.address;
    expect(verdicts).toEqual({
      [`MRA-DNS-001 _cisco-uds._tcp.example.com@${int4}`]: 'fail srvInvalid',
      [`MRA-DNS-001 _cisco-uds._tcp.example.com@${int6}`]: 'fail srvInvalid',
      [`MRA-DNS-002 _cisco-uds._tcp.example.com@${ext}`]: 'pass notPublished',
      [`MRA-DNS-002 _cuplogin._tcp.example.com@${ext}`]: 'fail leaked',
      [`MRA-DNS-002 _cisco-uds._tcp.example.com@${mute}`]: 'inconclusive queryFailed',
      [`MRA-DNS-002 _cuplogin._tcp.example.com@${mute}`]: 'inconclusive queryFailed',
      [`MRA-DNS-003 _collab-edge._tls.example.com@${ext}`]: 'fail srvInvalid',
      [`MRA-DNS-003 _collab-edge._tls.example.com@${mute}`]: 'inconclusive queryFailed',
      'MRA-DNS-004 cucm-pub.example.com': 'pass forwardOk',
      'MRA-DNS-004 cucm-sub1.example.com': 'pass forwardOk',
      'MRA-DNS-004 imp-pub.example.com': 'pass forwardOk',
      'MRA-DNS-004 imp-sub.example.com': 'fail forwardMissing',
      'MRA-DNS-004 expc.example.com': 'fail forwardWrong',
      'MRA-DNS-004 expe.example.com': 'pass forwardOk',
      'MRA-DNS-005 cucm-pub.example.com': 'pass reverseOk',
      'MRA-DNS-005 cucm-sub1.example.com': 'fail ptrMissing',
      'MRA-DNS-005 imp-pub.example.com': 'fail ptrOtherHost',
      'MRA-DNS-005 imp-sub.example.com': 'fail ptrNotConfirmed',
      'MRA-DNS-005 expc.example.com': 'fail ptrNotConfirmed',
      'MRA-DNS-005 expe.example.com': 'pass reverseOk',
      'MRA-DNS-006 _cisco-uds._tcp.example.com SRV': 'pass agree',
      'MRA-DNS-006 cucm-pub.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 cucm-sub1.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 imp-pub.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 imp-sub.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 expc.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 expe.example.com A/AAAA': 'pass agree',
      'MRA-DNS-006 10.1.1.10.in-addr.arpa PTR': 'pass agree',
      'MRA-DNS-006 11.1.1.10.in-addr.arpa PTR': 'pass agree',
      'MRA-DNS-006 20.1.1.10.in-addr.arpa PTR': 'pass agree',
      'MRA-DNS-006 0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR': 'pass agree',
      'MRA-DNS-006 30.1.1.10.in-addr.arpa PTR': 'pass agree',
      'MRA-DNS-006 30.113.0.203.in-addr.arpa PTR': 'pass agree',
      'MRA-DNS-007 cucm-pub.example.com': 'pass valid',
      'MRA-DNS-007 cucm-sub1.example.com': 'pass valid',
      'MRA-DNS-007 imp-pub.example.com': 'pass valid',
      'MRA-DNS-007 imp-sub.example.com': 'pass valid',
      'MRA-DNS-007 expc.example.com': 'pass valid',
      'MRA-DNS-007 expe.example.com': 'pass valid',
    });
  });

  it('shows the leaked record, the missing PTR and the other host in the messages', () => {
    const message = (ruleId: string, target: string): string =>
      report.findings.find((finding) => finding.ruleId === ruleId && finding.target === target)?.message ?? '';
    expect(message('MRA-DNS-002', `_cuplogin._tcp.example.com@${external.ipv4}`)).toContain(
      'IN SRV 10 10 8443 imp-pub.example.com.',
    );
    expect(message('MRA-DNS-005', 'cucm-sub1.example.com')).toContain('NXDOMAIN for 11.1.1.10.in-addr.arpa');
    expect(message('MRA-DNS-005', 'imp-pub.example.com')).toContain('says expc.example.com');
  });

  it('reports the silent resolver as a timeout of the configured 400 ms, not a check deadline', () => {
    const muted = report.findings.filter((finding) => finding.target.endsWith(`@${silent.address}`));
    expect(muted).toHaveLength(3);
    for (const finding of muted)
      expect(finding.evidence).toMatchObject({ outcome: 'timeout', detail: 'no reply within 400 ms' });
  });
});
