import { describe, expect, it } from 'vitest';
import { readablePems } from '../../src/cert/roots.js';
import { buildChain, conformingChain } from './chains.js';

const pemOf = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

describe('readablePems', () => {
  it('reads each PEM certificate and skips a block that is no certificate', () => {
    const { rootDer, leafDer } = buildChain(conformingChain(0));
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const certificates = readablePems([pemOf(rootDer), broken, '', pemOf(leafDer)]);
    expect(certificates.map((certificate) => certificate.der)).toStrictEqual([rootDer, leafDer]);
    expect(certificates.map((certificate) => certificate.commonName)).toStrictEqual(['Test Root', 'a.example.com']);
  });

  it('gives no certificate when none can be read', () => {
    expect(readablePems(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'not a PEM'])).toStrictEqual(
      [],
    );
    expect(readablePems([])).toStrictEqual([]);
  });
});
