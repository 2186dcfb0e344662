import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A stand-in for the Expressway web server's `/status.xml`: HTTPS on loopback, HTTP Basic auth
 * as the Expressway administrator accounts use, and, per path, a healthy document or one of the
 * ways a real or hostile peer goes wrong (garbage, slow-loris, endless body, 403).
 */
export type StatusRoute =
  /** The document, after Basic auth (401 with a challenge otherwise). */
  | { kind: 'document'; body: string; contentType?: string }
  /** A fixed HTTP status (e.g. 401 whatever the credentials, 403 for a read-only account). */
  | { kind: 'status'; code: number; body?: string; location?: string }
  /** Headers at once, then one byte every intervalMs: a slow-loris body. */
  | { kind: 'slow'; intervalMs?: number }
  /** An XML document that never ends: a peer trying to exhaust memory. */
  | { kind: 'huge' }
  /** Reads the request and never answers it (no status line, no headers). */
  | { kind: 'silent' };

export interface StatusServerOptions {
  certPem: string;
  keyPem: string;
  username: string;
  password: string;
  /** By request path, e.g. `/status.xml`. Unknown paths answer 404. */
  routes: Record<string, StatusRoute>;
}

export interface StatusServer {
  port: number;
  /** `https://127.0.0.1:<port>` */
  origin: string;
  url(path: string): string;
  /** Requests received for a path (tests check that a run asks once). */
  hits(path: string): number;
  close(): Promise<void>;
}

export interface StatusDocumentOptions {
  /** What SystemUnit/Software/Version says, e.g. `X14.3.1`. */
  version: string;
  /** True for an Expressway-E (the traversal server). */
  expressway?: boolean;
  serialNumber?: string;
  uptimeSeconds?: number;
}

/**
 * A status document shaped like the one Expressway (VCS lineage) serves: the TANDBERG CUIL
 * namespace, `item` attributes on every element, and a Hardware/Version next to the
 * Software/Version that matters, so a parser that grabs the first `Version` is caught out.
 */
export function statusDocument(options: StatusDocumentOptions): string {
  const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const uptime = options.uptimeSeconds ?? 1_728_000;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Status xmlns="http://www.tandberg.no/XML/CUIL/1.0">
  <SystemUnit item="1" maxOccurrence="1">
    <Product item="1">TANDBERG VCS</Product>
    <Uptime item="1">${uptime}</Uptime>
    <SystemTime item="1">2026-11-25 09:00:00</SystemTime>
    <TimeZone item="1">Etc/UTC</TimeZone>
    <Expressway item="1">${options.expressway ? 'True' : 'False'}</Expressway>
    <Hardware item="1">
      <Version item="1">VMware</Version>
      <SerialNumber item="1">${escape(options.serialNumber ?? '0A1B2C3D')}</SerialNumber>
    </Hardware>
    <Software item="1">
      <Version item="1">${escape(options.version)}</Version>
      <Build item="1">${escape(options.version.replace(/^[Xx]/, ''))}-b1</Build>
      <Name item="1">s42700</Name>
      <ReleaseDate item="1">2024-02-14</ReleaseDate>
      <Configuration item="1">
        <NonTraversalCalls item="1">500</NonTraversalCalls>
        <TraversalCalls item="1">100</TraversalCalls>
        <Registrations item="1">2500</Registrations>
        <Expressway item="1">${options.expressway ? 'True' : 'False'}</Expressway>
        <Encryption item="1">True</Encryption>
      </Configuration>
    </Software>
    <State item="1">
      <NumberOfCurrentCalls item="1">3</NumberOfCurrentCalls>
      <NumberOfCurrentRegistrations item="1">42</NumberOfCurrentRegistrations>
    </State>
  </SystemUnit>
  <Ethernet item="1">
    <MacAddress item="1">00:50:56:AA:BB:CC</MacAddress>
    <Speed item="1">10000full</Speed>
  </Ethernet>
</Status>
`;
}

function authorized(request: IncomingMessage, username: string, password: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match?.[1]) return false;
  return Buffer.from(match[1], 'base64').toString('utf8') === `${username}:${password}`;
}

function serve(
  route: StatusRoute | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  options: StatusServerOptions,
): void {
  if (!route) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    return;
  }
  if (route.kind === 'status') {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (route.location) headers.location = route.location;
    response.writeHead(route.code, headers).end(route.body ?? `<html><body>${route.code}</body></html>\n`);
    return;
  }
  if (!authorized(request, options.username, options.password)) {
    response
      .writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="Administrator"' })
      .end('<html><body>Authorization Required</body></html>\n');
    return;
  }
  switch (route.kind) {
    case 'silent':
      return;
    case 'document':
      response.writeHead(200, { 'content-type': route.contentType ?? 'text/xml; charset=UTF-8' }).end(route.body);
      return;
    case 'slow': {
      response.writeHead(200, { 'content-type': 'text/xml' });
      const timer = setInterval(() => response.write('<'), route.intervalMs ?? 200);
      response.on('close', () => clearInterval(timer));
      return;
    }
    case 'huge': {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write('<?xml version="1.0"?><Status><SystemUnit><Padding>');
      const chunk = 'A'.repeat(64 * 1024);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on('drain', pump);
      pump();
      return;
    }
  }
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const sockets = new Set<Socket>();
  const hits = new Map<string, number>();
  const server: Server = createServer({ key: options.keyPem, cert: options.certPem }, (request, response) => {
    const path = new URL(request.url ?? '/', 'https://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    serve(options.routes[path], request, response, options);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gives up mid-handshake (TLS verification failure) is expected, not an error.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('status server did not get a TCP port');
  const origin = `https://127.0.0.1:${address.port}`;
  return {
    port: address.port,
    origin,
    url: (path) => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
