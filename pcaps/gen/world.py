"""The address plan shared by all scenarios.

Everything runs inside a private network namespace (`unshare --net`) whose loopback interface
carries every address below, so clients, DNS server, proxy and servers talk over `lo` with the
final, realistic addresses: no DNS payload ever needs rewriting. Post-processing (pcapio.py) then
adds Ethernet addresses, 802.1Q tags, router hop counts and a fixed capture date.

Vendor-side addresses: where vendor-endpoints.md gives a vendor-published or vendor-owned address
it is used (marked "published"); the rest are plausible public cloud addresses of the kind the
vendor runs on (AWS/GCP/Azure), chosen for these captures and NOT verified to belong to the
vendor. Ordinary sites use their real public addresses at the time of writing; decoys use
CDN-style or documentation addresses.
"""

import hashlib
import ipaddress

# ---------------------------------------------------------------------------------------------
# Internal networks (sites). Each has a router (gateway MAC), a resolver, optionally a VLAN tag.
# ---------------------------------------------------------------------------------------------


class Site:
    def __init__(self, name, nets, gw_mac, resolvers, vlan=None):
        self.name = name
        self.nets = [ipaddress.ip_network(n) for n in nets]
        self.gw_mac = gw_mac
        self.resolvers = resolvers
        self.vlan = vlan

    def contains(self, ip):
        a = ipaddress.ip_address(ip)
        return any(a in n for n in self.nets)


SITES = [
    Site("hq", ["10.20.0.0/16"], "00:1b:54:c2:0a:01", {"v4": "10.20.0.53"}),
    Site("branch", ["172.16.40.0/24", "fd4e:1a2b:3c4d:40::/64"], "70:10:5c:8e:41:01",
         {"v4": "172.16.40.53", "v6": "fd4e:1a2b:3c4d:40::53"}),
    Site("mgmt", ["192.168.120.0/24"], "00:1b:54:c2:78:01", {"v4": "192.168.120.53"}, vlan=120),
    Site("mail-dmz", ["172.16.44.0/24"], "70:10:5c:8e:2c:01", {"v4": "172.16.44.53"}, vlan=200),
    Site("ot", ["192.168.50.0/24"], "00:1b:54:c2:32:01", {"v4": "192.168.50.53"}, vlan=300),
]

# The explicit proxy's LAN address, and its upstream address (its upstream leg is not captured:
# the capture point is the access switch of the clients).
PROXY = "10.20.0.8"
PROXY_PORT = 3128
PROXY_EGRESS = "10.99.0.8"

# Everything internal (RFC 1918 + ULA).
INTERNAL_NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8")]


def is_internal(ip):
    a = ipaddress.ip_address(ip)
    return any(a in n for n in INTERNAL_NETS if n.version == a.version)


def site_of(ip):
    for s in SITES:
        if s.contains(ip):
            return s
    return None


_HOST_OUIS = ["f4:8e:38", "3c:52:82", "8c:16:45", "a4:83:e7", "b0:7b:25", "98:e7:43", "54:bf:64", "e4:54:e8"]


def host_mac(ip):
    """A stable, realistic-looking unicast MAC for an internal address."""
    h = hashlib.sha256(ip.encode()).digest()
    oui = _HOST_OUIS[h[0] % len(_HOST_OUIS)]
    return "%s:%02x:%02x:%02x" % (oui, h[1], h[2], h[3])


def hops_to(ip):
    """Router hops between the capture point and an external address (for TTL/hop limit)."""
    h = hashlib.sha256(ip.encode()).digest()
    return 7 + h[0] % 12


# ---------------------------------------------------------------------------------------------
# Names. Each entry: name, v4, v6, vendor (None = ordinary site, "decoy" = lookalike),
# cert subject/SANs, TLS ports, HTTP ports, dns (False = address-only endpoint, not in DNS).
# ---------------------------------------------------------------------------------------------

