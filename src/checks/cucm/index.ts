import type { Check } from '../../engine/types.js';
import axlServiceActive from './axl-service-active.js';
import secprofileEncrypted from './secprofile-encrypted.js';
import secprofileTls from './secprofile-tls.js';
import secprofileNameFqdn from './secprofile-name-fqdn.js';
import tftpEncryptionExclusion from './tftp-encryption-exclusion.js';
import profileApplied from './profile-applied.js';
import mraDevicePool from './mra-device-pool.js';
import videoBitrate from './video-bitrate.js';
import iceConfig from './ice-config.js';
import userProfileMra from './user-profile-mra.js';
import selfProvisionLimit from './self-provision-limit.js';
import ilsMulticluster from './ils-multicluster.js';

/** The cucm area's checks, one module per rule. */
export const cucmChecks: Check[] = [
  axlServiceActive,
  secprofileEncrypted,
  secprofileTls,
  secprofileNameFqdn,
  tftpEncryptionExclusion,
  profileApplied,
  mraDevicePool,
  videoBitrate,
  iceConfig,
  userProfileMra,
  selfProvisionLimit,
  ilsMulticluster,
];
