/**
 * Facts from the public AXL 15.0 schema (AXLSoap.xsd of the AXL Toolkit; the AXL Schema Reference
 * at https://developer.cisco.com/docs/axl-schema-reference/): which elements each list and get
 * request of the lab server may name. Only element names are kept, the schema is not copied.
 * CUCM validates a request against this schema, so the lab refuses what a real cluster refuses: a
 * returnedTags element its type does not define, a searchCriteria element the request lacks.
 */

const names = (words: string): ReadonlySet<string> => new Set(words.split(' '));

export interface ListRequestSchema {
  /** The list type of returnedTags, e.g. LPhone. */
  type: string;
  returnedTags: ReadonlySet<string>;
  searchCriteria: ReadonlySet<string>;
}

/** list* requests: searchCriteria elements and the returnedTags type (L<entity>). */
export const LIST_REQUESTS: Readonly<Record<string, ListRequestSchema>> = {
  listPhone: {
    type: 'LPhone',
    returnedTags: names(
      'name description product model class protocol protocolSide callingSearchSpaceName devicePoolName ' +
        'commonDeviceConfigName commonPhoneConfigName networkLocation locationName mediaResourceListName ' +
        'networkHoldMohAudioSourceId userHoldMohAudioSourceId automatedAlternateRoutingCssName ' +
        'aarNeighborhoodName loadInformation traceFlag mlppIndicationStatus preemption useTrustedRelayPoint ' +
        'retryVideoCallAsAudio securityProfileName sipProfileName cgpnTransformationCssName ' +
        'useDevicePoolCgpnTransformCss geoLocationName geoLocationFilterName sendGeoLocation numberOfButtons ' +
        'phoneTemplateName primaryPhoneName ringSettingIdleBlfAudibleAlert ringSettingBusyBlfAudibleAlert ' +
        'userLocale networkLocale idleTimeout authenticationUrl directoryUrl idleUrl informationUrl messagesUrl ' +
        'proxyServerUrl servicesUrl softkeyTemplateName loginUserId defaultProfileName enableExtensionMobility ' +
        'currentProfileName loginTime loginDuration currentConfig singleButtonBarge joinAcrossLines ' +
        'builtInBridgeStatus callInfoPrivacyStatus hlogStatus ownerUserName ignorePresentationIndicators ' +
        'packetCaptureMode packetCaptureDuration subscribeCallingSearchSpaceName rerouteCallingSearchSpaceName ' +
        'allowCtiControlFlag presenceGroupName unattendedPort requireDtmfReception rfc2833Disabled ' +
        'certificateOperation authenticationMode keySize keyOrder ecKeySize authenticationString ' +
        'certificateStatus upgradeFinishTime deviceMobilityMode roamingDevicePoolName remoteDevice dndOption ' +
        'dndRingSetting dndStatus isActive isDualMode mobilityUserIdName phoneSuite phoneServiceDisplay ' +
        'isProtected mtpRequired mtpPreferedCodec dialRulesName sshUserId digestUser outboundCallRollover ' +
        'hotlineDevice secureInformationUrl secureDirectoryUrl secureMessageUrl secureServicesUrl ' +
        'secureAuthenticationUrl secureIdleUrl alwaysUsePrimeLine alwaysUsePrimeLineForVoiceMessage ' +
        'featureControlPolicy deviceTrustMode earlyOfferSupportForVoiceCall requireThirdPartyRegistration ' +
        'blockIncomingCallsWhenRoaming homeNetworkId AllowPresentationSharingUsingBfcp confidentialAccess ' +
        'requireOffPremiseLocation allowiXApplicableMedia enableCallRoutingToRdWhenNoneIsActive ' +
        'enableActivationID mraServiceDomain allowMraMode',
    ),
    searchCriteria: names('name description protocol callingSearchSpaceName devicePoolName securityProfileName'),
  },
  listUser: {
    type: 'LUser',
    returnedTags: names(
      'firstName middleName lastName emMaxLoginTime userid mailid department manager userLocale ' +
        'primaryExtension associatedPc enableCti subscribeCallingSearchSpaceName enableMobility ' +
        'enableMobileVoiceAccess maxDeskPickupWaitTime remoteDestinationLimit status enableEmcc patternPrecedence ' +
        'numericUserId mlppPassword homeCluster imAndPresenceEnable serviceProfile directoryUri telephoneNumber ' +
        'title mobileNumber homeNumber pagerNumber calendarPresence userIdentity customerName',
    ),
    searchCriteria: names('firstName lastName userid department customerName'),
  },
  listRegion: {
    type: 'LRegion',
    returnedTags: names('name defaultCodec'),
    searchCriteria: names('name'),
  },
  listDevicePool: {
    type: 'LDevicePool',
    returnedTags: names(
      'name autoSearchSpaceName dateTimeSettingName callManagerGroupName mediaResourceListName regionName ' +
        'networkLocale srstName connectionMonitorDuration automatedAlternateRoutingCssName aarNeighborhoodName ' +
        'locationName mobilityCssName physicalLocationName deviceMobilityGroupName revertPriority ' +
        'singleButtonBarge joinAcrossLines cgpnTransformationCssName cdpnTransformationCssName ' +
        'localRouteGroupName geoLocationName geoLocationFilterName callingPartyNationalPrefix ' +
        'callingPartyInternationalPrefix callingPartyUnknownPrefix callingPartySubscriberPrefix ' +
        'adjunctCallingSearchSpace callingPartyNationalStripDigits callingPartyInternationalStripDigits ' +
        'callingPartyUnknownStripDigits callingPartySubscriberStripDigits ' +
        'callingPartyNationalTransformationCssName callingPartyInternationalTransformationCssName ' +
        'callingPartyUnknownTransformationCssName callingPartySubscriberTransformationCssName ' +
        'calledPartyNationalPrefix calledPartyInternationalPrefix calledPartyUnknownPrefix ' +
        'calledPartySubscriberPrefix calledPartyNationalStripDigits calledPartyInternationalStripDigits ' +
        'calledPartyUnknownStripDigits calledPartySubscriberStripDigits calledPartyNationalTransformationCssName ' +
        'calledPartyInternationalTransformationCssName calledPartyUnknownTransformationCssName ' +
        'calledPartySubscriberTransformationCssName imeEnrolledPatternGroupName localRouteGroup mraServiceDomain',
    ),
    searchCriteria: names('name callManagerGroupName regionName'),
  },
  listPhoneSecurityProfile: {
    type: 'LPhoneSecurityProfile',
    returnedTags: names(
      'phoneType protocol name description deviceSecurityMode authenticationMode keySize keyOrder ecKeySize ' +
        'tftpEncryptedConfig EnableOAuthAuthentication nonceValidityTime transportType sipPhonePort ' +
        'enableDigestAuthentication excludeDigestCredentials',
    ),
    searchCriteria: names('name description'),
  },
  listDateTimeGroup: {
    type: 'LDateTimeGroup',
    returnedTags: names('name timeZone dateformat'),
    searchCriteria: names('name timeZone'),
  },
  listCommonPhoneConfig: {
    type: 'LCommonPhoneConfig',
    returnedTags: names(
      'name description dndOption dndAlertingType backgroundImage phonePersonalization phoneServiceDisplay ' +
        'sshUserId alwaysUsePrimeLine alwaysUsePrimeLineForVoiceMessage vpnGroupName vpnProfileName ' +
        'featureControlPolicy',
    ),
    searchCriteria: names('name'),
  },
  listUserProfileProvision: {
    type: 'LUserProfileProvision',
    returnedTags: names(
      'name description allowProvision limitProvision allowPhoneReassign defaultUserProfile ' +
        'allowProvisionEMMaxLoginTime',
    ),
    searchCriteria: names('name description'),
  },
  listProcessNodeService: {
    type: 'LProcessNodeService',
    returnedTags: names('processNodeName service traceLevel userCategories enable numFiles maxFileSize isActive'),
    searchCriteria: names('processNodeName'),
  },
};

