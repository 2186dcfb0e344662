/**
 * The inventory being written for the lab, as plain YAML data. Each part fills in its own keys
 * (resolvers, NTP servers, TLS endpoints, AXL URL...) once its servers listen.
 */
export interface LabDraft {
  domains: string[];
  dns: { internal: string[]; external: string[]; timeoutMs?: number };
  ntp: { servers: string[] };
  nodes: Array<{
    fqdn: string;
    ip: string;
    role: string;
    version?: string;
    tls?: Record<string, string>;
    status?: Record<string, unknown>;
  }>;
  certificates: Array<Record<string, string>>;
  trust: Array<Record<string, string>>;
  cucm: Record<string, unknown>;
  clusters: number;
  policy: Record<string, unknown>;
  rules: Record<string, string>;
  edge?: { clientTrust: string[]; turn: Array<Record<string, unknown>> };
}

export interface LabContext {
  /** Temporary folder the lab may write files to (certificates, snapshots); removed on stop. */
  dir: string;
  draft: LabDraft;
  /** Environment variables the lab's secrets live in (the scan reads them from here). */
  env: Record<string, string>;
  /**
   * Where the Expressway-E listens for remote clients, once the edge part runs (the external DNS view points
   * there).
   */
  edge?: LabEdge;
}

export interface LabEdge {
  fqdn: string;
  /** The loopback address standing for the Expressway-E's public address. */
  address: string;
  /** Edge discovery (8443 unless taken). */
  port: number;
  /** The XMPP port remote clients use (5222 unless taken). */
  xmppPort: number;
}

/** One kind of lab server (DNS, NTP, TLS, AXL, Expressway); returns how to stop it. */
export type LabPart = (context: LabContext) => Promise<() => Promise<void>>;
