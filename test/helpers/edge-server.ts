import { claimLoopbackPorts } from '../../lab/loopback.js';
import {
  startEdgeServer,
  type EdgeDomainMode,
  type EdgeServer,
  type EdgeServerOptions,
} from '../../lab/edge-server.js';
import { createCa, issueCertificate, type Issued } from '../../lab/pki.js';

/**
 * An Expressway-E edge for the EDGE probe tests: lab/edge-server.ts on a random 127.x.y.z, on
 * 8443 when that is free there (else a random port), presenting a chain for `target` from a
 * "public" CA that the tests give as clientTrust; a second, unrelated root stands for a CA MRA
 * clients do not trust.
 */
export interface TestEdge {
  server: EdgeServer;
  host: string;
  port: number;
  /** The SRV target the certificate names. */
  target: string;
  trustedRoot: Issued;
  intermediate: Issued;
  untrustedRoot: Issued;
  close(): Promise<void>;
}

export interface TestEdgeOptions {
  domains: Record<string, EdgeDomainMode>;
  target?: string;
  /** Issue the edge certificate under the untrusted root instead. */
  untrusted?: boolean;
  credentials?: EdgeServerOptions['credentials'];
}

let pki: { trustedRoot: Issued; intermediate: Issued; untrustedRoot: Issued } | undefined;

export async function startTestEdge(options: TestEdgeOptions): Promise<TestEdge> {
  pki ??= (() => {
    const trustedRoot = createCa('Test Public Root CA');
    return {
      trustedRoot,
      intermediate: createCa('Test Public Issuing CA', {}, trustedRoot),
      untrustedRoot: createCa('Test Private Root CA'),
    };
  })();
  const target = options.target ?? 'expe.example.com';
  const issuer = options.untrusted ? pki.untrustedRoot : pki.intermediate;
  const leaf = issueCertificate(
    { commonName: target, sans: [target, 'collab-edge.example.com'], extendedKeyUsage: ['serverAuth', 'clientAuth'] },
    issuer,
  );
  const claim = await claimLoopbackPorts({ https: 8443 });
  const server = await startEdgeServer({
    host: claim.host,
    port: claim.ports.https!,
    certPem: leaf.certPem + (options.untrusted ? '' : pki.intermediate.certPem),
    keyPem: leaf.keyPem,
    domains: options.domains,
    content: {
      expresswayE: target,
      udsServers: [{ host: 'cucm-pub.example.com' }, { host: 'cucm-sub1.example.com' }],
      impServers: [{ host: 'imp-pub.example.com' }],
      turnServers: [{ host: target, udpPort: 3478, tcpPort: 3478 }],
      expresswayCAddress: '10.1.1.30',
    },
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return { server, host: server.host, port: server.port, target, ...pki, close: () => server.close() };
}
