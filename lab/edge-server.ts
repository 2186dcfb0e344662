import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { domainOfSegment } from '../src/probes/edge-config.js';

/**
 * A stand-in for Expressway-E's edge discovery service on 8443, written from Cisco's public
 * descriptions (docs/edge-discovery.md), not from any Expressway file. Per enterprise domain it
 * answers as a healthy edge would, or as each fault the MRA-EDGE rules must recognise:
 * - `good`: 200 with a getEdgeConfigResponse naming the UDS servers and the SIP/XMPP/HTTP/TURN edge;
 * - `forbidden`: 403, as for a domain that Expressway-C has not enabled for Unified CM registrations
 *   (also the answer for a domain the server does not know);
 * - `empty`: 200 whose _cisco-uds service has no server (Expressway-C discovered no Unified CM);
 * - `not-found`: 404; `server-error`: 502 (the traversal zone to Expressway-C is down);
 * - `malformed`, `doctype`, `wrong-root`: a 200 that is not a usable document;
 * - `trickle`: headers, then one byte of the body every 250 ms; `endless`: a body that never ends.
 * With `credentials`, a request without the right Basic authorization gets 401 with
 * `WWW-Authenticate: Basic realm="Cisco-Edge"`, as the published TC endpoint traces show.
 */
export type EdgeDomainMode =
  | 'good'
  | 'forbidden'
  | 'empty'
  | 'not-found'
  | 'server-error'
  | 'malformed'
  | 'doctype'
  | 'wrong-root'
  | 'trickle'
  | 'endless';

export interface EdgeConfigContent {
  /** The Expressway-E's public name (SIP, XMPP, HTTP edge servers). */
  expresswayE: string;
  /** Unified CM nodes Expressway-C discovered for the domain (the _cisco-uds answer). */
  udsServers: Array<{ host: string; port?: number }>;
  /** IM and Presence nodes (the _cuplogin answer); none gives the NameError Cisco's traces show. */
  impServers?: Array<{ host: string; port?: number }>;
  /** TURN servers the edge advertises. */
  turnServers?: Array<{ host: string; udpPort?: number; tcpPort?: number }>;
  /** Expressway-C's address in the SIP Route it asks for. */
  expresswayCAddress?: string;
}

export interface EdgeServerOptions {
  host: string;
  /** 8443 for realism where free; 0 for any free port. */
  port: number;
  /** Leaf first, then its chain (PEM). */
  certPem: string;
  keyPem: string;
  /** Enterprise domain (lower case) to how the edge answers for it. Unknown domains get 403. */
  domains: Record<string, EdgeDomainMode>;
  content: EdgeConfigContent;
  credentials?: { username: string; password: string };
  serverErrorStatus?: number;
}

export interface EdgeServer {
  host: string;
  port: number;
  /** Requests per domain seen (tests check the base64 path decoded to the right domain). */
  requests: Array<{ domain?: string; path: string; query: string; accept?: string; authorization: boolean }>;
  close(): Promise<void>;
}

