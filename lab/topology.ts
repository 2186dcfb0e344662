import type { NodeRole } from '../src/inventory/types.js';

/**
 * The embedded lab's deployment: one domain, a CUCM pair, IM&P, an Expressway pair. Addresses are
 * documentation ranges used only as DNS data; every server of the lab listens on loopback.
 */
export const LAB_DOMAIN = 'example.com';

export interface LabNode {
  fqdn: string;
  ip: string;
  role: NodeRole;
}

export const LAB_NODES: readonly LabNode[] = [
  { fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' },
  { fqdn: 'cucm-sub1.example.com', ip: '10.1.1.11', role: 'cucm-subscriber' },
  { fqdn: 'imp-pub.example.com', ip: '10.1.1.20', role: 'imp-publisher' },
  { fqdn: 'expc.example.com', ip: '10.1.1.30', role: 'expressway-c' },
  { fqdn: 'expe.example.com', ip: '203.0.113.30', role: 'expressway-e' },
];

/**
 * Phone security profiles the lab's MRA endpoints use with device security mode Encrypted. The
 * lab's Expressway-C certificate lists only some of them in its SANs (a deliberate MRA-CERT-005 fault).
 */
export const LAB_ENCRYPTED_PROFILES: readonly string[] = [
  'csf-mra.example.com',
  'ip8845-mra.example.com',
  'tct-mra.example.com',
];
/** The profile names the lab's Expressway-C certificate does carry. */
export const LAB_EXPC_PROFILE_SANS: readonly string[] = ['csf-mra.example.com', 'ip8845-mra.example.com'];
