import type { Inventory } from '../inventory/types.js';
import type { Limiter } from './limiter.js';

/** What every probe of a run shares: the inventory, the bounds and the secrets' environment. */
export interface ProbeOptions {
  inventory: Inventory;
  /** --offline: no network I/O at all. */
  offline: boolean;
  /** --timeout: bound of one network operation (one DNS query, one TLS handshake, one HTTP request). */
  timeoutMs: number;
  /** Bounds network operations across the whole run (--concurrency). */
  limiter: Limiter;
  /** Aborted when the run is cancelled; probes combine it with their own deadlines. */
  signal: AbortSignal;
  /** Environment the secrets are read from (usernameEnv / passwordEnv). */
  env: NodeJS.ProcessEnv;
}
