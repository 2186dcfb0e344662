import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { importBatPhones, mergeBatPhones, parseBatBoolean } from '../../src/cucm/bat.js';
import { InputError } from '../../src/inventory/problems.js';
import { findingFor, testCheck } from '../helpers/check.js';
import { CUCM_FIXTURES, fakeCucm, readFixture } from '../checks/cucm/cucm-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mra-bat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = join(CUCM_FIXTURES, 'bat-phones.csv');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): string[] {
  try {
    importBatPhones(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('importBatPhones', () => {
  it('reads the All Details sample: BOM, CRLF, capital headers, quoted fields with commas and quotes, t/f/TRUE/false', () => {
    const phones = importBatPhones(sample);
    expect(phones).toHaveLength(6);
    expect(phones[0]).toEqual({
      name: 'CSFJDOE',
      model: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: 'csf-mra.example.com',
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'jdoe',
      enableExtensionMobility: false,
    });
    expect(phones.map((p) => p.enableExtensionMobility)).toEqual([false, false, false, true, false, true]);
    expect(phones[4]!.owner).toBeUndefined();
    expect(phones[5]!.securityProfile).toBe('Cisco 7841 - Standard SIP Non-Secure Profile');
  });

  it('matches headers case-insensitively and accepts the Product alias, LF line ends and no BOM', () => {
    const file = write(
      'mixed.csv',
      'device name,Product,Device pool,device SECURITY profile,Device Protocol\nSEP1,Cisco 8845,MRA_DP,x.example.com,SIP\n',
    );
    expect(importBatPhones(file)).toEqual([
      { name: 'SEP1', model: 'Cisco 8845', protocol: 'SIP', devicePool: 'MRA_DP', securityProfile: 'x.example.com' },
    ]);
  });

  it('names file, line, row and column of bad rows', () => {
    const file = write(
      'bad.csv',
      'DEVICE NAME,DEVICE TYPE,DEVICE POOL,DEVICE SECURITY PROFILE,EXTENSION MOBILITY\r\n' +
        'SEP1,Cisco 8845,MRA_DP,p.example.com,yes\r\n' +
        'SEP2,Cisco 8845,,p.example.com,t\r\n' +
        'SEP3,Cisco 8845\r\n' +
        'sep1,Cisco 8845,MRA_DP,p.example.com,f\r\n' +
        'SEP4,Cisco 8845,MRA_DP,p.example.com,t\r\n',
    );
    try {
      importBatPhones(file);
      throw new Error('expected an InputError');
    } catch (error) {
      expect((error as Error).message).toContain(
        `${file}: line 2 (row 1), column "EXTENSION MOBILITY": must be t, f, true or false (got "yes")`,
      );
    }
    expect(problemsOf(file)).toEqual([
      'line 2 (row 1), column "EXTENSION MOBILITY": must be t, f, true or false (got "yes")',
      'line 3 (row 2), column "DEVICE POOL": is empty',
      'line 4 (row 3): has 2 columns, the header has 5',
    ]);
  });

  it('reports duplicate device names, a missing key column, an unclosed quote and an empty file', () => {
    const dup = write(
      'dup.csv',
      'Device Name,Device Type,Device Pool,Device Security Profile\nSEP1,Cisco 8845,MRA_DP,p\nsep1,Cisco 8845,MRA_DP,p\n',
    );
    expect(problemsOf(dup)).toEqual([
      'line 3 (row 2), column "Device Name": duplicate device name "sep1" (also on line 2)',
    ]);
    const noPool = write('nopool.csv', 'Device Name,Device Type,Device Security Profile\nSEP1,Cisco 8845,p\n');
    expect(problemsOf(noPool)[0]).toBe(
      'line 1 (header): has no "DEVICE POOL" column; is this a BAT "All Details" phone export?',
    );
    const quote = write(
      'quote.csv',
      'Device Name,Device Type,Device Pool,Device Security Profile\nSEP1,"Cisco 8845,MRA_DP,p\n',
    );
    expect(problemsOf(quote)[0]).toMatch(/^line \d+: not a valid CSV file: /);
    expect(problemsOf(write('empty.csv', ''))[0]).toMatch(/^line 1: is empty/);
  });

  it('reads back any field values a spreadsheet can quote (commas, quotes, line breaks, spaces)', () => {
    const value = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((text) => text.trim() !== '' && !text.includes('\r'));
    const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value, value), { minLength: 1, maxLength: 8 }), (rows) => {
        const named = rows.map(([model, pool, profile, owner], i) => ({
          name: `SEP${i}`,
          model,
          pool,
          profile,
          owner,
        }));
        const text =
          '\uFEFFDevice Name,Device Type,Device Pool,Device Security Profile,Owner User ID\r\n' +
          named.map((row) => [row.name, row.model, row.pool, row.profile, row.owner].map(quote).join(',')).join('\r\n');
        const file = write(`prop-${n++}.csv`, text);
        const phones = importBatPhones(file);
        expect(phones.map((p) => [p.model, p.devicePool, p.securityProfile, p.owner])).toEqual(
          named.map((row) => [row.model.trim(), row.pool.trim(), row.profile.trim(), row.owner.trim()]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('parses BAT booleans', () => {
    expect(['t', 'F', 'true', 'FALSE', '', 'x'].map(parseBatBoolean)).toEqual([
      true,
      false,
      true,
      false,
      undefined,
      'invalid',
    ]);
  });
});

describe('mergeBatPhones', () => {
  it('without a snapshot marks every other section absent, so only name-based rules judge', async () => {
    const snapshot = mergeBatPhones(undefined, importBatPhones(sample));
    expect(snapshot.absentSections).toContain('securityProfiles');
    const inventory = { domains: ['example.com'], cucm: { batPhones: sample, mraDevicePools: ['MRA_DP'] } };
    const fqdn = await testCheck('MRA-CUCM-004', { inventory, services: fakeCucm(snapshot, `bat ${sample}`) });
    expect(fqdn.map((f) => f.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    const encrypted = await testCheck('MRA-CUCM-002', { inventory, services: fakeCucm(snapshot, `bat ${sample}`) });
    expect(encrypted).toMatchObject([{ status: 'skipped', messageId: 'needUnavailable' }]);
  });

  it('with a snapshot takes the phone list from the export and keeps phone-level ICE', async () => {
    const base = readFixture('compliant');
    base.phones[0] = {
      ...base.phones[0]!,
      ice: { enabled: true, primaryTurnServer: 'turn.example.com', turnUsername: 'u', turnPasswordSet: true },
    };
    const phones = importBatPhones(sample).map((phone) =>
      phone.name === 'SEP00AA11BB22DD' ? { ...phone, securityProfile: 'Lobby Profile' } : phone,
    );
    const merged = mergeBatPhones(base, phones);
    expect(merged.absentSections).toBeUndefined();
    expect(merged.phones.find((p) => p.name === 'CSFJDOE')!.ice).toMatchObject({
      primaryTurnServer: 'turn.example.com',
    });
    const inventory = { domains: ['example.com'], cucm: { batPhones: sample, mraDevicePools: ['MRA_DP'] } };
    const findings = await testCheck('MRA-CUCM-006', { inventory, services: fakeCucm(merged) });
    expect(findingFor(findings, 'phone SEP00AA11BB22DD').status).toBe('fail');
  });
});

describe("a BAT export as the run's CUCM source (cucm.batPhones)", () => {
  it('feeds the rules through the real CUCM source, alone or merged with a snapshot', async () => {
    const alone = { domains: ['example.com'], cucm: { batPhones: sample, mraDevicePools: ['MRA_DP'] } };
    expect((await testCheck('MRA-CUCM-004', { inventory: alone, offline: true })).map((f) => f.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    const skipped = await testCheck('MRA-CUCM-005', { inventory: alone, offline: true });
    expect(skipped).toMatchObject([{ status: 'skipped', messageId: 'needUnavailable' }]);
    expect(skipped[0]!.message).toContain(`bat ${sample}`);
    const merged = {
      ...alone,
      cucm: { ...alone.cucm, snapshot: join(CUCM_FIXTURES, 'faults', 'cucm-005-tftp-encrypted.json') },
    };
    const findings = await testCheck('MRA-CUCM-005', { inventory: merged, offline: true });
    expect(findingFor(findings, 'security profile ip8845-mra.example.com').status).toBe('fail');
  });

  it('turns a bad row into an inconclusive finding that names the file, line and column', async () => {
    const bad = write(
      'bad-source.csv',
      'Device Name,Device Type,Device Pool,Device Security Profile\nSEP1,Cisco 8845,,p.example.com\n',
    );
    const findings = await testCheck('MRA-CUCM-004', {
      inventory: { domains: ['example.com'], cucm: { batPhones: bad, mraDevicePools: ['MRA_DP'] } },
      offline: true,
    });
    expect(findings).toMatchObject([{ status: 'inconclusive', messageId: 'needUnavailable' }]);
    expect(findings[0]!.message).toContain(`${bad}: line 2 (row 1), column "Device Pool": is empty`);
  });
});
