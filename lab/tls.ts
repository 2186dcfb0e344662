import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import type { LabPart } from './part.js';
import { createCa, issueCertificate, type Issued } from './pki.js';
import { LAB_DOMAIN, LAB_EXPC_PROFILE_SANS } from './topology.js';

/** A listening lab/test server on loopback. */
export interface RunningServer {
  host: string;
  port: number;
  /** `127.0.0.1:port`, the form nodes[].tls takes. */
  endpoint: string;
  close(): Promise<void>;
}

export interface ServedCertificate {
  /** Leaf first, then the chain to present (PEM, concatenated). */
  chainPem: string;
  keyPem: string;
}

function listen(server: Server, sockets: Set<Socket>, host = '127.0.0.1'): Promise<RunningServer> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no port'));
      const endpoint = host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
      resolve({
        host,
        port: address.port,
        endpoint,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A TLS server presenting `chainPem` (any order the caller chose, extras included). */
export function serveTls(served: ServedCertificate, host = '127.0.0.1'): Promise<RunningServer> {
  const server = tls.createServer({
    key: served.keyPem,
    cert: served.chainPem,
    ciphers: 'DEFAULT:@SECLEVEL=0',
    minVersion: 'TLSv1.2',
  });
  server.on('tlsClientError', () => {});
  server.on('secureConnection', (socket) => {
    socket.on('error', () => socket.destroy());
    socket.end();
  });
  return listen(server, new Set(), host);
}

/**
 * An IM&P-like XMPP client port: plain-text stream, STARTTLS offered as required, then TLS on the
 * same connection after <proceed/> (RFC 6120 section 5), as Jabber meets it on 5222. A stream
 * opened `to` a domain the server does not serve is closed with a host-unknown stream error
 * (RFC 6120 4.9.3.6), as IM&P closes it.
 */
export function serveXmppStartTls(served: ServedCertificate, domain = LAB_DOMAIN): Promise<RunningServer> {
  const context = tls.createSecureContext({ key: served.keyPem, cert: served.chainPem });
  const server = createTcpServer((socket) => {
    let received = '';
    let featuresSent = false;
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('utf8');
      if (received.length > 65_536) return void socket.destroy();
      if (
        !featuresSent &&
        received.includes('<stream:stream') &&
        received.includes('>', received.indexOf('<stream:stream'))
      ) {
        const to = /<stream:stream[^>]*\sto=['"]([^'"]*)['"]/.exec(received)?.[1];
        if (to !== domain) {
          socket.end(
            `<?xml version='1.0'?><stream:stream from='${domain}' id='lab1' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>` +
              "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
          );
          return void socket.off('data', onData);
        }
        featuresSent = true;
        socket.write(
          `<?xml version='1.0'?><stream:stream from='${domain}' id='lab1' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>` +
            "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
        );
      }
      if (featuresSent && received.includes('<starttls')) {
        socket.off('data', onData);
        socket.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", () => {
          const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
          secure.on('error', () => secure.destroy());
          secure.on('secure', () => secure.end());
        });
      }
    };
    socket.on('data', onData);
  });
  return listen(server, new Set());
}

/**
 * The demo lab's certificates, built with deliberate faults (issue 6 acceptance):
 * - two CAs: CUCM and IM&P chain (through an issuing CA) to "Lab Enterprise Root CA"; Expressway-C
 *   and -E to "Lab Edge Root CA"; CUCM tomcat-trust lacks the edge root (MRA-CERT-002, -003);
 * - Expressway-C's certificate has no clientAuth EKU (MRA-CERT-007) and lacks one Encrypted
 *   profile name in its SANs (MRA-CERT-005: LAB_EXPC_PROFILE_SANS);
 * - Expressway-E's certificate expires in 10 days (MRA-CERT-004 warning).
 */
