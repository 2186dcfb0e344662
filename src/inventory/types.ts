import type { TRUST_STORES } from './names.js';

/** The inventory as the user writes it (validated by schema/inventory.schema.json). */

export type NodeRole =
  'cucm-publisher' | 'cucm-subscriber' | 'imp-publisher' | 'imp-subscriber' | 'expressway-c' | 'expressway-e';

export type TlsService = 'tomcat' | 'callmanager' | 'xmpp' | 'server';

export type TrustStoreName = (typeof TRUST_STORES)[number];

export interface HttpsClientConfig {
  url: string;
  version?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  /** Absolute after loading. */
  caFile?: string;
  insecure?: boolean;
}

export interface InventoryNode {
  fqdn: string;
  ip?: string;
  role: NodeRole;
  version?: string;
  tls?: Partial<Record<TlsService, string>>;
  status?: HttpsClientConfig;
}

export interface CertificateFile {
  node: string;
  service: TlsService;
  /** Absolute after loading. */
  file: string;
}

export interface TrustEntry {
  node: string;
  store: TrustStoreName;
  /** Absolute after loading. */
  path: string;
}

export interface Policy {
  minExpresswayVersion: string;
  minVideoKbps: number;
  certExpiryWarnDays: number;
  maxNtpStratum: number;
  maxClockOffsetMs: number;
  maxSelfProvisionLimit: number;
  tftpEncryptionExcludedModels: string[];
}

export type RuleOverride = 'off' | 'info' | 'warning' | 'error';

export type TurnTransport = 'udp' | 'tcp' | 'tls';

/** One TURN server of `edge.turn`. */
export interface EdgeTurnServer {
  /** host:port as written (default port 3478). */
  server: string;
  /** Default udp and tcp. */
  transports: TurnTransport[];
  usernameEnv?: string;
  passwordEnv?: string;
}

/** The outside view (SPEC 8.7). */
export interface EdgeSettings {
  /** Absolute PEM paths of the roots MRA clients trust; undefined: Node's root store. */
  clientTrust?: string[];
  turn: EdgeTurnServer[];
  /** A test MRA user for the edge discovery request (MRA-EDGE-003), from the environment. */
  discovery?: { usernameEnv: string; passwordEnv: string };
}

export interface Inventory {
  /** Absolute path of the file it was read from (or '<embedded>'). */
  source: string;
  domains: string[];
  dns: { internal: string[]; external: string[]; timeoutMs?: number };
  ntp: { servers: string[] };
  nodes: InventoryNode[];
  certificates: CertificateFile[];
  trust: TrustEntry[];
  cucm: {
    axl?: HttpsClientConfig;
    /** Absolute after loading. */
    snapshot?: string;
    /** Absolute after loading. */
    batPhones?: string;
    mraDevicePools: string[];
  };
  clusters: number;
  policy: Policy;
  rules: Record<string, RuleOverride>;
  /** Present when the inventory has an `edge` block. */
  edge?: EdgeSettings;
}

export const DEFAULT_POLICY: Policy = {
  minExpresswayVersion: 'X8.10',
  minVideoKbps: 385,
  certExpiryWarnDays: 30,
  maxNtpStratum: 3,
  maxClockOffsetMs: 1000,
  maxSelfProvisionLimit: 20,
  tftpEncryptionExcludedModels: [
    'Cisco DX*',
    'Cisco 78*',
    'Cisco 8811',
    'Cisco 8841',
    'Cisco 8845',
    'Cisco 8861',
    'Cisco 8865',
  ],
};

export const DEFAULT_TURN_TRANSPORTS: readonly TurnTransport[] = ['udp', 'tcp'];
/** RFC 5766 section 6: TURN's default port over UDP and TCP. */
export const DEFAULT_TURN_PORT = 3478;

export const CUCM_ROLES: readonly NodeRole[] = ['cucm-publisher', 'cucm-subscriber'];
export const IMP_ROLES: readonly NodeRole[] = ['imp-publisher', 'imp-subscriber'];
export const EXPRESSWAY_ROLES: readonly NodeRole[] = ['expressway-c', 'expressway-e'];
