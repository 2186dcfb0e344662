import type { CucmSnapshot } from '../cucm/snapshot.js';
import type { Inventory } from '../inventory/types.js';
import { EXPRESSWAY_ROLES } from '../inventory/types.js';
import { createDnsProbe, type DnsProbe } from '../probes/dns.js';
import { createNtpProbe, type NtpProbe } from '../probes/ntp.js';
import type { ProbeOptions } from '../probes/options.js';
import { createCertificateSource, type CertificateSource } from '../cert/source.js';
import { createCucmSource, type CucmSource } from '../cucm/source.js';
import { createExpresswaySource, type ExpresswaySource } from '../expressway/source.js';
import type { Capability } from '../engine/types.js';

/** The probes' options plus the offline inputs already read and validated by the caller. */
export interface ServiceOptions extends ProbeOptions {
  inputs?: ScanInputs;
}

export interface ScanInputs {
  cucmFiles?: { snapshot: CucmSnapshot; origin: string };
}

/**
 * The probes and sources of one run. Each caches its results, so checks that look at the same
 * peer (MRA-NTP-001..003 on one server, MRA-CERT-* on one endpoint) share one exchange.
 */
export interface Services {
  dns: DnsProbe;
  ntp: NtpProbe;
  certificates: CertificateSource;
  cucm: CucmSource;
  expressway: ExpresswaySource;
  close(): Promise<void>;
}

export function createServices(options: ServiceOptions): Services {
  const dns = createDnsProbe(options);
  const ntp = createNtpProbe(options);
  const certificates = createCertificateSource(options);
  const cucm = createCucmSource(options);
  const expressway = createExpresswaySource(options);
  return {
    dns,
    ntp,
    certificates,
    cucm,
    expressway,
    async close() {
      await Promise.allSettled([dns, ntp, certificates, cucm, expressway].map((service) => service.close?.()));
    },
  };
}

const OFFLINE = 'offline run (--offline): no network I/O';

/** Why a capability is missing for this run, or undefined when it is there. */
export function unavailableReason(capability: Capability, inventory: Inventory, offline: boolean): string | undefined {
  switch (capability) {
    case 'dns-internal':
      if (offline) return OFFLINE;
      return inventory.dns.internal.length === 0 ? 'no internal resolvers in the inventory (dns.internal)' : undefined;
    case 'dns-external':
      if (offline) return OFFLINE;
      return inventory.dns.external.length === 0 ? 'no external resolvers in the inventory (dns.external)' : undefined;
    case 'ntp':
      if (offline) return OFFLINE;
      return inventory.ntp.servers.length === 0 ? 'no NTP servers in the inventory (ntp.servers)' : undefined;
    case 'certificates': {
      const live = !offline && inventory.nodes.some((node) => node.tls && Object.keys(node.tls).length > 0);
      if (live || inventory.certificates.length > 0) return undefined;
      return offline
        ? `${OFFLINE}, and no certificate files in the inventory (certificates)`
        : 'no TLS endpoints (nodes[].tls) and no certificate files (certificates) in the inventory';
    }
    case 'cucm': {
      const { axl, snapshot, batPhones } = inventory.cucm;
      if (snapshot || batPhones) return undefined;
      if (axl) return offline ? `${OFFLINE}, and no snapshot or BAT export (cucm.snapshot, cucm.batPhones)` : undefined;
      return 'no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)';
    }
    case 'expressway':
      return inventory.nodes.some((node) => EXPRESSWAY_ROLES.includes(node.role))
        ? undefined
        : 'no Expressway nodes in the inventory (nodes[].role expressway-c / expressway-e)';
  }
}
