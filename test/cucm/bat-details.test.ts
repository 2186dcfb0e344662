import { describe, expect, it } from 'vitest';
import { mergeBatPhones, parseBatBoolean, parseBatPhones } from '../../src/cucm/bat.js';
import { modelMatcher } from '../../src/cucm/mra-scope.js';
import { emptySnapshot, SNAPSHOT_SECTIONS } from '../../src/cucm/snapshot.js';
import { InputError } from '../../src/inventory/problems.js';

const FILE = 'phones.csv';
const HEADER = 'Device Name,Device Type,Device Pool,Device Security Profile';

/** Every problem of a refused export as `<path>: <message>`. */
function problemsOf(text: string): string[] {
  try {
    parseBatPhones(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems;
    for (const problem of problems) expect(problem.file).toBe(FILE);
    return problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('parseBatPhones: details of the All Details export', () => {
  it('matches header cells with doubled inner spaces and any case; a BOM before a quoted header is not a cell', () => {
    const text = '\uFEFF"Device  Name",DEVICE\tTYPE, device pool ,Device Security Profile\nSEP1,Cisco 8845,DP,sp\n';
    expect(parseBatPhones(text, FILE)).toStrictEqual([
      { name: 'SEP1', model: 'Cisco 8845', protocol: '', devicePool: 'DP', securityProfile: 'sp' },
    ]);
  });

  it('skips blank lines; leaves out what an empty optional cell does not say', () => {
    const text =
      `${HEADER},Common Phone Profile,Owner User ID,Extension Mobility,Device Protocol\n\n` +
      'SEP1,Cisco 8845,DP,sp,,,,SIP\n\n' +
      'SEP2,Cisco 8845,DP,sp,CPP,jdoe,T ,SCCP\n';
    expect(parseBatPhones(text, FILE)).toStrictEqual([
      { name: 'SEP1', model: 'Cisco 8845', protocol: 'SIP', devicePool: 'DP', securityProfile: 'sp' },
      {
        name: 'SEP2',
        model: 'Cisco 8845',
        protocol: 'SCCP',
        devicePool: 'DP',
        securityProfile: 'sp',
        commonPhoneProfile: 'CPP',
        owner: 'jdoe',
        enableExtensionMobility: true,
      },
    ]);
    expect(parseBatBoolean(' F ')).toBe(false);
    expect(parseBatBoolean(' True')).toBe(true);
  });

  it('a bad row is not remembered: a later row of the same name is not a duplicate of it', () => {
    expect(problemsOf(`${HEADER}\nSEP1,Cisco 8845,,sp\nSEP1,Cisco 8845,DP,sp\n`)).toEqual([
      'line 2 (row 1), column "Device Pool": is empty',
    ]);
  });

  it('a header without the key columns is the one problem, naming each missing column', () => {
    expect(problemsOf('Device Name,Description\nSEP1,x\n')).toEqual([
      'line 1 (header): has no "DEVICE TYPE", "DEVICE POOL", "DEVICE SECURITY PROFILE" column; is this a BAT "All Details" phone export?',
    ]);
  });

  it('a file that is not CSV: the parser reason, without an "is empty" beside it', () => {
    const problems = problemsOf('"Device Name\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^line \d+: not a valid CSV file: Quote Not Closed: the parsing is finished with an opening quote at line 1$/,
    );
  });

  it('shows 50 problems in full and counts the rest on one line', () => {
    const rows = (count: number): string =>
      `${HEADER}\n${Array.from({ length: count }, (_, i) => `SEP${i},Cisco 8845,,sp\n`).join('')}`;
    const fifty = problemsOf(rows(50));
    expect(fifty).toHaveLength(50);
    expect(fifty[49]).toBe('line 51 (row 50), column "Device Pool": is empty');
    const more = problemsOf(rows(53));
    expect(more).toHaveLength(51);
    expect(more[49]).toBe('line 51 (row 50), column "Device Pool": is empty');
    expect(more[50]).toBe('$: 3 more problems not shown');
  });
});

describe('mergeBatPhones', () => {
  const phone = { name: 'SEP1', model: 'Cisco 8845', protocol: 'SIP', devicePool: 'DP', securityProfile: 'sp' };

  it('without a snapshot: a BAT snapshot with every other section absent', () => {
    expect(mergeBatPhones(undefined, [phone])).toStrictEqual(
      emptySnapshot({
        source: 'bat',
        phones: [phone],
        absentSections: SNAPSHOT_SECTIONS.filter((section) => section !== 'phones'),
      }),
    );
  });

  it('keeps phone ICE from the snapshot only where the export has none, and the phones section is no longer absent', () => {
    const ice = { enabled: true, turnPasswordSet: false };
    const snapshot = emptySnapshot({
      phones: [{ ...phone, name: 'sep1', ice }],
      absentSections: ['phones', 'ils'],
    });
    const other = { ...phone, name: 'SEP2' };
    const merged = mergeBatPhones(snapshot, [phone, other]);
    expect(merged.phones).toStrictEqual([{ ...phone, ice }, other]);
    expect(merged.absentSections).toEqual(['ils']);
    expect(mergeBatPhones(emptySnapshot(), [phone])).toStrictEqual(emptySnapshot({ phones: [phone] }));
  });
});

describe('emptySnapshot and modelMatcher', () => {
  it('an empty snapshot has every section empty and an unknown version', () => {
    expect(emptySnapshot()).toStrictEqual({
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
    });
  });

  it('a model pattern matches from the start of the model name', () => {
    const match = modelMatcher(['Cisco 78*']);
    expect(match('Cisco  7841')).toBe('Cisco 78*');
    expect(match('Acme Cisco 7841')).toBeUndefined();
  });
});
