/**
 * The normalized CUCM configuration (SPEC section 6). `collect` (live AXL) and the BAT CSV
 * importer both produce it; every CUCM check reads only this, so live and offline runs share code.
 * Names follow AXL's element names where AXL has one. JSON Schema: schema/snapshot.schema.json,
 * which is strict (unknown keys are errors, as in the inventory): a field added here goes there too.
 */
export interface CucmSnapshot {
  /** CUCM version as getCCMVersion reports it, e.g. "15.0.1.11900(31)". */
  version: string;
  /** Where it came from: `axl https://...`, `file ...`, `bat ...`. */
  source?: string;
  collectedAt?: string;
  services: ServiceState[];
  phones: Phone[];
  securityProfiles: SecurityProfile[];
  devicePools: DevicePool[];
  dateTimeGroups: DateTimeGroup[];
  regions: Region[];
  commonPhoneProfiles: CommonPhoneProfile[];
  userProfiles: UserProfile[];
  users: EndUser[];
  ils: { configured: boolean; role?: string };
  /** What MRA-CUCM-013 needs to know about the cluster's ability to serve encrypted registrations. */
  clusterSecurity: ClusterSecurity;
  /**
   * Sections whose AXL requests failed (SPEC 8.2), each with the reason: the AXL fault code and
   * text, an HTTP 403 for that request, a timeout, a malformed answer. The section itself is left
   * empty; every other section is complete. A snapshot file that carries it behaves as the live
   * scan that wrote it.
   */
  unavailable?: Partial<Record<SnapshotSection, string>>;
  /**
   * Sections that were not asked for (SPEC 8.2: `collect` skips ILS with `clusters: 1`; a live
   * scan asks only what its rules read). They are empty here, which says nothing about the
   * cluster; a later run that needs one gets it as unavailable, never as an empty list.
   */
  notCollected?: SnapshotSection[];
  /**
   * Sections the source could not supply (added by the CUCM snapshot-side work): a BAT phone export
   * carries phones only, so a snapshot built from it alone lists the other sections here and the
   * rules that need them are skipped with that reason instead of judging empty lists.
   */
  absentSections?: SnapshotSection[];
}

/** The sections of a snapshot, as named in SPEC section 6 (and 8.8 for clusterSecurity). */
export const SNAPSHOT_SECTIONS = [
  'services',
  'phones',
  'securityProfiles',
  'devicePools',
  'dateTimeGroups',
  'regions',
  'commonPhoneProfiles',
  'userProfiles',
  'users',
  'ils',
  'clusterSecurity',
] as const;

export type SnapshotSection = (typeof SNAPSHOT_SECTIONS)[number];

/**
 * Whether the cluster can serve encrypted registrations (SPEC 8.8). Both values are enterprise
 * parameters kept in the processconfig table; an absent field means "not known" (an older snapshot,
 * a release without the parameter), never "off".
 */
export interface ClusterSecurity {
  /** processconfig ClusterSecurityMode: 0 is non-secure, 1 is mixed mode (`utils ctl set-cluster mixed-mode`). */
  clusterSecurityMode?: 'non-secure' | 'mixed';
  /** processconfig ClusterSIPOAuthMode: 0 disabled (the default), 1 enabled (`utils sipOAuth-mode enable`, 12.5+). */
  sipOAuthMode?: 'disabled' | 'enabled';
}

export interface ServiceState {
  node: string;
  name: string;
  activated: boolean;
}

export interface Phone {
  /** Device name, e.g. SEP00AA11BB22CC, CSFJDOE, BOTJDOE, TCTJDOE, TABJDOE. */
  name: string;
  /** Product as AXL names it, e.g. "Cisco 8845", "Cisco Unified Client Services Framework". */
  model: string;
  protocol: string;
  devicePool: string;
  securityProfile: string;
  commonPhoneProfile?: string;
  /** Owner user id. */
  owner?: string;
  /** ICE settings on the phone itself (Jabber desktop), when set there. */
  ice?: IceSettings;
  /**
   * AXL `enableExtensionMobility` (BAT column "Extension Mobility", t/f). Added with the BAT
   * importer; informational (Extension Mobility over MRA needs it on the phone), no rule judges it.
   */
  enableExtensionMobility?: boolean;
}

export type DeviceSecurityMode = 'Non Secure' | 'Authenticated' | 'Encrypted' | string;
export type TransportType = 'TCP' | 'UDP' | 'TCP+UDP' | 'TLS' | string;

export interface SecurityProfile {
  name: string;
  /** The phone type the profile was created for, e.g. "Cisco 8845". */
  phoneType: string;
  protocol: string;
  deviceSecurityMode: DeviceSecurityMode;
  transportType: TransportType;
  tftpEncryptedConfig: boolean;
  /**
   * AXL `EnableOAuthAuthentication` ("Enable OAuth Authentication" on the profile, AXL 12.5+): SIP
   * OAuth registration for the Jabber clients that use the profile. Absent: not known.
   */
  enableOAuthAuthentication?: boolean;
}

export interface DevicePool {
  name: string;
  dateTimeGroup?: string;
  region?: string;
}

export interface DateTimeGroup {
  name: string;
  phoneNtpReferences: string[];
}

export interface Region {
  name: string;
  relations: Array<{ region: string; videoKbps: number }>;
}

export interface IceSettings {
  enabled: boolean;
  defaultCandidateType?: 'Host' | 'Server Reflexive' | 'Relayed' | string;
  serverReflexiveAddress?: boolean;
  primaryTurnServer?: string;
  secondaryTurnServer?: string;
  turnTransportType?: string;
  turnUsername?: string;
  /** Whether a TURN password is set; the password itself is never stored in a snapshot. */
  turnPasswordSet?: boolean;
}

export interface CommonPhoneProfile {
  name: string;
  ice?: IceSettings;
}

export interface UserProfile {
  name: string;
  enableMra: boolean;
  mraPolicyDesktop: string;
  mraPolicyMobile: string;
  allowProvision: boolean;
  limitProvision?: number;
}

export interface EndUser {
  userid: string;
  userProfile?: string;
  /** IM&P-enabled (homed on IM and Presence) or owner of a Jabber device. */
  jabber: boolean;
}

/** A snapshot with every section empty, then the given fields (BAT-only snapshots, tests). */
export function emptySnapshot(fields: Partial<CucmSnapshot> = {}): CucmSnapshot {
  return {
    version: 'unknown',
    services: [],
    phones: [],
    securityProfiles: [],
    devicePools: [],
    dateTimeGroups: [],
    regions: [],
    commonPhoneProfiles: [],
    userProfiles: [],
    users: [],
    ils: { configured: false },
    clusterSecurity: {},
    ...fields,
  };
}
