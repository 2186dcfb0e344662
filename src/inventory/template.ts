/**
 * What `mra-preflight init` writes: every key, each with a comment. It validates as it is.
 * `schemaRef` points editors (yaml-language-server) at the inventory schema: by default the copy `init`
 * writes next to the inventory, so the reference survives the inventory being committed and moved.
 */
export const inventoryTemplate = (schemaRef: string): string => `# yaml-language-server: $schema=${schemaRef}
# mra-preflight inventory: one MRA deployment. Relative paths resolve against this file's folder.
# Secrets are never written here: name the environment variables that hold them.

# Enterprise / UC domains: _cisco-uds, _cuplogin and _collab-edge SRV records are checked for each.
domains: [example.com]

dns:
  # Resolvers inside the network (they must answer _cisco-uds._tcp and the nodes' A/PTR records).
  # host, host:port, IPv4:port or [IPv6]:port; the default port is 53.
  internal: ["10.1.1.53"]
  # Resolvers that see the public view (_cisco-uds/_cuplogin must NOT resolve there, _collab-edge must).
  external: ["198.51.100.53"]
  # Per-query timeout in ms for DNS (overrides --timeout).
  timeoutMs: 2000

ntp:
  # NTP servers of the deployment (the same ones CUCM and the phones' date/time group use).
  servers: ["10.1.1.123"]

# Every node MRA uses. role: cucm-publisher, cucm-subscriber, imp-publisher, imp-subscriber,
# expressway-c, expressway-e. tls maps a service to the host:port that serves its certificate.
nodes:
  - fqdn: cucm-pub.example.com        # node FQDN (forward and reverse DNS are checked)
    ip: 10.1.1.10                     # its address
    role: cucm-publisher
    tls:
      tomcat: "cucm-pub.example.com:8443"       # AXL / UDS certificate
      callmanager: "cucm-pub.example.com:5061"  # SIP TLS (CallManager) certificate
  - fqdn: cucm-sub1.example.com
    ip: 10.1.1.11
    role: cucm-subscriber
  - fqdn: imp-pub.example.com
    ip: 10.1.1.20
    role: imp-publisher
    tls:
      tomcat: "imp-pub.example.com:8443"
      xmpp: "imp-pub.example.com:5222"          # XMPP STARTTLS, as Jabber does
  - fqdn: expc.example.com
    ip: 10.1.1.30
    role: expressway-c
    version: X14.3.1                  # used when there is no status block
    tls:
      server: "expc.example.com:443"
  - fqdn: expe.example.com
    ip: 203.0.113.30
    role: expressway-e
    tls:
      server: "expe.example.com:8443"
    status:                           # Expressway status.xml; wins over version
      url: "https://expe.example.com/status.xml"
      usernameEnv: EXP_USER           # environment variable with the user name
      passwordEnv: EXP_PASS           # environment variable with the password
      caFile: certs/root.pem          # PEM CA certificates trusted besides the system roots
      # insecure: true                # turns certificate verification off (reported as a warning)

# Offline certificate files (PEM or DER; leaf first, then its chain), per node and service.
certificates: []
#  - { node: cucm-pub.example.com, service: tomcat, file: certs/cucm-pub-tomcat.pem }

# What each system trusts: a PEM file or a folder of PEM files per node and store
# (tomcat-trust, callmanager-trust, cup-xmpp-trust on CUCM/IM&P; trusted-ca on Expressway).
trust: []
#  - { node: cucm-pub.example.com, store: tomcat-trust, path: certs/cucm-tomcat-trust/ }
#  - { node: expc.example.com, store: trusted-ca, path: certs/expc-trust.pem }

cucm:
  # Live AXL on the publisher (Cisco AXL Web Service must be activated there).
  axl:
    url: "https://cucm-pub.example.com:8443/axl/"
    version: "15.0"                   # AXL schema version: SOAPAction CUCM:DB ver=15.0
    usernameEnv: AXL_USER
    passwordEnv: AXL_PASS
    caFile: certs/root.pem
  # Offline alternatives: a snapshot written by \`mra-preflight collect\`, or a BAT phone export.
  # snapshot: exports/cucm-snapshot.json
  # batPhones: exports/phones.csv
  # Device pools whose phones are MRA endpoints.
  mraDevicePools: [MRA_DP]

# The outside view (check --vantage external): what MRA clients trust and the TURN servers they use.
# edge:
#   clientTrust: [certs/public-roots.pem]   # roots MRA clients trust (default: Node's root store)
#   turn:                                   # default: the TURN servers of the CUCM ICE configuration
#     - server: "expe.example.com:3478"     # default port 3478
#       transports: [udp, tcp]              # udp, tcp, tls (default udp and tcp)
#       usernameEnv: TURN_USER              # with passwordEnv: an Allocate is made and released
#       passwordEnv: TURN_PASS
#     - { server: "expe.example.com:5349", transports: [tls] }
#   discovery:                              # a test MRA user for Jabber's edge discovery (MRA-EDGE-003)
#     usernameEnv: MRA_TEST_USER
#     passwordEnv: MRA_TEST_PASS

# Number of CUCM clusters; more than one requires ILS.
clusters: 1

# Thresholds (these are the defaults).
policy:
  minExpresswayVersion: X8.10         # minimum for the Jabber MRA access policy
  minVideoKbps: 385                   # 384 kbps is the CUCM default and too low for video
  certExpiryWarnDays: 30
  maxNtpStratum: 3
  maxClockOffsetMs: 1000
  maxSelfProvisionLimit: 20
  tftpEncryptionExcludedModels: ["Cisco DX*", "Cisco 78*", "Cisco 8811", "Cisco 8841",
                                 "Cisco 8845", "Cisco 8861", "Cisco 8865"]

# Per-rule override by id or slug: off, info, warning or error.
rules: {}
#  MRA-CUCM-008: off
`;
