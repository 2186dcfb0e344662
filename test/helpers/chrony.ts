import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exchangeWith } from '../../src/probes/ntp.js';

export interface Chrony {
  port: number;
  /** As written in an inventory: 127.0.0.1:40123. */
  address: string;
  /** chronyd's log so far (stderr in foreground mode). */
  log(): string;
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 10_000;

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface ChronyOptions {
  /**
   * The stratum chronyd serves its own clock at (`local stratum N`, default 3). `false` leaves the
   * `local` line out: with no source chronyd never synchronises and answers every client with
   * leap indicator 3, stratum 0 and reference id 0 (what an NTP server without upstream sends).
   */
  localStratum?: number | false;
}

/**
 * A real chronyd serving NTP on a random loopback port, by default as its own local stratum-3
 * reference. `-x` keeps it off the system clock; `-d` keeps it in the foreground so the test owns
 * the process. Throws (failing the test) when it cannot start or does not answer.
 */
export async function startChrony(options: ChronyOptions = {}): Promise<Chrony> {
  let lastError = '';
  // Another engineer's test may grab the port between our probe bind and chronyd's bind.
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await tryStart(options.localStratum ?? 3);
    if ('chrony' in started) return started.chrony;
    lastError = started.error;
  }
  throw new Error(`chronyd could not start: ${lastError}`);
}

async function tryStart(localStratum: number | false): Promise<{ chrony: Chrony } | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-chrony-'));
  const port = await freeUdpPort();
  const config = join(dir, 'chrony.conf');
  writeFileSync(
    config,
    [
      `port ${port}`,
      'cmdport 0',
      // No Unix command socket either: nothing under /run/chrony is touched.
      'bindcmdaddress /',
      ...(localStratum === false ? [] : [`local stratum ${localStratum}`]),
      'allow 127.0.0.0/8',
      'bindaddress 127.0.0.1',
      `pidfile ${join(dir, 'chronyd.pid')}`,
      `driftfile ${join(dir, 'chrony.drift')}`,
      '',
    ].join('\n'),
  );
  // As root chronyd drops to its compiled-in user, which cannot write the temp dir; as anyone else
  // it needs -U to start without root.
  const privileges = process.getuid?.() === 0 ? ['-u', 'root'] : ['-U'];
  const child = spawn('chronyd', ['-x', '-d', ...privileges, '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      log += `spawn failed: ${error.message}\n`;
      exited = true;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    await terminate(child, exit, () => exited);
    rmSync(dir, { recursive: true, force: true });
  };
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!exited && Date.now() < deadline) {
    const result = await exchangeWith(address, 300, new AbortController().signal);
    if (result.ok) return { chrony: { port, address, log: () => log, stop } };
    await sleep(100);
  }
  await stop();
  return {
    error: exited ? `exited: ${log.trim()}` : `no NTP answer on ${address} within ${READY_WITHIN_MS} ms: ${log.trim()}`,
  };
}

async function terminate(child: ChildProcess, exit: Promise<void>, exited: () => boolean): Promise<void> {
  if (exited()) return;
  child.kill('SIGTERM');
  const killed = await Promise.race([exit.then(() => true), sleep(3000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await exit;
  }
}
