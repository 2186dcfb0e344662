import type { CucmSnapshot } from '../src/cucm/snapshot.js';
import { LAB_ENCRYPTED_PROFILES } from './topology.js';

const [CSF_PROFILE, IP8845_PROFILE, TCT_PROFILE] = LAB_ENCRYPTED_PROFILES as [string, string, string];

/** The Authenticated/TCP profile with a non-FQDN name that a lab 7841 in the MRA pool uses. */
const IP7841_AUTH_PROFILE = 'Cisco 7841 - Standard SIP Authenticated Profile';
const JABBER_POLICY = 'IM & Presence, Voice and Video calls';

/**
 * The demo lab's CUCM cluster, served over AXL by the lab publisher. A plausible small site: an
 * MRA device pool for Jabber and remote desk phones, an HQ pool for desk phones that never leave
 * the building. Deliberate MRA faults, one per rule of the issue's acceptance list:
 *  - MRA_DP's date/time group has no phone NTP reference (MRA-NTP-004);
 *  - the MRA region allows only 384 kbps video to HQ (MRA-CUCM-008);
 *  - the 8845's Encrypted profile has TFTP Encrypted Config checked (MRA-CUCM-005);
 *  - a 7841 sits on an Authenticated/TCP profile with a non-FQDN name (MRA-CUCM-002/003/004/006);
 *  - the Jabber users' profile has mobile client policy "No Service" (MRA-CUCM-010) and a
 *    self-provisioning limit of 25 (MRA-CUCM-011);
 *  - the cluster is non-secure (no mixed mode) with SIP OAuth enabled: the Jabber profiles have
 *    OAuth on and can register encrypted, the 8845's Encrypted profile cannot (MRA-CUCM-013).
 * The HQ pool's phones use non-secure profiles and a "No Service" user profile; they are not MRA
 * endpoints and no rule may report them.
 */
