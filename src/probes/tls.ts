import type { ServiceOptions } from '../engine/services.js';

/** Placeholder until the area lands: certificate chains from live TLS endpoints and offline PEM/DER files, and trust stores. */
export interface CertificateSource {
  close?(): Promise<void>;
}

export function createCertificateSource(_options: ServiceOptions): CertificateSource {
  return {};
}
