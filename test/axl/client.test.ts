import { afterEach, describe, expect, it } from 'vitest';
import { AxlClient, axlOptionsFromInventory } from '../../src/probes/axl/client.js';
import { getCcmVersion, listAll, PHONE_TAGS } from '../../src/cucm/collect.js';
import { AxlError } from '../../src/probes/axl/errors.js';
import { AXL_PASSWORD, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

async function failure(promise: Promise<unknown>): Promise<AxlError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AxlError);
  const axlError = error as AxlError;
  // Whatever went wrong, the password never reaches a message.
  expect(axlError.message).not.toContain(AXL_PASSWORD);
  expect(JSON.stringify(axlError.details)).not.toContain(AXL_PASSWORD);
  return axlError;
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:getCCMVersionResponse xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return><componentVersion><version>&lol9;</version></componentVersion></return></ns:getCCMVersionResponse></soapenv:Body></soapenv:Envelope>`;

/** The phone list alone: a failing page fails it (collectSnapshot would record the section instead). */
const listPhones = (client: AxlClient): Promise<unknown[]> =>
  listAll(client, 'phone', PHONE_TAGS, (values) => [...values]);

describe('AXL client against the local HTTPS AXL server', () => {
  it('gets the CUCM version with an authenticated getCCMVersion over verified TLS', async () => {
    axl = await startTestAxl(sampleCluster());
    const answer = await getCcmVersion(axl.client());
    expect(answer).toMatchObject({ version: '15.0.1.11900(31)', status: 200 });
    expect(axl.server.requests[0]).toMatchObject({
      operation: 'getCCMVersion',
      soapAction: '"CUCM:DB ver=15.0 getCCMVersion"',
    });
  });

  it('401 → a clear message about the AXL credentials, without the password', async () => {
    axl = await startTestAxl(sampleCluster());
    const error = await failure(getCcmVersion(axl.client({ password: 'wrong-password-for-test' })));
    expect(error.kind).toBe('unauthorized');
    expect(error.details.status).toBe(401);
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toMatch(/user name or password/);
    expect(error.message).not.toContain('wrong-password-for-test');
  });

  it('403 → names the Standard AXL API Access role', async () => {
    axl = await startTestAxl(sampleCluster(), {
      intercept: () => ({ status: 403, body: '<html>Forbidden</html>', contentType: 'text/html' }),
    });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('Standard AXL API Access');
  });

  it('404 → the Cisco AXL Web Service is not activated', async () => {
    axl = await startTestAxl(sampleCluster(), { axlActivated: false });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.kind).toBe('not-activated');
    expect(error.message).toContain('Cisco AXL Web Service is not activated');
  });

  it('503 on every try → retried with backoff, then reported as unavailable', async () => {
    axl = await startTestAxl(sampleCluster(), {
      intercept: () => ({ status: 503, body: '', contentType: 'text/html' }),
    });
    const error = await failure(getCcmVersion(axl.client({ retries: 3 })));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('HTTP 503');
    expect(axl.server.requests).toHaveLength(4);
  });

  it('an AXL fault → the message shows the axlcode and the axlmessage', async () => {
    axl = await startTestAxl(sampleCluster(), {
      intercept: (request) =>
        request.operation === 'listPhone'
          ? { fault: { axlcode: 5007, message: 'Item not valid: The specified Phone was not found' } }
          : undefined,
    });
    const error = await failure(listPhones(axl.client()));
    expect(error.kind).toBe('fault');
    expect(error.details.fault?.axlcode).toBe('5007');
    expect(error.message).toContain('axlcode 5007');
    expect(error.message).toContain('Item not valid: The specified Phone was not found');
    expect(error.message).toContain('listPhone');
  });

  it('a response slower than the timeout → a timeout message, within the bound', async () => {
    axl = await startTestAxl(sampleCluster(), { intercept: () => ({ delayMs: 5000 }) });
    const error = await failure(getCcmVersion(axl.client({ timeoutMs: 300 })));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('within 300 ms');
  });

  it('a body that trickles in forever (slow-loris) → a timeout within the bound', async () => {
    axl = await startTestAxl(sampleCluster(), { intercept: () => ({ trickleMs: 20 }) });
    const error = await failure(getCcmVersion(axl.client({ timeoutMs: 300 })));
    expect(error.kind).toBe('timeout');
  });

  it('garbage instead of XML → a clear malformed-answer error', async () => {
    axl = await startTestAxl(sampleCluster(), {
      intercept: () => ({ status: 200, body: '\u0000\u0013garbage{{{ not xml <<<', contentType: 'text/xml' }),
    });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('not a complete SOAP envelope');
  });

  it('an envelope cut short → refused, never read as a short last page', async () => {
    const truncated = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:listPhoneResponse xmlns:ns="x"><return><phone><name>SEP1</name></phone>`;
    axl = await startTestAxl(sampleCluster(), {
      intercept: (request) => (request.operation === 'listPhone' ? { status: 200, body: truncated } : undefined),
    });
    const error = await failure(listPhones(axl.client()));
    expect(error.kind).toBe('malformed');
  });

  it('a billion-laughs body → refused without expansion, no hang', async () => {
    axl = await startTestAxl(sampleCluster(), { intercept: () => ({ status: 200, body: BILLION_LAUGHS }) });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('DOCTYPE');
  });

  it('a body larger than the cap → refused while reading', async () => {
    const huge = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${'<x>padding</x>'.repeat(200_000)}</soapenv:Body></soapenv:Envelope>`;
    axl = await startTestAxl(sampleCluster(), { intercept: () => ({ status: 200, body: huge }) });
    const error = await failure(getCcmVersion(axl.client({ maxResponseBytes: 64 * 1024 })));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('exceeds 65536 bytes');
  });

  it('an answer without the Response element → malformed', async () => {
    axl = await startTestAxl(sampleCluster(), {
      intercept: () => ({
        status: 200,
        body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><other/></soapenv:Body></soapenv:Envelope>',
      }),
    });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.message).toContain('no getCCMVersionResponse');
  });

  it('verifies TLS: without the CA the handshake fails with a caFile hint; insecure: true connects', async () => {
    axl = await startTestAxl(sampleCluster());
    const { ca: _ca, ...withoutCa } = axl.clientOptions();
    const untrusted = new AxlClient(withoutCa);
    const error = await failure(getCcmVersion(untrusted));
    await untrusted.close();
    expect(error.kind).toBe('tls');
    expect(error.message).toContain('caFile');
    const insecure = new AxlClient({ ...withoutCa, insecure: true });
    await expect(getCcmVersion(insecure)).resolves.toMatchObject({ status: 200 });
    await insecure.close();
  });

  it('a refused connection → refused', async () => {
    axl = await startTestAxl(sampleCluster());
    const url = axl.url;
    await axl.server.close();
    const client = new AxlClient({ ...axl.clientOptions(), url });
    const error = await failure(getCcmVersion(client));
    await client.close();
    expect(error.kind).toBe('refused');
  });

  it('a schema version the server does not offer → a fault naming the versions', async () => {
    axl = await startTestAxl(sampleCluster(), { versions: ['14.0'] });
    const error = await failure(getCcmVersion(axl.client()));
    expect(error.kind).toBe('fault');
    expect(error.message).toContain('Unsupported AXL version 15.0');
  });
});

describe('AXL client options from the inventory', () => {
  const base = { url: 'https://cucm-pub.example.com:8443/axl/', usernameEnv: 'AXL_USER', passwordEnv: 'AXL_PASS' };
  it('reads credentials from the named environment variables', () => {
    const options = axlOptionsFromInventory(base, { AXL_USER: 'u', AXL_PASS: 'p' }, { timeoutMs: 1000 });
    expect(options).toMatchObject({ username: 'u', password: 'p', version: '15.0' });
    expect(
      axlOptionsFromInventory({ ...base, version: '14' }, { AXL_USER: 'u', AXL_PASS: 'p' }, { timeoutMs: 1000 })
        .version,
    ).toBe('14.0');
  });
  it('names every missing piece, never a value', () => {
    expect(() => axlOptionsFromInventory({ url: 'http://x/axl/' }, {}, { timeoutMs: 1000 })).toThrowError(
      /usernameEnv is not set[\s\S]*passwordEnv is not set[\s\S]*HTTPS only/,
    );
    expect(() => axlOptionsFromInventory(base, { AXL_USER: 'u' }, { timeoutMs: 1000 })).toThrowError(
      'environment variable AXL_PASS (cucm.axl.passwordEnv) is not set or empty',
    );
    expect(() =>
      axlOptionsFromInventory(
        { ...base, caFile: '/nonexistent/ca.pem' },
        { AXL_USER: 'u', AXL_PASS: 'long-secret-value' },
        { timeoutMs: 1000 },
      ),
    ).toThrowError(/caFile \/nonexistent\/ca.pem cannot be read \(ENOENT\)/);
  });
});

describe('AXL URL', () => {
  it('completes a URL without the /axl/ path or its trailing slash', () => {
    const env = { U: 'u', P: 'long-secret-value' };
    const options = (url: string) =>
      axlOptionsFromInventory({ url, usernameEnv: 'U', passwordEnv: 'P' }, env, { timeoutMs: 1000 });
    expect(options('https://cucm-pub.example.com:8443').url).toBe('https://cucm-pub.example.com:8443/axl/');
    expect(options('https://cucm-pub.example.com:8443/axl').url).toBe('https://cucm-pub.example.com:8443/axl/');
    expect(options('https://cucm-pub.example.com:8443/axl/').url).toBe('https://cucm-pub.example.com:8443/axl/');
  });
});
