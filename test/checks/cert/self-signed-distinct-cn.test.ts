import { afterEach, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { testCheck } from '../../helpers/check.js';
import { join } from 'node:path';
import { leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-010';
const TARGET = 'cucm-pub.example.com tomcat/CallManager';

describe('MRA-CERT-010 self-signed-distinct-cn', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
  });

  it('passes self-signed tomcat and CallManager certificates with different CNs', async () => {
    deployment = await startDeployment({
      presented: {
        cucmTomcat: { leaf: leafFor('cucm-pub.example.com', undefined) },
        cucmCallManager: {
          leaf: leafFor('cucm-pub.example.com', undefined, { commonName: 'cucm-pub.example.com-ms' }),
        },
      },
    });
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ target: TARGET, status: 'pass', messageId: 'distinct' });
  });

  it('fails self-signed tomcat and CallManager certificates that share a CN', async () => {
    deployment = await startDeployment({
      presented: {
        cucmTomcat: { leaf: leafFor('cucm-pub.example.com', undefined) },
        cucmCallManager: { leaf: leafFor('cucm-pub.example.com', undefined) },
      },
    });
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ target: TARGET, status: 'fail', messageId: 'sameCn' });
    expect(finding?.message).toContain('share the CN cucm-pub.example.com');
  });

  it('is skipped for CA-signed certificates, and skipped naming MRA-CERT-001 when one cannot be read', async () => {
    deployment = await startDeployment();
    const [finding] = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'notSelfSigned' });
    const inventory = structuredClone(deployment.inventory) as {
      nodes: Array<{ fqdn: string; tls?: Record<string, string> }>;
    };
    inventory.nodes[0]!.tls!.callmanager = `127.0.0.1:${await refusingPort('127.0.0.1')}`;
    const [unread] = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile, timeoutMs: 500 });
    expect(unread).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
      evidence: { prerequisite: { ruleId: 'MRA-CERT-001', messageId: 'notObtained' } },
    });
  });
});

describe('MRA-CERT-010 on exported files: both pairs, case, and which one is CA-signed', () => {
  /** Exported certificates of cucm-pub (tomcat, callmanager) and imp-pub (tomcat, xmpp). */
  async function judge(cns: {
    tomcat: string;
    callmanager: string;
    impTomcat: string;
    xmpp: string;
    caSigned?: string[];
  }) {
    const { intermediateA } = testPki();
    const dir = tempDir();
    const entries = [
      ['cucm-pub.example.com', 'tomcat', cns.tomcat],
      ['cucm-pub.example.com', 'callmanager', cns.callmanager],
      ['imp-pub.example.com', 'tomcat', cns.impTomcat],
      ['imp-pub.example.com', 'xmpp', cns.xmpp],
    ] as const;
    const certificates = entries.map(([node, service, commonName]) => {
      const file = `${node}-${service}.pem`;
      const caSigned = cns.caSigned?.includes(`${node} ${service}`);
      const leaf = leafFor(node, caSigned ? intermediateA : undefined, { commonName });
      writePem(dir, file, ...(caSigned ? [leaf, intermediateA] : [leaf]));
      return { node, service, file };
    });
    return testCheck(RULE, {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [
          { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
          { fqdn: 'imp-pub.example.com', role: 'imp-publisher' },
        ],
        certificates,
      },
    });
  }

  it('judges the IM&P tomcat and cup-xmpp pair too, and compares CNs without regard to case', async () => {
    const findings = await judge({
      tomcat: 'cucm-pub.example.com',
      callmanager: 'cucm-pub.example.com-ms',
      impTomcat: 'imp-pub.example.com',
      xmpp: 'IMP-PUB.example.com',
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      [TARGET, 'pass', 'distinct'],
      ['imp-pub.example.com tomcat/cup-xmpp', 'fail', 'sameCn'],
    ]);
    expect(findings[0]!.message).toBe(
      'The self-signed tomcat and CallManager certificates of cucm-pub.example.com have different CNs (cucm-pub.example.com and cucm-pub.example.com-ms).',
    );
    expect(findings[1]!.message).toMatch(
      /^The self-signed tomcat and cup-xmpp certificates of imp-pub\.example\.com share the CN imp-pub\.example\.com; /,
    );
    expect(findings[1]!.group).toEqual({
      key: 'self-signed:imp-pub.example.com tomcat/cup-xmpp',
      label: 'self-signed certificates imp-pub.example.com tomcat/cup-xmpp',
    });
    expect(findings[1]!.evidence).toMatchObject({
      tomcat: {
        endpoint: 'imp-pub.example.com-tomcat.pem',
        subject: 'CN=imp-pub.example.com, O=mra-preflight lab',
        selfSigned: true,
      },
      'cup-xmpp': { endpoint: 'imp-pub.example.com-xmpp.pem', selfSigned: true },
    });
  });

  it('is skipped naming each certificate that is not self-signed', async () => {
    const findings = await judge({
      tomcat: 'same',
      callmanager: 'same',
      impTomcat: 'same',
      xmpp: 'same',
      caSigned: ['cucm-pub.example.com callmanager', 'imp-pub.example.com tomcat', 'imp-pub.example.com xmpp'],
    });
    expect(findings.map((finding) => [finding.status, finding.messageId])).toEqual([
      ['skipped', 'notSelfSigned'],
      ['skipped', 'notSelfSigned'],
    ]);
    expect(findings[0]!.message).toBe(
      'The tomcat and CallManager certificates of cucm-pub.example.com are not both self-signed (CallManager is issued by CN=Test Issuing CA A1, O=mra-preflight lab); distinct CNs matter only for self-signed certificates.',
    );
    expect(findings[1]!.message).toContain(
      '(tomcat is issued by CN=Test Issuing CA A1, O=mra-preflight lab; cup-xmpp is issued by CN=Test Issuing CA A1, O=mra-preflight lab)',
    );
  });
});