const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The document shape of Cisco's published getEdgeConfigResponse traces, with our lab's values. */
export function edgeConfigDocument(
  content: EdgeConfigContent,
  options: { empty?: boolean; user?: boolean } = {},
): string {
  const server = (entry: { host: string; port?: number }, priority = 1): string =>
    `<server><priority>${priority}</priority><weight>10</weight><port>${entry.port ?? 8443}</port><address>${escapeXml(entry.host)}</address></server>`;
  const service = (name: string, servers: Array<{ host: string; port?: number }>): string =>
    servers.length > 0
      ? `<service><name>${name}</name>${servers.map((entry, i) => server(entry, i + 1)).join('')}</service>`
      : `<service><name>${name}</name><error>NameError</error></service>`;
  const edgeServer = (kind: string, port: number): string =>
    `<${kind}><server><address>${escapeXml(content.expresswayE)}</address><tlsPort>${port}</tlsPort></server></${kind}>`;
  const turn = (content.turnServers ?? [])
    .map(
      (entry) =>
        `<server><address>${escapeXml(entry.host)}</address>${entry.udpPort ? `<udpPort>${entry.udpPort}</udpPort>` : ''}${entry.tcpPort ? `<tcpPort>${entry.tcpPort}</tcpPort>` : ''}</server>`,
    )
    .join('');
  const uds = options.empty ? [] : content.udsServers;
  const firstUds = uds[0];
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<getEdgeConfigResponse version="1.0">` +
    `<serviceConfig>${service('_cisco-uds', uds)}${service('_cuplogin', options.empty ? [] : (content.impServers ?? []))}</serviceConfig>` +
    `<edgeConfig>${edgeServer('sipEdgeServer', 5061)}` +
    `<sipRequest><route>&lt;sip:${escapeXml(content.expresswayCAddress ?? '192.0.2.30')}:5061;transport=tls;zone-id=3;directed;lr&gt;</route></sipRequest>` +
    `${edgeServer('xmppEdgeServer', 5222)}${edgeServer('httpEdgeServer', 8443)}` +
    (turn ? `<turnEdgeServer>${turn}</turnEdgeServer>` : '<turnEdgeServer/>') +
    (options.user && firstUds
      ? `<userUdsServer><server><address>${escapeXml(firstUds.host)}</address><tlsPort>${firstUds.port ?? 8443}</tlsPort></server></userUdsServer>`
      : '') +
    `</edgeConfig></getEdgeConfigResponse>\n`
  );
}

const PATH = /^\/([^/]+)\/get_edge_config\/?$/;

export async function startEdgeServer(options: EdgeServerOptions): Promise<EdgeServer> {
  const requests: EdgeServer['requests'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
    : undefined;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'https://edge.invalid');
    const match = PATH.exec(url.pathname);
    const domain = match?.[1] ? domainOfSegment(match[1]) : undefined;
    requests.push({
      ...(domain ? { domain } : {}),
      path: url.pathname,
      query: url.search,
      ...(request.headers.accept ? { accept: request.headers.accept } : {}),
      authorization: request.headers.authorization !== undefined,
    });
    // The name Expressway-C's edge configuration server gives itself in Cisco's traces.
    response.setHeader('Server', 'CE_C ECS');
    const send = (status: number, body = '', type = 'text/html'): void => {
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405);
    if (!match) return send(404, '<html><body>Not Found</body></html>');
    if (expected && request.headers.authorization !== expected) {
      response.setHeader('WWW-Authenticate', 'Basic realm="Cisco-Edge"');
      return send(401);
    }
    const mode = domain ? (options.domains[domain] ?? 'forbidden') : 'forbidden';
    const xml = (body: string): void => send(200, body, 'text/xml; charset=utf-8');
    switch (mode) {
      case 'good':
        return xml(edgeConfigDocument(options.content, { user: expected !== undefined }));
      case 'empty':
        return xml(edgeConfigDocument(options.content, { empty: true }));
      case 'forbidden':
        return send(403, '<html><body>Forbidden</body></html>');
      case 'not-found':
        return send(404, '<html><body>Not Found</body></html>');
      case 'server-error':
        return send(options.serverErrorStatus ?? 502, '<html><body>Bad Gateway</body></html>');
      case 'malformed':
        return xml('<getEdgeConfigResponse><serviceConfig><service><name>_cisco-uds</name></serviceConfig>');
      case 'doctype':
        return xml(
          '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
            '<getEdgeConfigResponse><serviceConfig><service><name>&lol2;</name></service></serviceConfig></getEdgeConfigResponse>',
        );
      case 'wrong-root':
        return xml('<?xml version="1.0"?><html><body>Welcome</body></html>');
      case 'trickle': {
        const body = edgeConfigDocument(options.content);
        response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) });
        let sent = 0;
        const timer = setInterval(() => {
          if (response.destroyed || sent >= body.length - 1) return clearInterval(timer);
          response.write(body[sent++]);
        }, 250);
        timers.add(timer);
        return;
      }
      case 'endless': {
        response.writeHead(200, { 'Content-Type': 'text/xml' });
        response.write('<?xml version="1.0"?><getEdgeConfigResponse><serviceConfig>');
        const chunk = '<service><name>_cisco-uds</name><error>NameError</error></service>'.repeat(200);
        const pump = (): void => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', pump);
        };
        pump();
        return;
      }
    }
  };

  const server = createServer({ cert: options.certPem, key: options.keyPem, minVersion: 'TLSv1.2' }, handle);
  server.on('tlsClientError', () => {});
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  return {
    host: options.host,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The Expressway-E's XMPP port as EDGE-001 meets it: a TCP listener that accepts (and answers an
 * XMPP stream opening with a stream error, so nothing hangs on it).
 */
export async function startXmppPort(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', () =>
      socket.end(
        "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" +
          "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
      ),
    );
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