/** get* requests: the type of their (optional) returnedTags, R<entity> (getIlsConfig: NewIlsConfig). */
export const GET_RETURNED_TAGS: Readonly<Record<string, { type: string; returnedTags: ReadonlySet<string> }>> = {
  getDateTimeGroup: {
    type: 'RDateTimeGroup',
    returnedTags: names('name timeZone separator dateformat timeFormat phoneNtpReferences'),
  },
  getRegion: {
    type: 'RRegion',
    returnedTags: names('name relatedRegions defaultCodec'),
  },
  getCommonPhoneConfig: {
    type: 'RCommonPhoneConfig',
    returnedTags: names(
      'name description unlockPwd dndOption dndAlertingType backgroundImage phonePersonalization ' +
        'phoneServiceDisplay sshUserId sshPwd vendorConfig alwaysUsePrimeLine alwaysUsePrimeLineForVoiceMessage ' +
        'vpnGroupName vpnProfileName featureControlPolicy wifiHotspotProfile',
    ),
  },
  getUserProfileProvision: {
    type: 'RUserProfileProvision',
    returnedTags: names(
      'name description deskPhones mobileDevices profile universalLineTemplate allowProvision limitProvision ' +
        'allowPhoneReassign defaultUserProfile enableMra mraPolicy_Desktop mraPolicy_Mobile ' +
        'allowProvisionEMMaxLoginTime',
    ),
  },
  getIlsConfig: {
    type: 'NewIlsConfig',
    returnedTags: names('clusterId lastContactTime clusterUriString role lastDataRecieved syncronizationStatus'),
  },
};
