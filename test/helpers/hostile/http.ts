import { createServer as createTlsServer } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { hostilePki, type HostilePki } from './pki.js';
import { startTcpPeer, type ConnectionContext, type TcpPeer } from './tcp.js';

/**
 * Scripted HTTP(S) peers for the AXL and status.xml clients: every way a web server can be slow,
 * huge, malformed or simply not what was asked. Responses are written by hand on the socket so
 * the framing itself can be hostile. Loops are bounded; every write honours backpressure.
 */
export type HostileHttpBehaviour =
  /** Headers, then one body octet per second. */
  | 'drip-body'
  /** The status line and headers themselves, one octet per second. */
  | 'drip-headers'
  /** Reads the request, never answers. */
  | 'stall'
  /** 200 MB of chunked body, streamed as fast as the client reads. */
  | 'huge-chunked'
  /** Content-Length: 200 MB, streamed. */
  | 'huge-declared'
  /** 200 text/xml whose body is not well-formed XML. */
  | 'invalid-xml'
  /** 200 text/xml with a DTD whose entities expand to ~3 GB ("billion laughs"). */
  | 'billion-laughs'
  /** 200 text/html: a login page instead of XML. */
  | 'wrong-content-type'
  /** 200 with an empty body. */
  | 'empty'
  /** 302 to itself, forever. */
  | 'redirect-loop'
  /** Closes the connection after the request, no response. */
  | 'reset'
  /** A status line followed by 1 MB of header lines. */
  | 'huge-headers'
  /** Content-Encoding: gzip, a ~300 KB body that inflates to 200 MB of zeros. */
  | 'gzip-bomb'
  /** 200 text/xml, well-formed, 200,000 elements deep (about 1.4 MB, under the size caps). */
  | 'deep-xml'
  /** 503 Service Unavailable to every request, with a Retry-After of a day. */
  | 'unavailable-forever';

export const HUGE_BODY_BYTES = 200 * 1024 * 1024;

export interface HostileHttp extends TcpPeer {
  /** Base URL (https when the peer speaks TLS). */
  url: string;
  /** CA file to trust (caFile) when the peer speaks TLS. */
  caFile?: string;
  /** Requests whose headers arrived. */
  requests(): number;
}

