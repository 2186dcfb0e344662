import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate } from '../../lab/pki.js';
import { startStatusServer, statusDocument, type StatusRoute, type StatusServer } from '../../lab/status-server.js';

/**
 * One local HTTPS status.xml server for the Expressway tests, with a path per behaviour:
 * realistic documents at several releases, a document without the version element, garbage,
 * 401/403, a slow-loris body and an endless one. Its certificate names 127.0.0.1 and chains to
 * a CA written to `caFile`.
 */
export const STATUS_USER = 'mra-admin';
export const STATUS_PASSWORD = 'S3cret-Pa55-for-status';
export const STATUS_ENV = { EXP_USER: STATUS_USER, EXP_PASS: STATUS_PASSWORD };

const MISSING_ELEMENT = `<?xml version="1.0" encoding="UTF-8"?>
<Status xmlns="http://www.tandberg.no/XML/CUIL/1.0">
  <SystemUnit item="1">
    <Product item="1">TANDBERG VCS</Product>
    <Hardware item="1"><Version item="1">VMware</Version></Hardware>
    <Software item="1"><Name item="1">s42700</Name><ReleaseDate item="1">2024-02-14</ReleaseDate></Software>
  </SystemUnit>
</Status>
`;

/** An entity bomb: with expansion on, `&lol5;` is 10^5 copies; the version must stay literal. */
const ENTITY_BOMB = `<?xml version="1.0"?>
<!DOCTYPE Status [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Status><SystemUnit><Software><Version>&lol5;</Version></Software></SystemUnit></Status>
`;

export const STATUS_ROUTES: Record<string, StatusRoute> = {
  '/good/status.xml': { kind: 'document', body: statusDocument({ version: 'X14.3.1' }) },
  '/x8-10/status.xml': { kind: 'document', body: statusDocument({ version: 'X8.10' }) },
  '/x14-0-11/status.xml': { kind: 'document', body: statusDocument({ version: 'X14.0.11' }) },
  '/expe-x14-0-2/status.xml': { kind: 'document', body: statusDocument({ version: 'X14.0.2', expressway: true }) },
  '/old/status.xml': { kind: 'document', body: statusDocument({ version: 'X8.9.2' }) },
  '/trailing-dot/status.xml': { kind: 'document', body: statusDocument({ version: 'X15.2.4.' }) },
  '/odd-version/status.xml': { kind: 'document', body: statusDocument({ version: 'Release 2 beta' }) },
  '/prefixed/status.xml': {
    kind: 'document',
    body: `<?xml version="1.0"?>\n<c:Status xmlns:c="http://www.tandberg.no/XML/CUIL/1.0"><c:SystemUnit item="1"><c:Software item="1"><c:Version item="1" valueSpaceRef="/ValueSpace/x">X12.5</c:Version></c:Software></c:SystemUnit></c:Status>\n`,
  },
  '/missing/status.xml': { kind: 'document', body: MISSING_ELEMENT },
  '/garbage/status.xml': { kind: 'document', body: '\u0000\u0013garbage{{{ not xml <<<', contentType: 'text/xml' },
  '/html/status.xml': { kind: 'document', body: '<html><body><p>Login<br></body></html>', contentType: 'text/html' },
  '/bomb/status.xml': { kind: 'document', body: ENTITY_BOMB },
  '/unauthorized/status.xml': { kind: 'status', code: 401 },
  '/forbidden/status.xml': { kind: 'status', code: 403 },
  '/error/status.xml': { kind: 'status', code: 500 },
  '/login-redirect/status.xml': { kind: 'status', code: 302, location: '/login?next=%2Fstatus.xml' },
  '/moved/status.xml': { kind: 'status', code: 301, location: '/elsewhere/status.xml' },
  '/slow/status.xml': { kind: 'slow', intervalMs: 100 },
  '/silent/status.xml': { kind: 'silent' },
  '/huge/status.xml': { kind: 'huge' },
};

export interface StatusFixture {
  server: StatusServer;
  /** PEM of the CA that issued the server certificate. */
  caFile: string;
  /** A CA that did not issue it (TLS verification must fail). */
  otherCaFile: string;
  url(name: string): string;
  close(): Promise<void>;
}

export async function startStatusFixture(): Promise<StatusFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mra-status-'));
  const ca = createCa('mra-preflight status test CA');
  const other = createCa('unrelated CA');
  const leaf = issueCertificate(
    { commonName: '127.0.0.1', sans: ['127.0.0.1', 'localhost'], extendedKeyUsage: ['serverAuth'] },
    ca,
  );
  const caFile = join(dir, 'ca.pem');
  const otherCaFile = join(dir, 'other-ca.pem');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(otherCaFile, other.certPem);
  const server = await startStatusServer({
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
    username: STATUS_USER,
    password: STATUS_PASSWORD,
    routes: STATUS_ROUTES,
  });
  return {
    server,
    caFile,
    otherCaFile,
    url: (name) => server.url(`/${name}/status.xml`),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