export const LAB_CLUSTER: CucmSnapshot = {
  version: '15.0.1.11900(31)',
  services: [
    { node: 'cucm-pub.example.com', name: 'Cisco AXL Web Service', activated: true },
    { node: 'cucm-pub.example.com', name: 'Cisco CallManager', activated: true },
    { node: 'cucm-pub.example.com', name: 'Cisco TFTP', activated: true },
    { node: 'cucm-pub.example.com', name: 'Cisco UDS Service', activated: true },
    { node: 'cucm-sub1.example.com', name: 'Cisco CallManager', activated: true },
    { node: 'cucm-sub1.example.com', name: 'Cisco TFTP', activated: true },
  ],
  phones: [
    {
      name: 'CSFJDOE',
      model: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: CSF_PROFILE,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'jdoe',
    },
    {
      name: 'TCTJDOE',
      model: 'Cisco Dual Mode for iPhone',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: TCT_PROFILE,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'jdoe',
    },
    {
      name: 'CSFASMITH',
      model: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: CSF_PROFILE,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'asmith',
    },
    {
      name: 'TCTASMITH',
      model: 'Cisco Dual Mode for iPhone',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: TCT_PROFILE,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'asmith',
    },
    {
      name: 'SEP00AA11BB22CC',
      model: 'Cisco 8845',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: IP8845_PROFILE,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner: 'asmith',
    },
    {
      name: 'SEP00AA11BB22DD',
      model: 'Cisco 7841',
      protocol: 'SIP',
      devicePool: 'MRA_DP',
      securityProfile: IP7841_AUTH_PROFILE,
      commonPhoneProfile: 'Standard Common Phone Profile',
      owner: 'mlee',
    },
    {
      name: 'SEP0011223344AA',
      model: 'Cisco 7841',
      protocol: 'SIP',
      devicePool: 'HQ_DP',
      securityProfile: 'Cisco 7841 - Standard SIP Non-Secure Profile',
      commonPhoneProfile: 'Standard Common Phone Profile',
      owner: 'bdesk',
    },
    {
      name: 'SEP0011223344BB',
      model: 'Cisco 8851',
      protocol: 'SIP',
      devicePool: 'HQ_DP',
      securityProfile: 'Cisco 8851 - Standard SIP Non-Secure Profile',
      commonPhoneProfile: 'Standard Common Phone Profile',
      owner: 'clobby',
    },
    {
      name: 'SEP0011223344CC',
      model: 'Cisco 8845',
      protocol: 'SIP',
      devicePool: 'HQ_DP',
      securityProfile: 'Cisco 8845 - Standard SIP Non-Secure Profile',
      commonPhoneProfile: 'Standard Common Phone Profile',
    },
  ],
  securityProfiles: [
    {
      name: CSF_PROFILE,
      phoneType: 'Cisco Unified Client Services Framework',
      protocol: 'SIP',
      deviceSecurityMode: 'Encrypted',
      transportType: 'TLS',
      tftpEncryptedConfig: false,
      enableOAuthAuthentication: true,
    },
    {
      name: TCT_PROFILE,
      phoneType: 'Cisco Dual Mode for iPhone',
      protocol: 'SIP',
      deviceSecurityMode: 'Encrypted',
      transportType: 'TLS',
      tftpEncryptedConfig: false,
      enableOAuthAuthentication: true,
    },
    {
      name: IP8845_PROFILE,
      phoneType: 'Cisco 8845',
      protocol: 'SIP',
      deviceSecurityMode: 'Encrypted',
      transportType: 'TLS',
      tftpEncryptedConfig: true,
      enableOAuthAuthentication: false,
    },
    {
      name: IP7841_AUTH_PROFILE,
      phoneType: 'Cisco 7841',
      protocol: 'SIP',
      deviceSecurityMode: 'Authenticated',
      transportType: 'TCP',
      tftpEncryptedConfig: false,
      enableOAuthAuthentication: false,
    },
    {
      name: 'Cisco 7841 - Standard SIP Non-Secure Profile',
      phoneType: 'Cisco 7841',
      protocol: 'SIP',
      deviceSecurityMode: 'Non Secure',
      transportType: 'TCP+UDP',
      tftpEncryptedConfig: false,
      enableOAuthAuthentication: false,
    },
    {
      name: 'Cisco 8851 - Standard SIP Non-Secure Profile',
      phoneType: 'Cisco 8851',
      protocol: 'SIP',
      deviceSecurityMode: 'Non Secure',
      transportType: 'TCP+UDP',
      tftpEncryptedConfig: false,
      enableOAuthAuthentication: false,
    },
    {
      name: 'Cisco 8845 - Standard SIP Non-Secure Profile',
      phoneType: 'Cisco 8845',
      protocol: 'SIP',
      deviceSecurityMode: 'Non Secure',
      transportType: 'TCP+UDP',
      tftpEncryptedConfig: true,
      enableOAuthAuthentication: false,
    },
  ],
  devicePools: [
    { name: 'MRA_DP', dateTimeGroup: 'CMLocal-MRA', region: 'MRA_Region' },
    { name: 'HQ_DP', dateTimeGroup: 'CMLocal', region: 'HQ_Region' },
    { name: 'Default', dateTimeGroup: 'CMLocal', region: 'Default' },
  ],
  dateTimeGroups: [
    { name: 'CMLocal-MRA', phoneNtpReferences: [] },
    { name: 'CMLocal', phoneNtpReferences: ['10.1.1.123'] },
  ],
  regions: [
    {
      name: 'MRA_Region',
      relations: [
        { region: 'MRA_Region', videoKbps: 6000 },
        { region: 'HQ_Region', videoKbps: 384 },
        { region: 'Default', videoKbps: 1500 },
      ],
    },
    {
      name: 'HQ_Region',
      relations: [
        { region: 'HQ_Region', videoKbps: 384 },
        { region: 'MRA_Region', videoKbps: 384 },
      ],
    },
    { name: 'Default', relations: [{ region: 'Default', videoKbps: 384 }] },
  ],
  commonPhoneProfiles: [
    { name: 'Standard Common Phone Profile' },
    {
      name: 'MRA Common Phone Profile',
      ice: {
        enabled: true,
        defaultCandidateType: 'Host',
        serverReflexiveAddress: true,
        primaryTurnServer: 'expe.example.com',
        turnTransportType: 'Auto',
        turnUsername: 'turn-mra',
        turnPasswordSet: true,
      },
    },
  ],
  userProfiles: [
    {
      name: 'MRA Jabber Users',
      enableMra: true,
      mraPolicyDesktop: JABBER_POLICY,
      mraPolicyMobile: 'No Service',
      allowProvision: true,
      limitProvision: 25,
    },
    {
      name: 'Standard (Factory Default) User Profile',
      enableMra: false,
      mraPolicyDesktop: 'No Service',
      mraPolicyMobile: 'No Service',
      allowProvision: false,
    },
  ],
  users: [
    { userid: 'jdoe', userProfile: 'MRA Jabber Users', jabber: true },
    { userid: 'asmith', userProfile: 'MRA Jabber Users', jabber: true },
    { userid: 'mlee', userProfile: 'Standard (Factory Default) User Profile', jabber: false },
    { userid: 'bdesk', userProfile: 'Standard (Factory Default) User Profile', jabber: false },
    { userid: 'clobby', userProfile: 'Standard (Factory Default) User Profile', jabber: false },
  ],
  ils: { configured: false },
  clusterSecurity: { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' },
};
