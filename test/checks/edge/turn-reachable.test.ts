import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingPort } from '../../../lab/loopback.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { startCoturn, type Coturn } from '../../helpers/coturn.js';

const RULE = 'MRA-EDGE-004';

describe('MRA-EDGE-004 turn-reachable (coturn)', () => {
  let coturn: Coturn;
  let silent: Socket;
  let silentPort: number;
  let closedPort: number;
  beforeAll(async () => {
    coturn = await startCoturn();
    // A UDP socket that reads and never answers: what a firewall that drops 3478 looks like.
    silent = createSocket('udp4');
    silent.on('message', () => {});
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    silentPort = silent.address().port;
    closedPort = await refusingPort('127.0.0.1');
  });
  afterAll(async () => {
    silent?.close();
    await coturn?.stop();
  });

  const inventory = (turn: unknown[]) => ({ domains: ['example.com'], edge: { turn } });
  const env = (): NodeJS.ProcessEnv => ({
    TURN_USER: coturn.username,
    TURN_PASS: coturn.password,
    WRONG_PASS: 'not-the-password',
  });

  it('passes a Binding on UDP and TCP, and an Allocate released again with the right user', async () => {
    const server = `${coturn.host}:${coturn.port}`;
    const findings = await testCheck(RULE, {
      inventory: inventory([
        { server, transports: ['udp', 'tcp'] },
        {
          server: `${coturn.host}:${coturn.tlsPort}`,
          transports: ['tls'],
          usernameEnv: 'TURN_USER',
          passwordEnv: 'TURN_PASS',
        },
      ]),
      vantage: 'external',
      env: env(),
      timeoutMs: 2000,
    });
    expect(findingFor(findings, `${server} udp`)).toMatchObject({ status: 'pass', messageId: 'bindingAnswered' });
    expect(findingFor(findings, `${server} tcp`)).toMatchObject({ status: 'pass', messageId: 'bindingAnswered' });
    const allocated = findingFor(findings, `${coturn.host}:${coturn.tlsPort} tls`);
    expect(allocated).toMatchObject({ status: 'pass', messageId: 'allocated' });
    expect(allocated.message).toContain('it was released');
    expect(JSON.stringify(findings)).not.toContain(coturn.password);
  });

  it('fails a wrong TURN password (401 after MESSAGE-INTEGRITY) without showing it', async () => {
    const server = `${coturn.host}:${coturn.port}`;
    const findings = await testCheck(RULE, {
      inventory: inventory([{ server, transports: ['udp'], usernameEnv: 'TURN_USER', passwordEnv: 'WRONG_PASS' }]),
      vantage: 'external',
      env: env(),
      timeoutMs: 2000,
    });
    expect(findingFor(findings, `${server} udp`)).toMatchObject({
      status: 'fail',
      messageId: 'credentialsRejected',
      severity: 'warning',
    });
    expect(JSON.stringify(findings)).not.toContain('not-the-password');
  });

  it('is inconclusive on a silent UDP port and fails a TCP port that refuses', async () => {
    const findings = await testCheck(RULE, {
      inventory: inventory([
        { server: `127.0.0.1:${silentPort}`, transports: ['udp'] },
        { server: `127.0.0.1:${closedPort}`, transports: ['tcp'] },
      ]),
      vantage: 'external',
      timeoutMs: 600,
    });
    expect(findingFor(findings, `127.0.0.1:${silentPort} udp`)).toMatchObject({
      status: 'inconclusive',
      messageId: 'silent',
    });
    expect(findingFor(findings, `127.0.0.1:${closedPort} tcp`)).toMatchObject({ status: 'fail', messageId: 'refused' });
  });

  it('is not examined offline, nor without TURN servers', async () => {
    const [offline] = await testCheck(RULE, { inventory: inventory([{ server: '127.0.0.1:3478' }]), offline: true });
    expect(offline).toMatchObject({ status: 'skipped', messageId: 'needUnavailable' });
    const [none] = await testCheck(RULE, { inventory: { domains: ['example.com'] }, vantage: 'external' });
    expect(none).toMatchObject({ status: 'skipped', messageId: 'needUnavailable' });
    expect(none?.message).toContain('edge.turn');
  });
});
