import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-003';

describe('MRA-CERT-003 cross-trust', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
  });

  it('passes every store that holds the root of its peers', async () => {
    deployment = await startDeployment();
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findings.map((finding) => `${finding.target}=${finding.status}`).sort()).toEqual([
      'cucm-pub.example.com CallManager-trust=pass',
      'cucm-pub.example.com tomcat-trust=pass',
      'expc.example.com trusted-ca=pass',
      'imp-pub.example.com cup-xmpp-trust=pass',
      'imp-pub.example.com tomcat-trust=pass',
    ]);
  });

  it("fails the store that lacks Expressway-C's root, naming the store and the root; a store not given is skipped", async () => {
    const { rootA, rootB } = testPki();
    deployment = await startDeployment({
      presented: { expc: { leaf: leafFor('expc.example.com', rootB), chain: [rootB] } },
      trust: [
        ['cucm-pub.example.com', 'tomcat-trust', [rootA]],
        ['cucm-pub.example.com', 'callmanager-trust', [rootA, rootB]],
        ['imp-pub.example.com', 'tomcat-trust', [rootB]],
        ['expc.example.com', 'trusted-ca', [rootA]],
      ],
    });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    const tomcat = findingFor(findings, 'cucm-pub.example.com tomcat-trust');
    expect(tomcat).toMatchObject({ status: 'fail', messageId: 'missingRoots', severity: 'error' });
    expect(tomcat.message).toMatch(
      /^tomcat-trust of cucm-pub.example.com lacks the root CN=Test Root CA B, O=mra-preflight lab \(SHA-256 [0-9A-F:]+\), needed to trust expc.example.com server\.$/,
    );
    expect(findingFor(findings, 'cucm-pub.example.com CallManager-trust').status).toBe('pass');
    expect(findingFor(findings, 'imp-pub.example.com tomcat-trust').status).toBe('pass');
    const xmpp = findingFor(findings, 'imp-pub.example.com cup-xmpp-trust');
    expect(xmpp).toMatchObject({ status: 'skipped', messageId: 'storeNotProvided' });
    expect(findingFor(findings, 'expc.example.com trusted-ca').status).toBe('pass');
  });

  it('with self-signed CUCM certificates, Expressway-C must hold each leaf itself', async () => {
    const { rootA } = testPki();
    const tomcat = leafFor('cucm-pub.example.com', undefined);
    const callmanager = leafFor('cucm-pub.example.com', undefined, { commonName: 'cucm-pub.example.com-ms' });
    deployment = await startDeployment({
      presented: { cucmTomcat: { leaf: tomcat }, cucmCallManager: { leaf: callmanager } },
      trust: [['expc.example.com', 'trusted-ca', [rootA, tomcat]]],
    });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    const expc = findingFor(findings, 'expc.example.com trusted-ca');
    expect(expc.status).toBe('fail');
    expect(expc.message).toContain('lacks the self-signed certificate CN=cucm-pub.example.com-ms');
    expect(expc.message).toContain('needed to trust cucm-pub.example.com callmanager.');
    expect(expc.message).not.toContain('CN=cucm-pub.example.com,');
  });

  it('is inconclusive for a store whose export cannot be read', async () => {
    deployment = await startDeployment({ trust: [['expc.example.com', 'trusted-ca', []]] });
    const findings = await testCheck(RULE, {
      inventory: deployment.inventory,
      inventoryFile: deployment.inventoryFile,
    });
    expect(findingFor(findings, 'expc.example.com trusted-ca')).toMatchObject({
      status: 'inconclusive',
      messageId: 'storeUnreadable',
    });
  });

  it('offline: checks subscribers only when their stores are given, is inconclusive when a peer cannot be read, skipped without peers', async () => {
    const { rootA, intermediateA } = testPki();
    const dir = tempDir();
    writePem(dir, 'expc.pem', leafFor('expc.example.com', intermediateA), intermediateA);
    writePem(dir, 'root-a.pem', rootA);
    const base = {
      domains: ['example.com'],
      nodes: [
        { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
        { fqdn: 'cucm-sub1.example.com', role: 'cucm-subscriber' },
        { fqdn: 'cucm-sub2.example.com', role: 'cucm-subscriber' },
        { fqdn: 'expc.example.com', role: 'expressway-c' },
      ],
      certificates: [{ node: 'expc.example.com', service: 'server', file: 'expc.pem' }],
      trust: [
        { node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root-a.pem' },
        { node: 'cucm-sub2.example.com', store: 'tomcat-trust', path: 'root-a.pem' },
      ],
    };
    const findings = await testCheck(RULE, {
      offline: true,
      inventory: base,
      inventoryFile: join(dir, 'inventory.yaml'),
    });
    expect(findings.map((finding) => `${finding.target}=${finding.status}`).sort()).toEqual([
      'cucm-pub.example.com CallManager-trust=skipped',
      'cucm-pub.example.com tomcat-trust=pass',
      'cucm-sub2.example.com CallManager-trust=skipped',
      'cucm-sub2.example.com tomcat-trust=pass',
      // Expressway-C trusted-ca has no CUCM or IM&P certificate to be checked against.
      'expc.example.com trusted-ca=skipped',
    ]);
    expect(findingFor(findings, 'expc.example.com trusted-ca').messageId).toBe('noPeers');

    const unreadable = {
      ...base,
      certificates: [{ node: 'expc.example.com', service: 'server', file: 'missing.pem' }],
    };
    const unread = await testCheck(RULE, {
      offline: true,
      inventory: unreadable,
      inventoryFile: join(dir, 'inventory.yaml'),
    });
    expect(findingFor(unread, 'cucm-pub.example.com tomcat-trust')).toMatchObject({
      status: 'inconclusive',
      messageId: 'peersUnread',
    });
  });
});

