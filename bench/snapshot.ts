import type { CucmSnapshot, Phone, SecurityProfile } from '../src/cucm/snapshot.js';

/**
 * A large, realistic cluster for the offline-lint benchmark: `phones` devices across MRA and
 * non-MRA pools, Jabber (CSF/TCT/BOT) and desk phones; one MRA endpoint in `nonCompliantEvery`
 * on a non-compliant profile so MRA-CUCM-006 has real failures to report (1: all of them).
 */
export function generateSnapshot(phones: number, nonCompliantEvery = 50): CucmSnapshot {
  const models = [
    'Cisco Unified Client Services Framework',
    'Cisco Dual Mode for iPhone',
    'Cisco Dual Mode for Android',
    'Cisco 8845',
    'Cisco 8865',
    'Cisco 7841',
    'Cisco 8851',
    'Cisco DX80',
  ];
  const prefixes = ['CSF', 'TCT', 'BOT', 'SEP', 'SEP', 'SEP', 'SEP', 'SEP'];
  const securityProfiles: SecurityProfile[] = models.flatMap((model, i) => [
    {
      name: `${prefixes[i]!.toLowerCase()}${i}-mra.example.com`,
      phoneType: model,
      protocol: 'SIP',
      deviceSecurityMode: 'Encrypted',
      transportType: 'TLS',
      tftpEncryptedConfig: false,
    },
    {
      name: `${model} - Standard SIP Non-Secure Profile`,
      phoneType: model,
      protocol: 'SIP',
      deviceSecurityMode: 'Non Secure',
      transportType: 'TCP+UDP',
      tftpEncryptedConfig: false,
    },
  ]);
  const pools = ['MRA_DP', 'MRA_DP2', 'HQ_DP', 'BRANCH_DP'];
  const list: Phone[] = [];
  for (let i = 0; i < phones; i++) {
    const kind = i % models.length;
    const pool = pools[i % pools.length]!;
    const mra = pool.startsWith('MRA');
    const compliant = !mra || i % nonCompliantEvery !== 0;
    const user = `user${Math.floor(i / 2)}`;
    const prefix = prefixes[kind]!;
    const name =
      prefix === 'SEP'
        ? `SEP${i.toString(16).toUpperCase().padStart(12, '0')}`
        : `${prefix}${user.toUpperCase()}`.slice(0, 15) + (i % 2);
    list.push({
      name,
      model: models[kind]!,
      protocol: 'SIP',
      devicePool: pool,
      securityProfile: securityProfiles[kind * 2 + (compliant ? 0 : 1)]!.name,
      commonPhoneProfile: 'Standard Common Phone Profile',
      owner: user,
    });
  }
  // Device names must be unique: disambiguate the Jabber ones by index.
  const seen = new Set<string>();
  for (const [i, phone] of list.entries()) {
    if (seen.has(phone.name)) phone.name = `${phone.name.slice(0, 8)}${i}`;
    seen.add(phone.name);
  }
  const users = Array.from({ length: Math.ceil(phones / 2) }, (_, i) => ({
    userid: `user${i}`,
    userProfile: i % 10 === 0 ? 'No MRA Profile' : 'MRA User Profile',
    jabber: true,
  }));
  return {
    version: '15.0.1.11900(31)',
    source: 'bench generator',
    collectedAt: new Date().toISOString(),
    services: [{ node: 'cucm-pub.example.com', name: 'Cisco AXL Web Service', activated: true }],
    phones: list,
    securityProfiles,
    devicePools: pools.map((name) => ({
      name,
      dateTimeGroup: 'CMLocal',
      region: name.startsWith('MRA') ? 'MRA_Region' : 'Default',
    })),
    dateTimeGroups: [{ name: 'CMLocal', phoneNtpReferences: ['10.1.1.123'] }],
    regions: [
      { name: 'MRA_Region', relations: [{ region: 'Default', videoKbps: 384 }] },
      { name: 'Default', relations: [] },
    ],
    commonPhoneProfiles: [
      {
        name: 'Standard Common Phone Profile',
        ice: {
          enabled: true,
          defaultCandidateType: 'Host',
          serverReflexiveAddress: true,
          primaryTurnServer: 'turn.example.com',
          turnTransportType: 'Auto',
          turnUsername: 'turnuser',
          turnPasswordSet: true,
        },
      },
    ],
    userProfiles: [
      {
        name: 'MRA User Profile',
        enableMra: true,
        mraPolicyDesktop: 'IM & Presence, Voice and Video calls',
        mraPolicyMobile: 'IM & Presence, Voice and Video calls',
        allowProvision: true,
        limitProvision: 10,
      },
      {
        name: 'No MRA Profile',
        enableMra: false,
        mraPolicyDesktop: 'No Service',
        mraPolicyMobile: 'No Service',
        allowProvision: false,
      },
    ],
    users,
    ils: { configured: false },
    clusterSecurity: { clusterSecurityMode: 'mixed', sipOAuthMode: 'disabled' },
  };
}
