import type { Agent } from 'undici';
import type { InventoryNode, NodeRole } from '../inventory/types.js';
import { urlWithoutCredentials } from '../probes/https.js';
import type { ProbeOptions } from '../probes/options.js';
import {
  createStatusAgent,
  fetchStatusVersion,
  type StatusExchange,
  type StatusFacts,
  type StatusFailure,
} from '../probes/status.js';
import type { HttpsClientConfig } from '../inventory/types.js';

/**
 * Where each Expressway's software version comes from: its live `status.xml` (src/probes/status.ts)
 * when the inventory gives a `status` block and the run is online, else the inventory's `version`.
 */

export type ExpresswayRole = Extract<NodeRole, 'expressway-c' | 'expressway-e'>;

interface ResultBase {
  fqdn: string;
  role: ExpresswayRole;
  /** The inventory's `version`, also when status.xml was used (evidence). */
  inventoryVersion?: string;
}

export type ExpresswayVersionResult = ResultBase &
  (
    | { kind: 'version'; source: 'inventory'; raw: string }
    | { kind: 'version'; source: 'status.xml'; raw: string; facts: StatusFacts; exchange: StatusExchange }
    | { kind: 'failure'; source: 'status.xml'; failure: StatusFailure; exchange: StatusExchange }
    /** No source usable (offline with only `status`, or neither `status` nor `version`). */
    | { kind: 'unknown'; reason: string }
  );

export interface ExpresswaySource {
  /** The node's version, fetched at most once per run; expected failures are results, not throws. */
  version(node: InventoryNode): Promise<ExpresswayVersionResult>;
  close?(): Promise<void>;
}

/** The status.xml exchange behind the source; the tests give scripted ones. */
export interface StatusProbes {
  createStatusAgent: typeof createStatusAgent;
  fetchStatusVersion: typeof fetchStatusVersion;
}

const NETWORK: StatusProbes = { createStatusAgent, fetchStatusVersion };

const isExpressway = (role: NodeRole): role is ExpresswayRole => role === 'expressway-c' || role === 'expressway-e';

export function createExpresswaySource(options: ProbeOptions, probes: StatusProbes = NETWORK): ExpresswaySource {
  const cache = new Map<string, Promise<ExpresswayVersionResult>>();
  const agents = new Map<string, Agent>();

  const agentFor = (config: HttpsClientConfig): Agent => {
    const key = `${config.caFile ?? ''}\u0000${config.insecure === true}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = probes.createStatusAgent(config, options.timeoutMs);
      agents.set(key, agent);
    }
    return agent;
  };

  const resolveVersion = async (node: InventoryNode, role: ExpresswayRole): Promise<ExpresswayVersionResult> => {
    const base: ResultBase = {
      fqdn: node.fqdn,
      role,
      ...(node.version !== undefined ? { inventoryVersion: node.version } : {}),
    };
    if (node.status && !options.offline) {
      let dispatcher: Agent;
      try {
        dispatcher = agentFor(node.status);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        const failure: StatusFailure = {
          kind: 'config',
          detail: `caFile ${node.status.caFile ?? ''} cannot be read (${code})`,
        };
        return {
          ...base,
          kind: 'failure',
          source: 'status.xml',
          failure,
          exchange: {
            url: urlWithoutCredentials(node.status.url),
            tlsVerification: node.status.insecure ? 'off' : 'on',
            durationMs: 0,
          },
        };
      }
      const status = node.status;
      const fetched = await options.limiter.run(() =>
        probes.fetchStatusVersion(status, {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          env: options.env,
          dispatcher,
        }),
      );
      return fetched.ok
        ? {
            ...base,
            kind: 'version',
            source: 'status.xml',
            raw: fetched.version,
            facts: fetched.facts,
            exchange: fetched.exchange,
          }
        : { ...base, kind: 'failure', source: 'status.xml', failure: fetched.failure, exchange: fetched.exchange };
    }
    if (node.version !== undefined) return { ...base, kind: 'version', source: 'inventory', raw: node.version };
    return {
      ...base,
      kind: 'unknown',
      reason: node.status
        ? 'status.xml is not fetched in an offline run (--offline), and the node has no inventory version'
        : 'the node has neither a version nor a status block in the inventory',
    };
  };

  return {
    version(node) {
      if (!isExpressway(node.role))
        return Promise.reject(new Error(`${node.fqdn} is not an Expressway (role ${node.role})`));
      let result = cache.get(node.fqdn);
      if (!result) {
        result = resolveVersion(node, node.role);
        cache.set(node.fqdn, result);
      }
      return result;
    },
    async close() {
      const pools = [...agents.values()];
      agents.clear();
      await Promise.allSettled(pools.map((agent) => agent.destroy()));
    },
  };
}
