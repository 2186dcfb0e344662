import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package/root.js';

/** fixtures/bind: named.conf templates per view and zone sets (good, faulty, large). */
export const BIND_FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'bind');

export type BindView = 'internal' | 'external';

export interface NamedInstance {
  view: BindView;
  port: number;
  /** `127.0.0.1:<port>` */
  ipv4: string;
  /** `[::1]:<port>` */
  ipv6: string;
  dir: string;
  /** named's own log (stderr with -g), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
/** named lives in /usr/sbin, which is not on every user's PATH; NAMED overrides. */
const NAMED = process.env.NAMED ?? (existsSync('/usr/sbin/named') ? '/usr/sbin/named' : 'named');

/** A port free on 127.0.0.1 and ::1, for both TCP and UDP, at the moment of asking. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await Promise.all(
      (['udp4', 'udp6'] as const).map(
        (type) =>
          new Promise<boolean>((resolve) => {
            const socket = createSocket(type);
            socket.once('error', () => resolve(false));
            socket.bind(port, type === 'udp4' ? '127.0.0.1' : '::1', () => socket.close(() => resolve(true)));
          }),
      ),
    );
    if (port > 0 && udpFree.every(Boolean)) return port;
  }
  throw new Error('bind helper: no free loopback port found');
}

/**
 * Copies the zone sets in order (later sets override files of earlier ones, so `['good', 'large']`
 * is the good view with the large SRV set) and renders the view's named.conf template.
 */
function prepare(view: BindView, sets: readonly string[], dir: string, port: number): string {
  const zones = join(dir, 'zones');
  mkdirSync(zones);
  for (const set of sets) {
    const from = join(BIND_FIXTURES, view, set);
    for (const file of readdirSync(from)) copyFileSync(join(from, file), join(zones, file));
  }
  const conf = readFileSync(join(BIND_FIXTURES, `${view}.named.conf`), 'utf8')
    .replaceAll('@DIR@', dir)
    .replaceAll('@PORT@', String(port))
    .replaceAll('@ZONES@', zones);
  const file = join(dir, 'named.conf');
  writeFileSync(file, conf);
  return file;
}

function waitForStart(child: ChildProcess, port: number, output: () => string): Promise<'running' | 'port-taken'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`named did not report "running" within ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);
    const onData = (): void => {
      const text = output();
      if (/address in use/i.test(text)) {
        cleanup();
        resolve('port-taken');
      } else if (/\brunning\s*$/m.test(text)) {
        cleanup();
        const missing = ['127.0.0.1', '::1'].filter((address) => !text.includes(`${address}#${port}`));
        const badZones = /not loaded due to errors|loading from master file .* failed/i.test(text);
        if (missing.length > 0 || badZones) {
          reject(
            new Error(
              `named started but ${badZones ? 'a zone failed to load' : `is not listening on ${missing.join(', ')}`}:\n${text}`,
            ),
          );
        } else resolve('running');
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      if (/address in use/i.test(output())) resolve('port-taken');
      else reject(new Error(`named exited (code ${code}) before it was running:\n${output()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

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

/**
 * Starts a real BIND `named` in the foreground (-g) on a random loopback port, serving one view
 * from fixture zone sets, with its pid and session-key files in a temporary folder. Fails loudly
 * (throws with named's log) when it cannot start: an integration test never silently skips.
 */
export async function startNamed(view: BindView, sets: readonly string[] = ['good']): Promise<NamedInstance> {
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `mra-named-${view}-`));
    const conf = prepare(view, sets, dir, port);
    // One worker thread: the test machine's cores are shared.
    const child = spawn(NAMED, ['-g', '-n', '1', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (log.length < 200_000) log += chunk;
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (error) => resolve(error));
    });
    if (spawned) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot start ${NAMED} (is bind9 installed?): ${spawned.message}`);
    }
    let state: 'running' | 'port-taken';
    try {
      state = await waitForStart(child, port, () => log);
    } catch (error) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    if (state === 'port-taken') {
      lastLog = log;
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    return {
      view,
      port,
      ipv4: `127.0.0.1:${port}`,
      ipv6: `[::1]:${port}`,
      dir,
      log: () => log,
      async stop() {
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`named could not get a free port after 5 attempts:\n${lastLog}`);
}
