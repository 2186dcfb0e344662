import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * A TCP port that neither accepts nor refuses: its SYNs go unanswered, as behind a firewall that
 * drops them. Done without iptables: a child process listens with a backlog of 1 and is then
 * stopped (SIGSTOP), so nothing accepts; two connections fill the accept queue, and from then on
 * Linux drops every new SYN (the listen overflow path), so a client's connect times out.
 */
export interface SilentPort {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const LISTENER = `
const server = require('node:net').createServer();
server.listen({ host: process.argv[1], port: 0, backlog: 1 }, () => console.log(server.address().port));
`;

export async function startSilentTcpPort(host: string): Promise<SilentPort> {
  const child = spawn(process.execPath, ['-e', LISTENER, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(Number(line)));
    child.once('exit', (code) => reject(new Error(`silent-port listener exited (${code})`)));
  });
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  // Fill the accept queue: each connection completes in the kernel until the queue is full.
  for (let i = 0; i < 8; i++) {
    const socket = connect({ host, port });
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  return {
    host,
    port,
    async stop() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      child.kill('SIGCONT');
      if (child.exitCode === null && child.signalCode === null)
        await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    },
  };
}
