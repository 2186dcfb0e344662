import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { examineEndpoints, validationEvidence } from '../../src/cert/examine.js';
import { Limiter } from '../../src/probes/limiter.js';
import { createCertificateSource } from '../../src/cert/source.js';
import { pemOfDer } from '../../lab/pki.js';
import { fixtureInventory } from '../helpers/check.js';
import { tempDir } from '../helpers/pki.js';
import { serveTls, type RunningServer } from '../helpers/tls-server.js';
import { JUDGED_AT, buildChain, conformingChain, setExtension } from './chains.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/**
 * The hook MRA-CERT-001 and MRA-EDGE-002 use: a real TLS endpoint presents a chain whose issuing
 * CA has no basicConstraints, and examineEndpoints (given the run's instant) carries the RFC 5280
 * verdict and its evidence next to the path it always built.
 */
describe('examineEndpoints with path validation', () => {
  it('validates each presented chain at the given instant and renders the evidence', async () => {
    const chain = conformingChain();
    setExtension(chain.intermediates[0]!, '2.5.29.19', undefined);
    const built = buildChain(chain);
    const server = await serveTls({
      chainPem: [built.leafDer, ...built.intermediateDers].map(pemOfDer).join(''),
      keyPem: chain.leaf.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    servers.push(server);
    const dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), pemOfDer(built.rootDer));
    const source = createCertificateSource({
      inventory: fixtureInventory({
        inventoryFile: join(dir, 'inventory.yaml'),
        inventory: {
          domains: ['example.com'],
          nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: server.endpoint } }],
          trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root.pem' }],
        },
      }),
      offline: false,
      timeoutMs: 2000,
      limiter: new Limiter(2),
      signal: new AbortController().signal,
      env: {},
    });
    const [examined] = await examineEndpoints(source, () => true, { at: JUDGED_AT });
    expect(examined?.path?.anchor).toBeDefined();
    const validation = examined?.validation;
    expect(validation?.valid).toBe(false);
    if (!validation || validation.valid) return;
    expect(validation.failure.condition).toBe('not-a-ca');
    const evidence = validationEvidence(validation);
    expect(evidence).toMatchObject({
      trustedBy: ['cucm-pub.example.com tomcat-trust'],
      failure: {
        condition: 'not-a-ca',
        reference: 'RFC 5280 6.1.4 (k)',
        certificate: 'CN=Issuing CA 1, O=mra-preflight test',
        message: 'CN=Issuing CA 1, O=mra-preflight test is not a CA: basicConstraints absent',
      },
    });
    expect((evidence.chain as unknown[]).length).toBe(3);
    const [plain] = await examineEndpoints(source);
    expect(plain?.validation).toBeUndefined();
  });
});
