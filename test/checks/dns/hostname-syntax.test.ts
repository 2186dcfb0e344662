import { describe, expect, it } from 'vitest';
import { hostnameProblems } from '../../../src/checks/dns/hostname-syntax.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { inventory, NODES } from './fixture.js';

const check = (nodes: object[]) => testCheck('MRA-DNS-007', { inventory: inventory({}, nodes), offline: true });

describe('MRA-DNS-007 hostname-syntax', () => {
  it('passes valid names, offline (needs no network)', async () => {
    const findings = await check(NODES);
    expect(findings.map((finding) => finding.status)).toEqual(NODES.map(() => 'pass'));
  });

  it('fails an Expressway-E host name with an underscore', async () => {
    const [finding] = await check([{ fqdn: 'exp_e.example.com', role: 'expressway-e' }]);
    expect(finding).toMatchObject({ status: 'fail', messageId: 'invalid', target: 'exp_e.example.com' });
    expect(finding?.message).toContain('host name "exp_e" has characters other than letters, digits and hyphens');
    expect(finding?.group).toEqual({ key: 'hostname:exp_e.example.com', label: 'host name of exp_e.example.com' });
  });

  it('fails CUCM and IM&P host names that start with a digit, but not an Expressway-C', async () => {
    const findings = await check([
      { fqdn: '1cucm.example.com', role: 'cucm-publisher' },
      { fqdn: '2imp.example.com', role: 'imp-publisher' },
      { fqdn: '3expc.example.com', role: 'expressway-c' },
    ]);
    expect(findingFor(findings, '1cucm.example.com').message).toContain('does not start with a letter');
    expect(findingFor(findings, '2imp.example.com').status).toBe('fail');
    expect(findingFor(findings, '3expc.example.com').status).toBe('pass');
  });

  it('fails labels that are too long, edged with hyphens, or a bare host name', async () => {
    const long = 'a'.repeat(64);
    const findings = await check([
      { fqdn: `cucm-${long}.example.com`, role: 'cucm-subscriber' },
      { fqdn: 'expc.-dmz.example.com', role: 'expressway-c' },
      { fqdn: 'expe-.example.com', role: 'expressway-e' },
      { fqdn: 'cucmpub', role: 'cucm-publisher' },
    ]);
    expect(findingFor(findings, `cucm-${long}.example.com`).message).toContain('is 69 characters, more than 63');
    expect(findingFor(findings, 'expc.-dmz.example.com').message).toContain(
      'label "-dmz" starts or ends with a hyphen',
    );
    expect(findingFor(findings, 'expe-.example.com').status).toBe('fail');
    expect(findingFor(findings, 'cucmpub').message).toContain('not a fully qualified domain name');
  });

  it('accepts 253 characters and refuses 254', async () => {
    const fqdn = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(fqdn).toHaveLength(253);
    const [finding] = await check([{ fqdn, role: 'cucm-publisher' }]);
    expect(finding?.status).toBe('pass');
    // The inventory schema caps names at 253 as well, so the longer one is checked directly.
    expect(hostnameProblems({ fqdn: `${fqdn}e`, role: 'cucm-publisher' })).toEqual([
      'the name is 254 characters, more than 253',
    ]);
  });

  it('is skipped when the inventory has no nodes', async () => {
    const [finding] = await check([]);
    expect(finding).toMatchObject({ status: 'skipped', target: 'deployment' });
  });
});

describe('MRA-DNS-007 hostname-syntax in detail', () => {
  it('passes a two-label name, stating role, host name and labels', async () => {
    const findings = await check([
      { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
      { fqdn: 'expc.example', role: 'expressway-c' },
    ]);
    const pub = findingFor(findings, 'cucm-pub.example.com');
    expect(pub).toMatchObject({ status: 'pass', messageId: 'valid' });
    expect(pub.message).toBe('cucm-pub.example.com (cucm-publisher) is a valid host name for its role.');
    expect(pub.evidence).toEqual({
      fqdn: 'cucm-pub.example.com',
      role: 'cucm-publisher',
      hostname: 'cucm-pub',
      labels: ['cucm-pub', 'example', 'com'],
    });
    expect(findingFor(findings, 'expc.example')).toMatchObject({ status: 'pass', messageId: 'valid' });
  });

  it('accepts a name written with the root dot', () => {
    expect(hostnameProblems({ fqdn: 'cucm-pub.example.com.', role: 'cucm-publisher' })).toEqual([]);
  });

  it('lists every problem of a name in the message', async () => {
    const [finding] = await check([{ fqdn: '1cucm_x.example.com', role: 'cucm-publisher' }]);
    expect(finding?.message).toBe(
      '1cucm_x.example.com (cucm-publisher) is not a valid host name: host name "1cucm_x" has characters other than letters, digits and hyphens; host name "1cucm_x" does not start with a letter.',
    );
  });

  it('names an empty label once, as two dots in a row', () => {
    expect(hostnameProblems({ fqdn: 'expc..example.com', role: 'expressway-c' })).toEqual([
      'it has an empty label (two dots in a row)',
    ]);
  });
});
