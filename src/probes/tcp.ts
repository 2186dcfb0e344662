import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { deadline, DeadlinePassed } from './deadline.js';

/**
 * Whether a TCP port accepts a connection, as a remote client's first SYN finds it (MRA-EDGE-001:
 * 8443 and 5222 on each Expressway-E). The three answers a firewall gives are kept apart:
 * `refused` is an RST (nothing listens, or a firewall rejects), `timeout` is silence (a firewall
 * drops the SYN, or the host is down), `unreachable` is an ICMP error or no route.
 */

export type TcpConnectFailure = 'refused' | 'timeout' | 'unreachable' | 'unresolved' | 'cancelled';

export interface TcpConnectOptions {
  /** An IP address (as the external resolvers gave it), or a name for the system resolver. */
  host: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export type TcpConnectResult =
  | { ok: true; address: string; port: number; durationMs: number }
  | {
      ok: false;
      failure: TcpConnectFailure;
      detail: string;
      /** The IP address tried; the name itself when it did not resolve. */
      address: string;
      port: number;
      durationMs: number;
    };

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);

/** Opens one TCP connection and closes it at once; never throws for a network outcome. */
export async function probeTcpConnect(options: TcpConnectOptions): Promise<TcpConnectResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const bound = deadline(options.timeoutMs, options.signal);
  const aborted = (): { failure: TcpConnectFailure; detail: string } =>
    bound.signal.reason instanceof DeadlinePassed
      ? {
          failure: 'timeout',
          detail: `no answer to the connection attempt within ${options.timeoutMs} ms (filtered or down)`,
        }
      : { failure: 'cancelled', detail: 'the run was cancelled' };
  let address = options.host;
  try {
    if (!isIP(options.host)) {
      const abort = new Promise<'aborted'>((resolve) =>
        bound.signal.aborted ? resolve('aborted') : bound.signal.addEventListener('abort', () => resolve('aborted')),
      );
      try {
        const answer = await Promise.race([lookup(options.host), abort]);
        if (answer === 'aborted')
          return { ok: false, ...aborted(), address, port: options.port, durationMs: elapsed() };
        address = answer.address;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        return {
          ok: false,
          failure: 'unresolved',
          detail: `${options.host} does not resolve (${code})`,
          address,
          port: options.port,
          durationMs: elapsed(),
        };
      }
    }
    const outcome = await new Promise<{ ok: true } | { ok: false; failure: TcpConnectFailure; detail: string }>(
      (resolve) => {
        const socket = new Socket();
        const finish = (result: { ok: true } | { ok: false; failure: TcpConnectFailure; detail: string }): void => {
          bound.signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(result);
        };
        const onAbort = (): void => finish({ ok: false, ...aborted() });
        if (bound.signal.aborted) return onAbort();
        bound.signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => finish({ ok: true }));
        socket.once('error', (error: NodeJS.ErrnoException) => {
          const code = error.code ?? 'error';
          if (code === 'ECONNREFUSED')
            return finish({
              ok: false,
              failure: 'refused',
              detail: 'connection refused (TCP RST): nothing listens or a firewall rejects',
            });
          if (UNREACHABLE.has(code))
            return finish({ ok: false, failure: 'unreachable', detail: `${code}: no route to the address` });
          finish({ ok: false, failure: 'unreachable', detail: `${code}: ${error.message.split('\n')[0]}` });
        });
        socket.connect({ host: address, port: options.port });
      },
    );
    return outcome.ok
      ? { ok: true, address, port: options.port, durationMs: elapsed() }
      : { ...outcome, address, port: options.port, durationMs: elapsed() };
  } finally {
    bound.release();
  }
}
