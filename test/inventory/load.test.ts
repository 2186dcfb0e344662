import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddress, formatAddress } from '../../src/inventory/address.js';
import { loadInventory, normalizeInventory, parseStructuredText } from '../../src/inventory/load.js';
import { InputError } from '../../src/inventory/problems.js';
import { inventoryTemplate } from '../../src/inventory/template.js';

const known = KNOWN_RULE_NAMES;

function problemsOf(data: unknown): string[] {
  try {
    normalizeInventory(data, 'inv.yaml', known);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('product spellings (SPEC 8.1)', () => {
  it('accepts names in any case and keeps CUCM\'s spelling; says "did you mean" for the rest', () => {
    const inventory = normalizeInventory(
      {
        domains: ['example.com'],
        nodes: [
          { fqdn: 'cucm-pub.example.com', role: 'CUCM-Publisher', tls: { CallManager: 'cucm-pub.example.com:5061' } },
          { fqdn: 'imp-pub.example.com', role: 'imp-publisher', tls: { 'cup-xmpp': 'imp-pub.example.com:5222' } },
        ],
        trust: [
          { node: 'cucm-pub.example.com', store: 'callmanager-TRUST', path: '.' },
          { node: 'cucm-pub.example.com', store: 'capf-trust', path: '.' },
        ],
        rules: { 'UDS-SRV-INTERNAL': 'warning' },
      },
      '<embedded>',
      known,
    );
    expect(inventory.nodes.map((node) => [node.role, Object.keys(node.tls ?? {})])).toEqual([
      ['cucm-publisher', ['callmanager']],
      ['imp-publisher', ['xmpp']],
    ]);
    expect(inventory.trust.map((entry) => entry.store)).toEqual(['CallManager-trust', 'CAPF-trust']);
    expect(
      problemsOf({
        domains: ['example.com'],
        nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publsher', tls: { tomcatt: 'x.example.com:8443' } }],
        trust: [{ node: 'cucm-pub.example.com', store: 'CallManger-trust', path: '.' }],
      }).sort(),
    ).toEqual([
      '$.nodes[0].role: unknown role "cucm-publsher" (did you mean "cucm-publisher"?)',
      '$.nodes[0].tls.tomcatt: unknown key: "tomcatt" is not a TLS service (did you mean "tomcat"?) (tomcat, callmanager, xmpp, server)',
      '$.trust[0].store: unknown trust store "CallManger-trust" (did you mean "CallManager-trust"?)',
    ]);
  });
});

describe('inventory loader', () => {
  it('reports a typo key, a bad port and a missing domains key with their JSON paths', () => {
    const text = `
dns:
  internal: ["10.1.1.53:99999"]
  externel: ["198.51.100.53"]
`;
    expect(problemsOf(parseStructuredText(text, 'inv.yaml'))).toEqual([
      '$.domains: is required',
      '$.dns.externel: unknown key (not in the schema; check the spelling)',
      '$.dns.internal[0]: "10.1.1.53:99999" has port 99999, outside 1-65535',
    ]);
  });

  it('names the file and JSON path of nested errors, and unknown rules', () => {
    const problems = problemsOf({
      domains: ['example.com'],
      nodes: [{ fqdn: 'a.example.com', role: 'cucm-pub', ip: 'not-an-ip', tls: { tomcat: 'a.example.com:0' } }],
      certificates: [{ node: 'b.example.com', service: 'tomcat', file: 'x.pem' }],
      rules: { 'MRA-DNS-999': 'off' },
    });
    expect(problems.sort()).toEqual(
      [
        '$.nodes[0].role: unknown role "cucm-pub" (one of cucm-publisher, cucm-subscriber, imp-publisher, imp-subscriber, expressway-c, expressway-e)',
        '$.nodes[0].ip: has an invalid format (expected to match ^[0-9A-Fa-f.:]+$)',
        '$.nodes[0].tls.tomcat: "a.example.com:0" has port 0, outside 1-65535',
        '$.certificates[0].node: "b.example.com" is not a node of the inventory',
        '$.rules["MRA-DNS-999"]: unknown rule "MRA-DNS-999" (see `mra-preflight rules`)',
      ].sort(),
    );
    const semantic = problemsOf({
      domains: ['example.com'],
      nodes: [{ fqdn: 'a.example.com', role: 'cucm-publisher', ip: '1.2.3', tls: { tomcat: 'a.example.com:0' } }],
      certificates: [{ node: 'b.example.com', service: 'tomcat', file: 'x.pem' }],
      rules: { 'MRA-DNS-999': 'off', 'uds-srv-internal': 'warning' },
    });
    expect(semantic).toEqual([
      '$.nodes[0].ip: "1.2.3" is not an IPv4 or IPv6 address',
      '$.nodes[0].tls.tomcat: "a.example.com:0" has port 0, outside 1-65535',
      '$.certificates[0].node: "b.example.com" is not a node of the inventory',
      '$.rules["MRA-DNS-999"]: unknown rule "MRA-DNS-999" (see `mra-preflight rules`)',
    ]);
  });

  it('reports YAML syntax errors with their line and a missing file', () => {
    expect(() => parseStructuredText('domains: [a\n  b: {', 'bad.yaml')).toThrow(
      /bad\.yaml: \$: syntax error at line \d+/,
    );
    expect(() => loadInventory('/nonexistent/inv.yaml', known)).toThrow('/nonexistent/inv.yaml: $: file not found');
  });

  it('fills defaults and resolves relative paths against the inventory folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    const file = join(dir, 'inv.json');
    writeFileSync(
      file,
      JSON.stringify({
        domains: ['Example.COM.'],
        nodes: [{ fqdn: 'CUCM.example.com', role: 'cucm-publisher', ip: '10.0.0.1' }],
        cucm: { snapshot: 'exports/snap.json', axl: { url: 'https://cucm:8443/axl/', caFile: 'root.pem' } },
        policy: { maxNtpStratum: 2 },
      }),
    );
    const inventory = loadInventory(file, known);
    expect(inventory.domains).toEqual(['example.com']);
    expect(inventory.nodes[0]?.fqdn).toBe('cucm.example.com');
    expect(inventory.cucm.snapshot).toBe(join(dir, 'exports/snap.json'));
    expect(inventory.cucm.axl?.caFile).toBe(join(dir, 'root.pem'));
    expect(inventory.policy.maxNtpStratum).toBe(2);
    expect(inventory.policy.minVideoKbps).toBe(385);
    expect(inventory.clusters).toBe(1);
  });

  it('accepts its own init template', () => {
    const inventory = normalizeInventory(
      parseStructuredText(inventoryTemplate('schema.json'), 'template.yaml'),
      'template.yaml',
      known,
    );
    expect(inventory.nodes).toHaveLength(5);
    expect(inventory.cucm.mraDevicePools).toEqual(['MRA_DP']);
  });
});

describe('parseAddress', () => {
  it.each([
    ['10.1.1.53', 53, '10.1.1.53:53'],
    ['127.0.0.1:5353', 53, '127.0.0.1:5353'],
    ['[::1]:5353', 53, '[::1]:5353'],
    ['::1', 123, '[::1]:123'],
    ['ntp.example.com', 123, 'ntp.example.com:123'],
    ['[2001:db8::1]', 53, '[2001:db8::1]:53'],
  ])('%s', (text, port, formatted) => {
    expect(formatAddress(parseAddress(text, port))).toBe(formatted);
  });

  it('rejects ports out of range and empty hosts', () => {
    expect(() => parseAddress('host:70000', 53)).toThrow('port 70000');
    expect(() => parseAddress(':53', 53)).toThrow('no host');
    expect(() => parseAddress('host:abc', 53)).toThrow('invalid port');
  });
});
