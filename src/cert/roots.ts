import { rootCertificates } from 'node:tls';
import { parseCertificate, type Certificate } from './certificate.js';

/** How evidence names Node's bundled root store (the public CAs Jabber and phones ship with, too). */
export const NODE_ROOTS = "Node's root store";

/** Certificates of PEM blocks; one that cannot be read is skipped (it simply is not an anchor). */
export function readablePems(pems: readonly string[]): Certificate[] {
  return pems.flatMap((pem) => {
    try {
      return [parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))];
    } catch {
      return [];
    }
  });
}

let nodeRoots: Certificate[] | undefined;

/** Node's root store, parsed once per process (about 140 certificates). */
export function nodeRootCertificates(): Certificate[] {
  nodeRoots ??= readablePems(rootCertificates);
  return nodeRoots;
}
