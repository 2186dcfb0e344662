import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySnapshot, type CucmSnapshot } from '../../src/cucm/snapshot.js';
import type { Finding } from '../../src/engine/types.js';
import { newLabDraft, type LabDraft } from '../../lab/index.js';
import { tlsLabPart } from '../../lab/tls.js';
import { LAB_ENCRYPTED_PROFILES } from '../../lab/topology.js';
import { testCheck } from '../helpers/check.js';
import { tempDir } from '../helpers/pki.js';
import { join } from 'node:path';

/**
 * Issue 6 acceptance: two CAs where CUCM tomcat-trust lacks Expressway-C's root, an Expressway-C
 * certificate without clientAuth that misses one profile name, an Expressway-E certificate that
 * expires in 10 days — every CERT verdict right, naming exactly what is missing.
 */
describe('demo lab TLS part: every MRA-CERT verdict', () => {
  let stop: (() => Promise<void>) | undefined;
  const dir = tempDir();
  const draft: LabDraft = newLabDraft();
  draft.cucm.snapshot = 'snapshot.json';
  const snapshot: CucmSnapshot = emptySnapshot({
    version: '15.0',
    phones: LAB_ENCRYPTED_PROFILES.map((profile, i) => ({
      name: `SEP00000000000${i}`,
      model: 'Cisco 8845',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: profile,
    })),
    securityProfiles: LAB_ENCRYPTED_PROFILES.map((name) => ({
      name,
      phoneType: 'Cisco 8845',
      protocol: 'SIP',
      deviceSecurityMode: 'Encrypted',
      transportType: 'TLS',
      tftpEncryptedConfig: false,
    })),
  });
  const findings = new Map<string, Finding[]>();
  const verdicts = (rule: string): string[] =>
    (findings.get(rule) ?? [])
      .map((finding) => `${finding.target.split(' at ')[0]}=${finding.status}/${finding.severity}`)
      .sort();

  beforeAll(async () => {
    stop = await tlsLabPart({ dir, draft, env: {} });
    const inventory = draft as unknown as Record<string, unknown>;
    for (let n = 1; n <= 10; n++) {
      const rule = `MRA-CERT-${String(n).padStart(3, '0')}`;
      findings.set(
        rule,
        await testCheck(rule, {
          inventory,
          inventoryFile: join(dir, 'mra-preflight.yaml'),
          services: { cucm: { snapshot: async () => ({ ok: true, snapshot, origin: 'test' }) } },
        }),
      );
    }
  });
  afterAll(async () => {
    await stop?.();
  });

  it('MRA-CERT-001: every lab chain builds to a root held in some trust store', () => {
    expect(verdicts('MRA-CERT-001')).toEqual([
      'cucm-pub.example.com callmanager=pass/error',
      'cucm-pub.example.com tomcat=pass/error',
      'expc.example.com server=pass/error',
      'expe.example.com server=pass/error',
      'imp-pub.example.com tomcat=pass/error',
      'imp-pub.example.com xmpp=pass/error',
    ]);
  });

  it('MRA-CERT-002: two roots, as a warning', () => {
    const [finding] = findings.get('MRA-CERT-002')!;
    expect(finding).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(finding?.message).toContain(
      'CN=Lab Edge Root CA, O=mra-preflight lab (expc.example.com server, expe.example.com server)',
    );
  });

  it('MRA-CERT-003: only CUCM tomcat-trust fails, naming the edge root', () => {
    expect(verdicts('MRA-CERT-003')).toEqual([
      'cucm-pub.example.com CallManager-trust=pass/error',
      'cucm-pub.example.com tomcat-trust=fail/error',
      'expc.example.com trusted-ca=pass/error',
      'imp-pub.example.com cup-xmpp-trust=pass/error',
      'imp-pub.example.com tomcat-trust=pass/error',
    ]);
    const failed = findings.get('MRA-CERT-003')!.find((finding) => finding.status === 'fail');
    expect(failed?.message).toMatch(
      /^tomcat-trust of cucm-pub.example.com lacks the root CN=Lab Edge Root CA, O=mra-preflight lab \(SHA-256 [0-9A-F:]+\), needed to trust expc.example.com server\.$/,
    );
  });

  it('MRA-CERT-004: Expressway-E expires within the window (warning), the rest pass', () => {
    expect(verdicts('MRA-CERT-004')).toEqual([
      'cucm-pub.example.com callmanager=pass/error',
      'cucm-pub.example.com tomcat=pass/error',
      'expc.example.com server=pass/error',
      'expe.example.com server=fail/warning',
      'imp-pub.example.com tomcat=pass/error',
      'imp-pub.example.com xmpp=pass/error',
    ]);
  });

  it('MRA-CERT-005: Expressway-C misses exactly the one profile name', () => {
    const [finding] = findings.get('MRA-CERT-005')!;
    expect(finding).toMatchObject({ status: 'fail' });
    expect(finding?.evidence.missingProfiles).toEqual(['tct-mra.example.com']);
  });

  it('MRA-CERT-006..010', () => {
    expect(verdicts('MRA-CERT-006')).toEqual(['expe.example.com server=pass/error']);
    expect(verdicts('MRA-CERT-007')).toEqual([
      'expc.example.com server=fail/error',
      'expe.example.com server=pass/error',
    ]);
    expect(findings.get('MRA-CERT-007')!.find((finding) => finding.status === 'fail')?.message).toContain(
      'lacks clientAuth',
    );
    expect(new Set(verdicts('MRA-CERT-008').map((verdict) => verdict.split('=')[1]))).toEqual(new Set(['pass/error']));
    expect(new Set(verdicts('MRA-CERT-009').map((verdict) => verdict.split('=')[1]))).toEqual(new Set(['pass/error']));
    expect(findings.get('MRA-CERT-010')![0]).toMatchObject({ status: 'skipped', messageId: 'notSelfSigned' });
  });
});