/** A billion-laughs document: ten levels of ten references, ~3 GB once expanded. */
export function billionLaughs(root: 'Status' | 'soap'): string {
  const entities = ['<!ENTITY lol0 "lollollollollollollollollollollollollollollollol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const body =
    root === 'Status'
      ? '<Status><SystemUnit><Software><Version>&lol9;</Version></Software></SystemUnit></Status>'
      : '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:getCCMVersionResponse xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return><componentVersion><version>&lol9;</version></componentVersion></return></ns:getCCMVersionResponse></soapenv:Body></soapenv:Envelope>';
  return `<?xml version="1.0"?>\n<!DOCTYPE ${root === 'Status' ? 'Status' : 'soapenv:Envelope'} [\n${entities.join('\n')}\n]>\n${body}\n`;
}

const INVALID_XML =
  '<?xml version="1.0"?><Status><SystemUnit><Software><Version>X14.3.1</Software></Version><<<&&&\u0000';
const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Login</title></head><body><form action="/login"><input name="username"></form></body></html>';

let gzipBomb: Buffer | undefined;

function head(status: string, headers: Record<string, string | number>): string {
  return `HTTP/1.1 ${status}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
}

async function respond(
  behaviour: HostileHttpBehaviour,
  flavour: 'Status' | 'soap',
  connection: ConnectionContext,
  path: string,
): Promise<void> {
  const simple = async (status: string, type: string, body: string): Promise<void> => {
    await connection.write(
      head(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close' }) + body,
    );
    connection.socket.end();
  };
  switch (behaviour) {
    case 'stall':
      return;
    case 'reset':
      connection.socket.destroy();
      return;
    case 'invalid-xml':
      return simple('200 OK', 'text/xml; charset=utf-8', INVALID_XML);
    case 'billion-laughs':
      return simple('200 OK', 'text/xml; charset=utf-8', billionLaughs(flavour));
    case 'unavailable-forever':
      await connection.write(
        head('503 Service Unavailable', { 'Retry-After': 86_400, 'Content-Length': 0, Connection: 'close' }),
      );
      connection.socket.end();
      return;
    case 'deep-xml': {
      const depth = 200_000;
      const inner =
        flavour === 'Status'
          ? '<Status><SystemUnit><Software><Version>'
          : '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>';
      return simple(
        '200 OK',
        'text/xml',
        `<?xml version="1.0"?>${inner}${'<a>'.repeat(depth)}X14.3.1${'</a>'.repeat(depth)}`,
      );
    }
    case 'wrong-content-type':
      return simple('200 OK', 'text/html; charset=utf-8', LOGIN_PAGE);
    case 'empty':
      return simple('200 OK', 'text/xml', '');
    case 'redirect-loop':
      await connection.write(head('302 Found', { Location: path, 'Content-Length': 0, Connection: 'close' }));
      connection.socket.end();
      return;
    case 'huge-headers': {
      if (!(await connection.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n'))) return;
      const line = `X-Padding: ${'a'.repeat(1000)}\r\n`;
      for (let i = 0; i < 1000; i++) if (!(await connection.write(line))) return;
      await connection.write('Content-Length: 0\r\n\r\n');
      connection.socket.end();
      return;
    }
    case 'gzip-bomb': {
      // Concatenated gzip members (valid per RFC 1952), so the bomb is built without 200 MB in memory.
      gzipBomb ??= Buffer.concat(
        Array<Buffer>(HUGE_BODY_BYTES / 65_536).fill(gzipSync(Buffer.alloc(65_536), { level: 9 })),
      );
      await connection.write(
        head('200 OK', {
          'Content-Type': 'text/xml',
          'Content-Encoding': 'gzip',
          'Content-Length': gzipBomb.length,
          Connection: 'close',
        }),
      );
      await connection.write(gzipBomb);
      connection.socket.end();
      return;
    }
    case 'drip-headers':
      for (const octet of Buffer.from(head('200 OK', { 'Content-Type': 'text/xml', 'Content-Length': 100 }))) {
        if (!(await connection.write(Buffer.from([octet])))) return;
        if (!(await connection.pause(1000))) return;
      }
      return;
    case 'drip-body': {
      if (!(await connection.write(head('200 OK', { 'Content-Type': 'text/xml', 'Content-Length': 1_000_000 }))))
        return;
      for (let i = 0; i < 1_000_000; i++) {
        if (!(await connection.write('<'))) return;
        if (!(await connection.pause(1000))) return;
      }
      return;
    }
    case 'huge-chunked':
    case 'huge-declared': {
      const chunked = behaviour === 'huge-chunked';
      const headers: Record<string, string | number> = chunked
        ? { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' }
        : { 'Content-Type': 'text/xml', 'Content-Length': HUGE_BODY_BYTES };
      if (!(await connection.write(head('200 OK', headers)))) return;
      const piece = Buffer.from(`<${flavour}>${'<a>lol</a>'.repeat(6550)}`.slice(0, 65_536));
      const framed = chunked
        ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
        : piece;
      for (let sent = 0; sent + piece.length <= HUGE_BODY_BYTES; sent += piece.length) {
        if (!(await connection.write(framed))) return;
      }
      if (chunked) await connection.write('0\r\n\r\n');
      connection.socket.end();
      return;
    }
  }
}

/**
 * Starts a hostile web server on 127.0.0.1. With `tls` (the default) it speaks HTTPS with a
 * certificate for 127.0.0.1 from a test CA written to `caFile`, so certificate verification
 * passes and the client meets the hostile response itself.
 */
export async function startHostileHttp(
  behaviour: HostileHttpBehaviour,
  options: { tls?: boolean; flavour?: 'Status' | 'soap' } = {},
): Promise<HostileHttp> {
  const useTls = options.tls ?? true;
  let pki: HostilePki | undefined;
  let requests = 0;
  if (useTls) pki = hostilePki();
  const server = pki ? createTlsServer({ key: pki.leaf.keyPem, cert: pki.leaf.certPem }) : undefined;
  const peer = await startTcpPeer(async (connection) => {
    // Read up to the end of the request head (bounded: a client never sends 64 KB of headers here).
    let buffered = '';
    const path = await new Promise<string | undefined>((resolve) => {
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString('latin1');
        if (buffered.includes('\r\n\r\n') || buffered.length > 65_536) {
          connection.socket.off('data', onData);
          connection.socket.resume();
          resolve(/^[A-Z]+ (\S+)/.exec(buffered)?.[1] ?? '/');
        }
      };
      connection.socket.on('data', onData);
      connection.socket.once('close', () => resolve(undefined));
    });
    if (path === undefined) return;
    requests++;
    await respond(behaviour, options.flavour ?? 'Status', connection, path);
  }, server);
  const stop = peer.stop.bind(peer);
  return Object.assign(peer, {
    url: `${useTls ? 'https' : 'http'}://127.0.0.1:${peer.port}`,
    ...(pki ? { caFile: pki.caFile } : {}),
    requests: () => requests,
    async stop() {
      await stop();
      pki?.remove();
    },
  });
}

/** Every hostile behaviour, in the order the hardening tests run them. */
export const HOSTILE_HTTP_BEHAVIOURS: readonly HostileHttpBehaviour[] = [
  'drip-body',
  'drip-headers',
  'stall',
  'huge-chunked',
  'huge-declared',
  'invalid-xml',
  'billion-laughs',
  'wrong-content-type',
  'empty',
  'redirect-loop',
  'reset',
  'huge-headers',
  'gzip-bomb',
  'deep-xml',
  'unavailable-forever',
];
