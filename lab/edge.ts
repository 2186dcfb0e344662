import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEdgeServer, type EdgeServer } from './edge-server.js';
import type { LabPart } from './part.js';
import { claimLoopbackPorts } from './loopback.js';
import { createCa, issueEcCertificate } from './pki.js';
import { LAB_DOMAIN, LAB_NODES } from './topology.js';
import { startTurnResponder, type TurnResponder } from './turn.js';

/**
 * The lab's Expressway-E as a remote Jabber client meets it (MRA-EDGE-001..004), on a random
 * 127.x.y.z that the external DNS view gives as expe.example.com's A record:
 * - edge discovery on 8443 (lab/edge-server.ts) answering for example.com with the lab's Unified CM
 *   and IM and Presence nodes, its certificate from a "public" CA that the inventory gives as
 *   edge.clientTrust (the roots MRA clients trust);
 * - TURN on 3478, UDP and TCP (lab/turn.ts: Binding, and Allocate/Refresh for a lab user whose
 *   credentials are in the lab's environment);
 * - deliberate fault: nothing listens on 5222, so the XMPP port refuses connections (a firewall
 *   rule that forwards 8443 but not 5222, the classic half-open edge).
 * The standard ports are used when free on the chosen address, else random ones (and the SRV
 * record carries the port actually used).
 */
export const LAB_TURN_USER_ENV = 'LAB_TURN_USER';
export const LAB_TURN_PASSWORD_ENV = 'LAB_TURN_PASS';

export const edgeLabPart: LabPart = async (context) => {
  const { dir, draft, env } = context;
  const expe = LAB_NODES.find((node) => node.role === 'expressway-e');
  if (!expe) throw new Error('the lab topology has no Expressway-E');
  const claim = await claimLoopbackPorts({ https: 8443, xmpp: 5222, turn: 3478 }, ['turn']);
  const publicRoot = createCa('Lab Public Root CA');
  const issuing = createCa('Lab Public Issuing CA', {}, publicRoot);
  // A P-256 leaf: key generation in milliseconds keeps `npm start` quick (SPEC 8.10).
  const leaf = issueEcCertificate(
    {
      commonName: expe.fqdn,
      // The Unified CM registrations domain goes into the Expressway-E certificate as a SAN.
      sans: [expe.fqdn, LAB_DOMAIN],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    },
    issuing,
  );
  const username = 'lab-turn-user';
  const password = randomBytes(18).toString('base64url');
  let edge: EdgeServer | undefined;
  let turn: TurnResponder | undefined;
  const stop = async (): Promise<void> => {
    await Promise.allSettled([edge?.close(), turn?.stop()]);
  };
  try {
    turn = await startTurnResponder({
      host: claim.host,
      port: claim.ports.turn!,
      realm: LAB_DOMAIN,
      users: { [username]: password },
    });
    edge = await startEdgeServer({
      host: claim.host,
      port: claim.ports.https!,
      certPem: leaf.certPem + issuing.certPem,
      keyPem: leaf.keyPem,
      domains: { [LAB_DOMAIN]: 'good' },
      content: {
        expresswayE: expe.fqdn,
        udsServers: LAB_NODES.filter((node) => node.role.startsWith('cucm-')).map((node) => ({ host: node.fqdn })),
        impServers: LAB_NODES.filter((node) => node.role.startsWith('imp-')).map((node) => ({ host: node.fqdn })),
        turnServers: [{ host: expe.fqdn, udpPort: turn.port, tcpPort: turn.port }],
        expresswayCAddress: LAB_NODES.find((node) => node.role === 'expressway-c')?.ip ?? '10.1.1.30',
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const certs = join(dir, 'certs');
  mkdirSync(certs, { recursive: true });
  const clientTrust = join(certs, 'mra-client-roots.pem');
  writeFileSync(clientTrust, publicRoot.certPem);
  env[LAB_TURN_USER_ENV] = username;
  env[LAB_TURN_PASSWORD_ENV] = password;
  context.edge = { fqdn: expe.fqdn, address: claim.host, port: edge.port, xmppPort: claim.ports.xmpp! };
  draft.edge = {
    clientTrust: [clientTrust],
    turn: [
      {
        server: `${claim.host}:${turn.port}`,
        transports: ['udp', 'tcp'],
        usernameEnv: LAB_TURN_USER_ENV,
        passwordEnv: LAB_TURN_PASSWORD_ENV,
      },
    ],
  };
  return stop;
};
