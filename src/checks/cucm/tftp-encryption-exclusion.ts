import { modelMatcher } from '../../cucm/mra-scope.js';
import { defineRule, isNotInScope, notInScope, type CheckFinding } from '../rule.js';
import {
  MRA_ENDPOINTS_SCOPE,
  mraProfileGroups,
  profileEvidence,
  profileGroupOf,
  profileTarget,
} from './snapshot-access.js';

const messages = {
  tftpUnchecked: 'Phone security profile {profile} (used by {models}) has TFTP Encrypted Config unchecked.',
  tftpEncrypted:
    'Phone security profile {profile} has TFTP Encrypted Config checked but is used by {models}, on which MRA does not work with encrypted TFTP configuration.',
  profileNotInSnapshot: 'Phone security profile {profile}, used by {models}, is not in the CUCM configuration read.',
};

/**
 * Seed: phone security profile step 8 — leave TFTP Encrypted Config unchecked for DX, 7800 and
 * 8811/8841/8845/8861/8865, since MRA does not work on them otherwise. Models come from
 * policy.tftpEncryptionExcludedModels (wildcards, case-insensitive).
 */
export default defineRule({
  meta: {
    id: 'MRA-CUCM-005',
    slug: 'tftp-encryption-exclusion',
    area: 'cucm',
    severity: 'error',
    title: 'Profiles used by DX, 7800 and 8811/8841/8845/8861/8865 MRA endpoints have TFTP Encrypted Config unchecked',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.securityProfiles'],
    scope: MRA_ENDPOINTS_SCOPE,
    fixGroup: profileGroupOf,
    messages,
  },
  async run(ctx) {
    const scope = await mraProfileGroups(ctx);
    if (isNotInScope(scope)) return scope;
    const patterns = ctx.policy.tftpEncryptionExcludedModels;
    const excluded = modelMatcher(patterns);
    const findings: CheckFinding<keyof typeof messages>[] = [];
    for (const { name, phones, profile } of scope.groups) {
      const affected = phones.filter((phone) => excluded(phone.model) !== undefined);
      if (affected.length === 0) continue;
      const models = [...new Set(affected.map((phone) => phone.model))].sort();
      const evidence = {
        ...profileEvidence(profile, affected),
        matchedPatterns: [...new Set(models.map((model) => excluded(model)))],
      };
      const args = {
        profile: name,
        models: `${affected.length} ${models.join('/')} MRA endpoint${affected.length === 1 ? '' : 's'}`,
      };
      const target = profileTarget(name);
      if (!profile)
        findings.push({ target, status: 'inconclusive', messageId: 'profileNotInSnapshot', args, evidence });
      else if (profile.tftpEncryptedConfig)
        findings.push({ target, status: 'fail', messageId: 'tftpEncrypted', args, evidence });
      else findings.push({ target, status: 'pass', messageId: 'tftpUnchecked', args, evidence });
    }
    if (findings.length > 0) return findings;
    return notInScope(`no MRA endpoint is a model that needs TFTP Encrypted Config unchecked (${patterns.join(', ')})`);
  },
});
