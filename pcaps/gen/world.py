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


def _n(name, v4=None, v6=None, vendor=None, subject=None, sans=None, tls=(443,), http=(), dns=True,
       self_signed=False, note=""):
    return {
        "name": name, "v4": v4, "v6": v6, "vendor": vendor,
        "subject": subject if subject is not None else [("CN", name)],
        "sans": sans if sans is not None else ([name] if not name.startswith("ip:") else []),
        "tls": tuple(tls), "http": tuple(http), "dns": dns, "self_signed": self_signed, "note": note,
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
    # The Imperva proxy that forwards visitors to an internal origin server (client side of the
    # inbound flow; needs an address, no server).
    _n("ip:45.60.91.200", "45.60.91.200", vendor="imperva", dns=False, tls=(), note="Imperva proxy (vendor range)"),
    # The internal origin web server behind Imperva.
    _n("origin.shop-example.com", "10.20.9.80", vendor=None, subject=[("CN", "www.shop-example.com")],
       sans=["www.shop-example.com", "shop-example.com"], dns=False),
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

BY_NAME = {n["name"]: n for n in NAMES}

# CNAMEs: alias -> target (target must be in NAMES).
CNAMES = {
    "edr.corp-example.com": "ts01-b.cloudsink.net",
    "www.shop-example.com": "abc123.x.incapdns.net",
}

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
    out.update([PROXY, PROXY_EGRESS])
    return out


def resolver_for(ip):
    s = site_of(ip)
    fam = "v6" if ":" in ip else "v4"
    return s.resolvers[fam]