describe('MRA-CERT-003 cross-trust: every peer of each store counts (offline files)', () => {
  type Peer = 'cucmTomcat' | 'cucmCallManager' | 'impTomcat' | 'expc';
  const PEERS: Record<Peer, { node: string; service: string; label: string }> = {
    cucmTomcat: { node: 'cucm-pub.example.com', service: 'tomcat', label: 'cucm-pub.example.com tomcat' },
    cucmCallManager: {
      node: 'cucm-pub.example.com',
      service: 'callmanager',
      label: 'cucm-pub.example.com callmanager',
    },
    impTomcat: { node: 'imp-pub.example.com', service: 'tomcat', label: 'imp-pub.example.com tomcat' },
    expc: { node: 'expc.example.com', service: 'server', label: 'expc.example.com server' },
  };

  /**
   * Every certificate under root A and every store holding root A, except `outsider`, issued by
   * root B; `unreadable` peers are exported as a file that holds no certificate.
   */
  async function judge(outsider: Peer | undefined, unreadable: Peer[] = []) {
    const { rootA, rootB, intermediateA } = testPki();
    const dir = tempDir();
    writePem(dir, 'root-a.pem', rootA);
    const certificates = (Object.keys(PEERS) as Peer[]).map((peer) => {
      const { node, service } = PEERS[peer];
      const file = `${peer}.pem`;
      if (unreadable.includes(peer)) writeFileSync(join(dir, file), '-----BEGIN CERTIFICATE-----\nnot base64\n');
      else if (peer === outsider)
        writePem(dir, file, leafFor(node, rootB, { commonName: `${node}-${service}` }), rootB);
      else writePem(dir, file, leafFor(node, intermediateA, { commonName: `${node}-${service}` }), intermediateA);
      return { node, service, file };
    });
    const stores: Array<[string, string]> = [
      ['cucm-pub.example.com', 'tomcat-trust'],
      ['cucm-pub.example.com', 'callmanager-trust'],
      ['imp-pub.example.com', 'tomcat-trust'],
      ['imp-pub.example.com', 'cup-xmpp-trust'],
      ['expc.example.com', 'trusted-ca'],
    ];
    const findings = await testCheck(RULE, {
      offline: true,
      inventoryFile: join(dir, 'inventory.yaml'),
      inventory: {
        domains: ['example.com'],
        nodes: [
          { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
          { fqdn: 'imp-pub.example.com', role: 'imp-publisher' },
          { fqdn: 'expc.example.com', role: 'expressway-c' },
        ],
        certificates,
        trust: stores.map(([node, store]) => ({ node, store, path: 'root-a.pem' })),
      },
    });
    return findings;
  }

  it.each(['cucmTomcat', 'cucmCallManager', 'impTomcat'] as const)(
    "fails Expressway-C's trusted-ca when only %s chains to a root it lacks",
    async (outsider) => {
      const findings = await judge(outsider);
      const expc = findingFor(findings, 'expc.example.com trusted-ca');
      expect(expc).toMatchObject({ status: 'fail', messageId: 'missingRoots' });
      expect(expc.message).toContain(`lacks the root CN=Test Root CA B, O=mra-preflight lab`);
      expect(expc.message).toMatch(new RegExp(`needed to trust ${PEERS[outsider].label}\\.$`));
      expect(expc.evidence).toMatchObject({ missing: [{ neededBy: [PEERS[outsider].label] }] });
      // The CUCM and IM&P stores only need Expressway-C's root, which they hold.
      expect(findings.filter((finding) => finding.status === 'fail').map((finding) => finding.target)).toEqual([
        'expc.example.com trusted-ca',
      ]);
    },
  );

  it('fails every CUCM and IM&P store when Expressway-C chains to a root they lack', async () => {
    const findings = await judge('expc');
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['cucm-pub.example.com tomcat-trust', 'fail', 'missingRoots'],
      ['cucm-pub.example.com CallManager-trust', 'fail', 'missingRoots'],
      ['imp-pub.example.com tomcat-trust', 'fail', 'missingRoots'],
      ['imp-pub.example.com cup-xmpp-trust', 'fail', 'missingRoots'],
      ['expc.example.com trusted-ca', 'pass', 'holdsRoots'],
    ]);
  });

  it('passes when every peer chains to the root the stores hold', async () => {
    const findings = await judge(undefined);
    expect(findings.map((finding) => [finding.status, finding.messageId])).toEqual(
      findings.map(() => ['pass', 'holdsRoots']),
    );
    expect(findingFor(findings, 'expc.example.com trusted-ca').evidence).toMatchObject({
      trustedPeers: [
        { peer: 'cucm-pub.example.com tomcat' },
        { peer: 'cucm-pub.example.com callmanager' },
        { peer: 'imp-pub.example.com tomcat' },
      ],
      missing: [],
      unreadPeers: [],
    });
  });

  it('still fails a missing root when another peer cannot be read (the failure is known, not inconclusive)', async () => {
    const findings = await judge('impTomcat', ['cucmTomcat']);
    const expc = findingFor(findings, 'expc.example.com trusted-ca');
    expect(expc).toMatchObject({ status: 'fail', messageId: 'missingRoots' });
    expect(expc.message).toMatch(/needed to trust imp-pub\.example\.com tomcat\.$/);
    expect(expc.evidence.unreadPeers).toEqual([expect.stringMatching(/^cucm-pub\.example\.com tomcat \(/)]);
    // With nothing missing, the unread peer makes it inconclusive instead of a pass.
    const unsure = findingFor(await judge(undefined, ['cucmTomcat']), 'expc.example.com trusted-ca');
    expect(unsure).toMatchObject({ status: 'inconclusive', messageId: 'peersUnread' });
    expect(unsure.message).toContain('the certificates of cucm-pub.example.com tomcat (');
  });
});
