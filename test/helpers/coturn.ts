import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCa, issueCertificate, type Issued } from '../../lab/pki.js';
import { claimLoopbackPorts } from '../../lab/loopback.js';
import { stunBinding, type StunTransport } from '../../src/probes/stun/client.js';

/**
 * A real coturn `turnserver` for the STUN/TURN probe tests: on a random 127.x.y.z with the
 * standard ports (3478 UDP+TCP, 5349 TLS) when they are free there, else on random free ports;
 * TLS with a certificate made for the test; one static user under the long-term credential
 * mechanism; no configuration file, no CLI, no system database. It fails loudly (with coturn's
 * log) when it cannot start: a test that needs it never skips silently.
 */
export interface Coturn {
  host: string;
  /** UDP and TCP. */
  port: number;
  tlsPort: number;
  /** True when coturn got 3478/5349 (false: random ports, because something else holds them). */
  standardPorts: boolean;
  realm: string;
  username: string;
  password: string;
  /** The CA that issued coturn's TLS certificate (PEM). */
  caPem: string;
  log(): string;
  stop(): Promise<void>;
}

const TURNSERVER = process.env.TURNSERVER ?? (existsSync('/usr/bin/turnserver') ? '/usr/bin/turnserver' : 'turnserver');
const START_TIMEOUT_MS = 15_000;

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface CoturnOptions {
  username?: string;
  password?: string;
  realm?: string;
}

export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const realm = options.realm ?? 'mra-lab.test';
  const username = options.username ?? 'mra-probe';
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  const claim = await claimLoopbackPorts({ turn: 3478, turnTls: 5349 }, ['turn']);
  const host = claim.host;
  const port = claim.ports.turn!;
  const tlsPort = claim.ports.turnTls!;
  const dir = mkdtempSync(join(tmpdir(), 'mra-coturn-'));
  const ca: Issued = createCa('mra-preflight test TURN CA');
  const leaf = issueCertificate(
    { commonName: 'turn.mra-lab.test', sans: ['turn.mra-lab.test', host], extendedKeyUsage: ['serverAuth'] },
    ca,
  );
  writeFileSync(join(dir, 'cert.pem'), leaf.certPem + ca.certPem);
  writeFileSync(join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
  // Relay ports from a small range: coturn pre-allocates its relay port table at start.
  const relayBase = 50_000 + Math.floor(Math.random() * 10_000);
  const args = [
    '-n',
    '--no-cli',
    '--listening-ip',
    host,
    '--relay-ip',
    host,
    '--listening-port',
    String(port),
    '--tls-listening-port',
    String(tlsPort),
    '--cert',
    join(dir, 'cert.pem'),
    '--pkey',
    join(dir, 'key.pem'),
    '--no-dtls',
    '--lt-cred-mech',
    '--user',
    `${username}:${password}`,
    '--realm',
    realm,
    '--db',
    join(dir, 'turndb'),
    '--pidfile',
    join(dir, 'turnserver.pid'),
    '--min-port',
    String(relayBase),
    '--max-port',
    String(relayBase + 64),
    '--no-rfc5780',
    '--log-file',
    'stdout',
    '--simple-log',
  ];
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer): void => {
    if (log.length < 200_000) log += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  if (spawnError) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start ${TURNSERVER} (apt-get install coturn): ${spawnError.message}`);
  }
  // Ready when every transport answers a Binding request (coturn opens its listeners one by one).
  const started = Date.now();
  const pending = new Set<StunTransport>(['udp', 'tcp', 'tls']);
  while (pending.size > 0) {
    if (child.exitCode !== null) {
      await cleanup();
      throw new Error(`turnserver exited (code ${child.exitCode}) before it answered:\n${log}`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) {
      await cleanup();
      throw new Error(`turnserver did not answer on ${[...pending].join(', ')} within ${START_TIMEOUT_MS} ms:\n${log}`);
    }
    for (const transport of [...pending]) {
      const result = await stunBinding(
        { host, port: transport === 'tls' ? tlsPort : port, transport },
        { timeoutMs: 300, signal: new AbortController().signal },
      );
      if (result.ok) pending.delete(transport);
    }
    if (pending.size > 0) await sleep(100);
  }
  return {
    host,
    port,
    tlsPort,
    standardPorts: claim.standard,
    realm,
    username,
    password,
    caPem: ca.certPem,
    log: () => log,
    stop: cleanup,
  };
}