export const tlsLabPart: LabPart = async ({ dir, draft }) => {
  const DAY = 86_400_000;
  const enterpriseRoot = createCa('Lab Enterprise Root CA');
  const issuing = createCa('Lab Enterprise Issuing CA', {}, enterpriseRoot);
  const edgeRoot = createCa('Lab Edge Root CA');
  const both: Array<'serverAuth' | 'clientAuth'> = ['serverAuth', 'clientAuth'];
  const chain = (leaf: Issued, ...above: Issued[]): ServedCertificate => ({
    chainPem: [leaf, ...above].map((cert) => cert.certPem).join(''),
    keyPem: leaf.keyPem,
  });
  const leaf = (
    commonName: string,
    sans: string[],
    issuer: Issued,
    extra: Partial<Parameters<typeof issueCertificate>[0]> = {},
  ): Issued => issueCertificate({ commonName, sans, extendedKeyUsage: both, ...extra }, issuer);

  const cucmTomcat = leaf('cucm-pub.example.com', ['cucm-pub.example.com'], issuing);
  const cucmCallManager = leaf('cucm-pub.example.com-ms', ['cucm-pub.example.com'], issuing);
  const impTomcat = leaf('imp-pub.example.com', ['imp-pub.example.com'], issuing);
  const impXmpp = leaf('imp-pub.example.com', ['imp-pub.example.com', LAB_DOMAIN], issuing);
  const expc = leaf('expc.example.com', ['expc.example.com', ...LAB_EXPC_PROFILE_SANS], edgeRoot, {
    extendedKeyUsage: ['serverAuth'],
  });
  const expe = leaf('expe.example.com', ['expe.example.com', `collab-edge.${LAB_DOMAIN}`], edgeRoot, {
    notAfter: new Date(Date.now() + 10 * DAY),
  });

  const servers: RunningServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(servers.map((server) => server.close()));
  };
  try {
    const serve = async (fqdn: string, service: string, served: ServedCertificate, xmpp = false): Promise<void> => {
      const server = xmpp ? await serveXmppStartTls(served) : await serveTls(served);
      servers.push(server);
      const node = draft.nodes.find((candidate) => candidate.fqdn === fqdn);
      if (node) node.tls = { ...node.tls, [service]: server.endpoint };
    };
    await serve('cucm-pub.example.com', 'tomcat', chain(cucmTomcat, issuing));
    await serve('cucm-pub.example.com', 'callmanager', chain(cucmCallManager, issuing));
    await serve('imp-pub.example.com', 'tomcat', chain(impTomcat, issuing));
    await serve('expc.example.com', 'server', chain(expc));
    await serve('expe.example.com', 'server', chain(expe, edgeRoot));
    await serve('imp-pub.example.com', 'xmpp', chain(impXmpp, issuing), true);
  } catch (error) {
    await stop();
    throw error;
  }

  const certs = join(dir, 'certs');
  const write = (name: string, ...issued: Issued[]): string => {
    const path = join(certs, name);
    writeFileSync(path, issued.map((cert) => cert.certPem).join(''));
    return path;
  };
  mkdirSync(certs, { recursive: true });
  const cucmTomcatTrust = join(certs, 'cucm-pub-tomcat-trust');
  mkdirSync(cucmTomcatTrust, { recursive: true });
  writeFileSync(join(cucmTomcatTrust, 'Lab_Enterprise_Root_CA.pem'), enterpriseRoot.certPem);
  draft.trust.push(
    // Deliberate fault: the edge root (Expressway-C's issuer) was never uploaded to CUCM tomcat-trust.
    { node: 'cucm-pub.example.com', store: 'tomcat-trust', path: cucmTomcatTrust },
    {
      node: 'cucm-pub.example.com',
      store: 'callmanager-trust',
      path: write('cucm-pub-callmanager-trust.pem', enterpriseRoot, edgeRoot),
    },
    {
      node: 'imp-pub.example.com',
      store: 'tomcat-trust',
      path: write('imp-pub-tomcat-trust.pem', enterpriseRoot, edgeRoot),
    },
    {
      node: 'imp-pub.example.com',
      store: 'cup-xmpp-trust',
      path: write('imp-pub-cup-xmpp-trust.pem', enterpriseRoot, edgeRoot),
    },
    { node: 'expc.example.com', store: 'trusted-ca', path: write('expc-trusted-ca.pem', enterpriseRoot, edgeRoot) },
  );
  write('lab-root-cas.pem', enterpriseRoot, edgeRoot);
  return stop;
};