ORG = {
    "crowdstrike": [("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "CrowdStrike, Inc.")],
}

# Certificate authorities besides the lab CA ("lab", made by pki.Pki). Each: subject, and the label
# of the CA that signs it (None = self-signed root). Subjects follow the public fingerprints in
# ../shared/research/signature-audit.md section 3 (recog x509_subjects/x509_issuers, the Fortinet
# KB on the FortiGate SSL-inspection CA); the keys are ours.
CAS = {
    # ESXi's default host certificate is issued by "O=VMware Installer" (recog x509_issuers).
    "vmware-installer": {"subject": [("O", "VMware Installer")], "issuer": None},
    # vCenter's VMCA (recog x509_issuers: CN=CA,OU=VMware Engineering,O=vCenter,ST=California,C=US).
    "vmca": {"subject": [("C", "US"), ("ST", "California"), ("O", "vCenter"), ("OU", "VMware Engineering"),
                         ("CN", "CA")], "issuer": None},
    # Fortinet's factory sub-CA that signs a FortiGate's Fortinet_Factory certificate (a lab copy).
    "fortinet-subca2001": {"subject": [("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "Fortinet"),
                                       ("OU", "Certificate Authority"), ("CN", "fortinet-subca2001"),
                                       ("emailAddress", "support@fortinet.com")], "issuer": None},
    # A FortiGate's default SSL deep-inspection CA (Fortinet KB: C=US, ST=California, L=Sunnyvale,
    # O=Fortinet, OU=Certificate Authority, CN=FortiGate CA): an interception CA.
    "fortigate-ca": {"subject": [("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "Fortinet"),
                                 ("OU", "Certificate Authority"), ("CN", "FortiGate CA")], "issuer": None},
}


def _n(name, v4=None, v6=None, vendor=None, subject=None, sans=None, tls=(443,), http=(), dns=True,
       self_signed=False, issuer="lab", ttl=None, note=""):
    """issuer: a CAS label (who signs the certificate), or "self" (self-signed, RSA). ttl: DNS TTL
    of the A/AAAA answer (default: dnsmasq's local-ttl, 300 s)."""
    return {
        "name": name, "v4": v4, "v6": v6, "vendor": vendor,
        "subject": subject if subject is not None else [("CN", name)],
        "sans": sans if sans is not None else ([name] if not name.startswith("ip:") else []),
        "tls": tuple(tls), "http": tuple(http), "dns": dns,
        "issuer": "self" if self_signed else issuer, "ttl": ttl, "note": note,
    }


NAMES = [
    # --- CrowdStrike -------------------------------------------------------------------------
    _n("ts01-gyr-maverick.cloudsink.net", "35.162.239.174", vendor="crowdstrike",
       subject=ORG["crowdstrike"] + [("CN", "ts01-gyr-maverick.cloudsink.net")], note="published US-2 ts01 IP"),
    _n("lfodown01-gyr-maverick.cloudsink.net", "34.209.79.111", vendor="crowdstrike",
       subject=ORG["crowdstrike"] + [("CN", "lfodown01-gyr-maverick.cloudsink.net")], note="published US-2 lfodown01 IP"),
    _n("ts01-b.cloudsink.net", "54.177.92.46", vendor="crowdstrike",
       subject=ORG["crowdstrike"] + [("CN", "ts01-b.cloudsink.net")]),
    _n("ip:50.112.129.218", "50.112.129.218", vendor="crowdstrike", dns=False,
       subject=ORG["crowdstrike"] + [("CN", "ts01-gyr-maverick.cloudsink.net")],
       sans=["ts01-gyr-maverick.cloudsink.net"], note="published US-2 ts01 IP, reached without DNS/SNI"),
    _n("cloud.us.humio.com", "52.44.27.117", vendor="crowdstrike"),
    # --- VMware ------------------------------------------------------------------------------
    _n("dev-prod05.conferdeploy.net", "44.224.73.18", vendor="vmware", tls=(443, 54443)),
    _n("updates2.cdc.carbonblack.io", "13.32.121.40", vendor="vmware", tls=(), http=(80,)),
    _n("rm01.awmdm.com", "52.207.131.208", vendor="vmware", sans=["*.awmdm.com", "awmdm.com"],
       subject=[("CN", "*.awmdm.com")], note="published"),
    _n("rmsession01.awmdm.com", "52.207.186.27", vendor="vmware", sans=["*.awmdm.com", "awmdm.com"],
       subject=[("CN", "*.awmdm.com")], note="published"),
    _n("vco160-usca1.velocloud.net", "52.8.124.71", vendor="vmware"),
    _n("vcsa.vmware.com", "34.206.39.153", vendor="vmware"),
    # --- Palo Alto ---------------------------------------------------------------------------
    _n("acme-corp.gpcloudservice.com", "34.98.192.44", vendor="paloalto",
       subject=[("CN", "*.gpcloudservice.com")], sans=["*.gpcloudservice.com", "gpcloudservice.com"]),
    _n("distributions.traps.paloaltonetworks.com", "34.120.54.140", vendor="paloalto"),
    _n("ch-acme.traps.paloaltonetworks.com", "35.244.221.8", vendor="paloalto"),
    _n("gateway.talon-sec.com", "34.149.66.137", vendor="paloalto"),
    _n("sdwan-stats-hood-us.cgnx.net", "35.241.34.10", vendor="paloalto"),
    _n("updates.paloaltonetworks.com", "35.190.27.9", vendor="paloalto"),
    # --- Fortinet ----------------------------------------------------------------------------
    _n("globalupdate.fortinet.net", "173.243.140.6", vendor="fortinet", note="observed answer (cFOS log)"),
    _n("ip:203.0.113.45", "203.0.113.45", vendor="fortinet", dns=False, tls=(10443,), self_signed=True,
       subject=[("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "Fortinet Ltd."),
                ("OU", "FortiGate"), ("CN", "FortiGate")], sans=[],
       note="a partner's FortiGate SSL-VPN portal (documentation address), default self-signed cert"),
    # --- SentinelOne -------------------------------------------------------------------------
    _n("usea1-partners.sentinelone.net", "3.212.115.11", vendor="sentinelone"),
    _n("xdr.us1.sentinelone.net", "34.120.104.233", vendor="sentinelone"),
    _n("app.scalyr.com", "54.153.120.5", vendor="sentinelone"),
    # --- McAfee / Trellix --------------------------------------------------------------------
    _n("update.nai.com", "23.50.51.162", vendor="mcafee", tls=(), http=(80,)),
    _n("tunnel.web.trustedsource.org", "52.20.61.240", vendor="mcafee"),
    # avqs.mcafee.com: dnsmasq answers every <hash>.avqs.mcafee.com (see DNS_WILDCARDS)
    # --- Mandiant ----------------------------------------------------------------------------
    _n("acme-hx-webui-1.hex01.helix.apps.fireeye.com", "34.232.180.66", vendor="mcafee"),
    _n("api.intelligence.mandiant.com", "35.186.194.58", vendor="mandiant"),
    _n("hex01.helix.apps.fireeye.com", "34.232.180.70", vendor="mcafee", tls=()),
    # --- Wiz ---------------------------------------------------------------------------------
    _n("wizio.azurecr.io", "20.62.128.201", "2603:1030:403:3::1f", vendor="wiz",
       subject=[("CN", "*.azurecr.io")], sans=["*.azurecr.io"]),
    _n("auth.app.wiz.io", "3.213.201.40", vendor="wiz"),
    _n("api.us17.app.wiz.io", "44.205.112.7", vendor="wiz"),
    # --- Recorded Future ---------------------------------------------------------------------
    _n("api.recordedfuture.com", "52.210.88.24", vendor="recordedfuture"),
    _n("app.recordedfuture.com", "34.249.3.100", vendor="recordedfuture"),
    # --- Claroty -----------------------------------------------------------------------------
    _n("api.medigate.io", "52.22.178.31", vendor="claroty", subject=[("CN", "*.medigate.io")],
       sans=["*.medigate.io", "*.claroty.com"]),
    _n("eu.api.medigate.io", "3.121.33.200", vendor="claroty", tls=()),
    # --- Rapid7 ------------------------------------------------------------------------------
    _n("us.main.endpoint.ingress.rapid7.com", "193.149.136.33", vendor="rapid7", note="vendor /24"),
    _n("us.storage.endpoint.ingress.rapid7.com", "34.226.68.35", vendor="rapid7", note="published"),
    _n("data.logentries.com", "54.154.9.211", vendor="rapid7"),
    _n("ip:193.149.136.40", "193.149.136.40", vendor="rapid7", dns=False,
       subject=[("CN", "agent-relay")], sans=[], note="vendor /24, reached without DNS/SNI, TLS 1.3"),
    # --- Check Point -------------------------------------------------------------------------
    _n("gw.locsec.net", "3.120.167.18", "2600:1f18:24e6:b901:2f1c:5d3e:8a4b:1001", vendor="checkpoint"),
    _n("static.perimeter81.com", "18.66.122.53", vendor="checkpoint"),
    _n("smart-api-production-1-us.avanan.net", "52.1.45.210", vendor="checkpoint"),
    _n("resolver1.chkp.ctmail.com", "208.87.232.58", vendor="checkpoint", tls=()),
    # --- CyberArk ----------------------------------------------------------------------------
    _n("acme.my.idaptive.app", "52.4.194.112", vendor="cyberark", subject=[("CN", "*.my.idaptive.app")],
       sans=["*.my.idaptive.app"]),
    _n("acme.privilegecloud.cyberark.cloud", "18.119.40.22", vendor="cyberark", tls=(443, 1858)),
    _n("na123.epm.cyberark.com", "3.225.55.16", vendor="cyberark"),
    # --- Orca --------------------------------------------------------------------------------
    _n("api.orcasecurity.io", "54.227.34.201", vendor="orca"),
    _n("app.orcasecurity.io", "3.93.112.74", vendor="orca"),
    _n("app.eu.orcasecurity.io", "18.158.21.7", vendor="orca", tls=()),
    # --- Cato --------------------------------------------------------------------------------
    _n("client-telemetry.main.prod.k8s.catonet.works", "35.157.101.220", vendor="cato"),
    _n("ip:85.255.31.1", "85.255.31.1", vendor="cato", dns=False, subject=[("CN", "sso-gw")], sans=[],
       note="published Cato SSO address, reached without DNS/SNI, TLS 1.3"),
    _n("vpn.catonetworks.net", "85.255.24.10", vendor="cato", tls=()),
    # --- Imperva -----------------------------------------------------------------------------
    _n("abc123.x.incapdns.net", "45.60.33.17", vendor="imperva",
       subject=[("CN", "www.shop-example.com")], sans=["www.shop-example.com", "shop-example.com"],
       note="Imperva edge (vendor range 45.60.0.0/16) serving a customer's site"),
    # The organisation's own site www.acme-example.com published through Imperva (own-domains).
    _n("q7x2m.x.incapdns.net", "45.60.40.17", vendor="imperva", tls=(),
       note="Imperva edge (vendor range 45.60.0.0/16) serving the organisation's own site"),
    # The Imperva proxy that forwards visitors to an internal origin server (client side of the
    # inbound flow; needs an address, no server).
    _n("ip:45.60.91.200", "45.60.91.200", vendor="imperva", dns=False, tls=(), note="Imperva proxy (vendor range)"),
    _n("ip:45.60.91.201", "45.60.91.201", vendor="imperva", dns=False, tls=(), note="Imperva proxy (vendor range)"),
    _n("ip:45.223.20.14", "45.223.20.14", vendor="imperva", dns=False, tls=(), note="Imperva proxy (vendor range)"),
    _n("ip:199.83.130.7", "199.83.130.7", vendor="imperva", dns=False, tls=(), note="Imperva proxy (vendor range)"),
    # The internal origin web server behind Imperva.
    _n("origin.shop-example.com", "10.20.9.80", vendor=None, subject=[("CN", "www.shop-example.com")],
       sans=["www.shop-example.com", "shop-example.com"], dns=False),
    # --- Web presence (precision.pcap): vendors' public web, documentation and community sites.
    # Addresses are CDN-style addresses chosen for the capture, NOT verified, and outside every
    # vendor address range in signatures/vendors.
    _n("www.paloaltonetworks.com", "23.55.45.82", vendor="paloalto"),
    _n("docs.paloaltonetworks.com", "34.107.164.233", vendor="paloalto"),
    _n("live.paloaltonetworks.com", "13.224.53.19", vendor="paloalto", note="LIVEcommunity"),
    _n("docs.prismacloud.io", "104.18.22.140", vendor="paloalto"),
    _n("www.cloudgenix.com", "23.202.160.87", vendor="paloalto"),
    _n("www.fortinet.com", "104.16.90.5", vendor="fortinet"),
    _n("docs.fortinet.com", "104.18.33.45", vendor="fortinet"),
    _n("community.fortinet.com", "104.17.84.11", vendor="fortinet"),
    _n("www.zonealarm.com", "172.64.150.20", vendor="checkpoint"),
    _n("www.perimeter81.com", "52.84.150.31", vendor="checkpoint"),
    _n("www.trustedsource.org", "3.162.103.50", vendor="mcafee"),
    _n("www.rapid7.com", "104.18.40.197", vendor="rapid7"),
    _n("docs.rapid7.com", "18.160.41.99", vendor="rapid7"),
    _n("www.crowdstrike.com", "104.18.2.161", vendor="crowdstrike"),
    _n("library.humio.com", "13.33.60.70", vendor="crowdstrike"),
    _n("help.medigate.io", "151.101.66.217", vendor="claroty"),
    _n("docs.orcasecurity.io", "104.22.12.138", vendor="orca"),
    # A news site served through Imperva's CDN: www.news-example.org CNAME d8k2x.x.incapdns.net.
    _n("d8k2x.x.incapdns.net", "45.60.12.34", vendor="imperva",
       subject=[("CN", "www.news-example.org")], sans=["www.news-example.org", "news-example.org"],
       note="Imperva edge (45.60.0.0/16) serving someone else's site"),
    # --- DNS traps (precision.pcap): the addresses forged answers point to. Neutral servers: only a
    # forged answer would tie them to a vendor name.
    _n("ip:198.51.100.23", "198.51.100.23", vendor="decoy", dns=False, subject=[("CN", "edge-23")], sans=[]),
    _n("ip:198.51.100.24", "198.51.100.24", vendor="decoy", dns=False, subject=[("CN", "edge-24")], sans=[]),
    _n("ip:198.51.100.25", "198.51.100.25", vendor="decoy", dns=False, subject=[("CN", "edge-25")], sans=[]),
    _n("ip:198.51.100.26", "198.51.100.26", vendor="decoy", dns=False, subject=[("CN", "edge-26")], sans=[]),
    # Short-TTL answers (precision.pcap): the SNI-less flow that follows must still be attributed.
    _n("usea1-017.sentinelone.net", "3.212.115.40", vendor="sentinelone", ttl=0),
    _n("ts01-lanner-lion.cloudsink.net", "18.184.114.155", vendor="crowdstrike", ttl=2,
       subject=ORG["crowdstrike"] + [("CN", "ts01-lanner-lion.cloudsink.net")]),
    # Lookalike certificate organisations (precision.pcap): none may match. Lookalikes of the
    # cert indicators "CrowdStrike, Inc.", "Palo Alto Networks", "OU=FortiGate"/"O=Fortinet" and
    # "OU=VMware" (recog's VMware authd subject).
    _n("fanclub.example.org", "203.0.113.90", vendor="decoy",
       subject=[("C", "US"), ("O", "CrowdStrike Fan Club"), ("CN", "fanclub.example.org")]),
    _n("portal.pamf.example", "203.0.113.91", vendor="decoy",
       subject=[("C", "US"), ("ST", "CA"), ("L", "Palo Alto"), ("O", "Palo Alto Medical Foundation"),
                ("CN", "portal.pamf.example")]),
    _n("fgt-lab.corp-example.com", "10.20.21.60", vendor="decoy",
       subject=[("C", "US"), ("O", "Example Training Ltd"), ("OU", "FortiGate-Lab"), ("CN", "fgt-lab.corp-example.com")],
       note="internal training server with a lookalike OU"),
    _n("vmug.corp-example.com", "10.20.21.61", vendor="decoy",
       subject=[("C", "US"), ("L", "Palo Alto"), ("O", "VMUG"), ("OU", "VMware User Group"), ("CN", "vmug.corp-example.com")],
       note="internal user-group wiki with a lookalike OU"),
    # --- On-premises estate (onprem.pcap, demo.pcap): internal product servers. ------------
    # FortiGate web interface with a factory-like certificate (recog x509_subjects: CN=<serial>,
    # OU=FortiGate, O=Fortinet, L=Sunnyvale, ST=California, C=US), signed by Fortinet's factory sub-CA.
    _n("ip:10.20.40.1", "10.20.40.1", vendor="fortinet", dns=False, issuer="fortinet-subca2001", sans=[],
       subject=[("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "Fortinet"), ("OU", "FortiGate"),
                ("CN", "FGT60E4Q16000000")]),
    _n("ip:10.20.0.1", "10.20.0.1", vendor="fortinet", dns=False, issuer="fortinet-subca2001", sans=[],
       subject=[("C", "US"), ("ST", "California"), ("L", "Sunnyvale"), ("O", "Fortinet"), ("OU", "FortiGate"),
                ("CN", "FGT60E4Q16001234")]),
    # PAN-OS management interface: self-signed (recog x509_subjects: CN=<hex>,O=Palo Alto Networks,
    # L=Santa Clara,ST=CA,C=US).
    _n("ip:10.20.40.5", "10.20.40.5", vendor="paloalto", dns=False, self_signed=True, sans=[],
       subject=[("C", "US"), ("ST", "CA"), ("L", "Santa Clara"), ("O", "Palo Alto Networks"), ("CN", "7c2a61f0e5b3")]),
    # vCenter's web client, certificate from its VMCA.
    _n("vcsa01.corp-example.com", "10.20.40.10", vendor="vmware", issuer="vmca",
       subject=[("C", "US"), ("CN", "vcsa01.corp-example.com")]),
    # ESXi hostd (443) with the default host certificate (see ESX_SUBJECT below).
    _n("esx01.corp-example.com", "10.20.40.11", vendor="vmware", issuer="vmware-installer",
       subject=None, sans=["esx01.corp-example.com"]),
    # Internal web server published through Imperva's cloud WAF (origin), HTTPS and HTTP.
    _n("shop.corp-example.com", "10.20.40.80", vendor=None, dns=False, http=(80,),
       subject=[("CN", "shop.corp-example.com")], sans=["shop.corp-example.com"]),
    # Ordinary sites whose TLS 1.2 connections pass a FortiGate doing SSL deep inspection: the
    # certificates the clients see are re-signed by the FortiGate CA.
    _n("www.python.org", "151.101.0.223", issuer="fortigate-ca"),
    _n("stackoverflow.com", "198.252.206.16", issuer="fortigate-ca"),
    _n("www.bbc.co.uk", "151.101.192.81", issuer="fortigate-ca"),
    # --- Ordinary sites ----------------------------------------------------------------------
    _n("www.debian.org", "130.89.148.77", "2001:67c:2564:a119::77"),
    _n("en.wikipedia.org", "185.15.59.224", "2a02:ec80:300:ed1a::1", sans=["*.wikipedia.org", "wikipedia.org"],
       subject=[("CN", "*.wikipedia.org")]),
    _n("github.com", "140.82.121.4"),
    _n("example.com", "93.184.215.14", "2606:2800:21f:cb07:6820:80ad:1c7e:5ff", http=(80,)),
    _n("deb.debian.org", "151.101.2.132", tls=(), http=(80,)),
    # --- Decoys (lookalikes that must not alert) ----------------------------------------------
    _n("mywiz.io", "104.21.48.9", "2606:4700:3030::6815:3009", vendor="decoy"),
    _n("quiz.io", "76.76.21.21", vendor="decoy"),
    _n("wiz.io.example.net", "93.184.215.20", vendor="decoy"),
    _n("notcrowdstrike.com", "172.67.141.10", vendor="decoy", http=(80,)),
    _n("crowdstrike.com.evil.example", "203.0.113.66", vendor="decoy"),
    _n("cloudsink.net.example.org", "93.184.215.21", vendor="decoy"),
    _n("myfortinet.example", "203.0.113.77", vendor="decoy"),
    _n("contoso.azurecr.io", "20.49.104.9", vendor="decoy", subject=[("CN", "*.azurecr.io")], sans=["*.azurecr.io"]),
]

# ESXi's default host certificate (a Metasploit vmauthd_version transcript and openssl dumps of
# ESXi certificates show this subject; recog x509_subjects matches its OU).
def esx_subject(host, serial):
    return [("C", "US"), ("ST", "California"), ("L", "Palo Alto"), ("O", "VMware, Inc"),
            ("OU", "VMware ESX Server Default Certificate"), ("emailAddress", "ssl-certificates@vmware.com"),
            ("CN", host), ("unstructuredName", "%d,564d7761726520496e632e" % serial)]


for _e in NAMES:
    if _e["name"] == "esx01.corp-example.com":
        _e["subject"] = esx_subject("esx01.corp-example.com", 1741680011)

BY_NAME = {n["name"]: n for n in NAMES}

# CNAMEs: alias -> target (target must be in NAMES).
CNAMES = {
    "edr.corp-example.com": "ts01-b.cloudsink.net",
    "www.shop-example.com": "abc123.x.incapdns.net",
    "www.news-example.org": "d8k2x.x.incapdns.net",
    "www.acme-example.com": "q7x2m.x.incapdns.net",
}

# Internal names answered by the resolvers (name -> address), beside NAMES.
INTERNAL_NAMES = {"intranet.corp-example.com": "10.20.0.80", "mail.acme-example.com": "10.20.31.25"}

# ---------------------------------------------------------------------------------------------
# Product servers that are not plain HTTPS (services.py starts them).
# ---------------------------------------------------------------------------------------------

# VMware authd (TCP 902): a server-first banner, then TLS with the host certificate (nmap
# service probes: "220 VMware Authentication Daemon Version ... SSL Required").
VMAUTHD_BANNER = (b"220 VMware Authentication Daemon Version 1.10: SSL Required, "
                  b"ServerDaemonProtocol:SOAP, MKSDisplayProtocol:VNC , ,\r\n")
BANNER_TLS = [
    # (address, port, banner, certificate label, subject, issuer)
    ("10.20.40.11", 902, VMAUTHD_BANNER, "esx01.corp-example.com", esx_subject("esx01.corp-example.com", 1741680011), "vmware-installer"),
    ("10.20.40.12", 902, VMAUTHD_BANNER, "esx02", esx_subject("esx02.corp-example.com", 1741680012), "vmware-installer"),
    ("10.20.0.21", 902, VMAUTHD_BANNER, "esx-demo", esx_subject("esx01.office.example", 1741680021), "vmware-installer"),
]

# SSH servers with a product's identification string (nmap service probes: FortiSSH).
SSH_SERVERS = [("10.20.40.3", 22, "SSH-2.0-FortiSSH_1.0")]

# Plain-HTTP product servers: (address, port) -> (status line, headers, body). One request per
# connection, then the server closes (HTTP/1.0 style, as these appliances answer).
PANWEB_HEADERS = [  # a PAN-OS management interface redirecting to its login page
    ("Date", "Tue, 11 Mar 2025 11:40:01 GMT"), ("Server", "PanWeb Server/ -"),
    ("ETag", '"73829-130d-57651d79"'), ("Connection", "close"), ("Pragma", "no-cache"),
    ("Location", "/php/login.php"),
    ("Cache-Control", "no-store, no-cache, must-revalidate, post-check=0, pre-check=0"),
    ("Content-Length", "0"), ("Content-Type", "text/html"), ("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"),
    ("X-FRAME-OPTIONS", "SAMEORIGIN"), ("Set-Cookie", "PHPSESSID=5c1e6a0f3b9d4e27a8c1d0f2b3e4a5c6; path=/; HttpOnly"),
]
_AGENT_BODY = (b'<?xml version="1.0" encoding="UTF-8"?><naLog><version>5.7.9.139</version>'
               b'<ComputerName>%s</ComputerName><Result>WakeupReceived</Result></naLog>')
RAW_HTTP = {
    ("10.20.40.5", 80): ("HTTP/1.0 302 Moved Temporarily", PANWEB_HEADERS, b""),
    ("10.20.40.1", 80): ("HTTP/1.1 301 Moved Permanently",
                         [("Server", "xxxxxxxx-xxxxx"), ("Location", "https://10.20.40.1/"), ("Content-Length", "0"),
                          ("Connection", "close")], b""),
}
for _ip, _host in (("10.20.40.101", b"WS-FIN-0101"), ("10.20.40.102", b"WS-FIN-0102"), ("10.20.40.103", b"WS-ENG-0103")):
    _b = _AGENT_BODY % _host
    RAW_HTTP[(_ip, 8081)] = ("HTTP/1.0 200 OK", [("Server", "Agent-ListenServer-HttpSvr/1.0"),
                                                ("Content-Type", "text/xml"), ("Content-Length", str(len(_b)))], _b)

# UDP receivers (a SIEM's syslog port), so that datagrams sent to them get no ICMP reply.
UDP_SINKS = [("10.20.40.50", 514), ("10.20.0.50", 514)]

# A resolver that answers late (SERVFAIL after SLOW_RESOLVER_DELAY s): forged responses arrive
# while a query to it is still open.
SLOW_RESOLVER = "10.20.0.54"
SLOW_RESOLVER_DELAY = 0.6

# Wildcard answers: every name under the suffix answers with this address (McAfee GTI file
# reputation over DNS answers 127.0.0.x codes).
DNS_WILDCARDS = {"avqs.mcafee.com": "127.0.0.64"}


def all_addresses():
    """Every address that must exist on the namespace's loopback."""
    out = set()
    for n in NAMES:
        for fam in ("v4", "v6"):
            if n[fam]:
                out.add(n[fam])
    for s in SITES:
        out.update(s.resolvers.values())
    out.update([PROXY, PROXY_EGRESS, SLOW_RESOLVER])
    out.update(INTERNAL_NAMES.values())
    out.update(a for a, _, _, _, _, _ in BANNER_TLS)
    out.update(a for a, _, _ in SSH_SERVERS)
    out.update(a for a, _ in RAW_HTTP)
    out.update(a for a, _ in UDP_SINKS)
    return out


def resolver_for(ip):
    s = site_of(ip)
    fam = "v6" if ":" in ip else "v4"
    return s.resolvers[fam]
