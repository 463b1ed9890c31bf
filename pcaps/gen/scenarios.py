"""The captures: what each host does, and the alerts a correct classifier must raise.

Each scenario is a function run(ctx) that drives real clients (dig, curl, Python ssl) plus the
declared expectations: alerts (host, vendor, via, min_confidence, note) and no_alert_hosts.
bytes_to_vendor, names and flows are NOT declared here: generate.py measures them from the
finished capture.
"""

import hashlib
import base64

import world

HQ_DNS = "10.20.0.53"
BRANCH_DNS = "172.16.40.53"
GP_UA = "PAN GlobalProtect"


def A(host, vendor, via, conf, note):
    return {"host": host, "vendor": vendor, "via": via, "min_confidence": conf, "note": note}


def post(url, n):
    return {"url": url, "method": "POST", "upload": n}


def get(url, headers=(), ip=None):
    return {"url": url, "headers": list(headers), "ip": ip}


class Scenario:
    def __init__(self, name, description, run, alerts, no_alert_hosts):
        self.name, self.description, self.run = name, description, run
        self.alerts, self.no_alert_hosts = alerts, no_alert_hosts


# ---------------------------------------------------------------------------------------------
# demo.pcap
# ---------------------------------------------------------------------------------------------


def demo(c):
    fin, dev, sales, fw, app, guest = "10.20.0.11", "10.20.0.12", "10.20.0.13", "10.20.0.1", "10.20.0.14", "10.20.0.99"
    c.dns(fw, ["globalupdate.fortinet.net"], "fortinet", "dns: FortiGate looks up its FortiGuard update server")
    c.curl(fw, [post("https://globalupdate.fortinet.net/", 1500)], "fortinet",
           "vendor fortinet via tls.sni (FortiGate update check, TLS 1.2)", tls_max="1.2")
    c.pause(0.8, 1.6)
    c.dns(fin, ["ts01-gyr-maverick.cloudsink.net"], "crowdstrike", "dns: CrowdStrike sensor cloud name")
    c.curl(fin, [post("https://ts01-gyr-maverick.cloudsink.net/", 6000)], "crowdstrike",
           "vendor crowdstrike via tls.sni (Falcon sensor event channel, TLS 1.3)", tls_max="1.3")
    c.pause(0.8, 1.6)
    c.dns(guest, ["notcrowdstrike.com", "www.debian.org"], "decoy", "dns: lookalike and ordinary names, no vendor")
    c.curl(guest, [get("https://notcrowdstrike.com/")], "decoy", "no vendor: lookalike notcrowdstrike.com", tls_max="1.3")
    c.dns(dev, ["dev-prod05.conferdeploy.net", "updates2.cdc.carbonblack.io"], "vmware",
          "dns: Carbon Black Cloud sensor names")
    c.curl(dev, [post("https://dev-prod05.conferdeploy.net/", 5000)], "vmware",
           "vendor vmware via tls.sni (Carbon Black Cloud sensor, TLS 1.3)", tls_max="1.3")
    c.curl(dev, [get("http://updates2.cdc.carbonblack.io/update2/files/avpack.xml"),
                 get("http://updates2.cdc.carbonblack.io/update2/files/avpack_delta_20250311.bin")], "vmware",
           "vendor vmware via http.host (Carbon Black signature pack over plain HTTP, keep-alive)")
    c.pause(0.8, 1.6)
    c.dns(sales, ["acme-corp.gpcloudservice.com"], "paloalto", "dns: Prisma Access GlobalProtect portal")
    c.curl(sales, [post("https://acme-corp.gpcloudservice.com/global-protect/prelogin.esp", 400),
                   post("https://acme-corp.gpcloudservice.com/ssl-vpn/getconfig.esp", 900)], "paloalto",
           "vendor paloalto via tls.sni (GlobalProtect portal, TLS 1.2, cert *.gpcloudservice.com)",
           tls_max="1.2", ua=GP_UA)
    c.dns(guest, ["mywiz.io"], "decoy", "dns: lookalike mywiz.io")
    c.curl(guest, [get("https://mywiz.io/")], "decoy", "no vendor: lookalike mywiz.io", tls_max="1.3")
    c.pause(0.8, 1.6)
    c.dns(app, ["us.main.endpoint.ingress.rapid7.com"], "rapid7", "dns: Rapid7 Insight Agent endpoint")
    c.curl(app, [post("https://us.main.endpoint.ingress.rapid7.com/", 3000)], "rapid7",
           "vendor rapid7 via tls.sni (Insight Agent beacon, TLS 1.2, vendor /24)", tls_max="1.2")
    c.dns(fin, ["en.wikipedia.org"], None, "dns: ordinary name")
    c.curl(fin, [get("https://en.wikipedia.org/wiki/Main_Page")], None, "no vendor: ordinary site", tls_max="1.3")
    c.curl(guest, [get("https://www.debian.org/")], None, "no vendor: ordinary site", tls_max="1.3")
    c.dns(dev, ["github.com"], None, "dns: ordinary name")
    c.curl(dev, [get("https://github.com/")], None, "no vendor: ordinary site", tls_max="1.3")


DEMO = Scenario(
    "demo",
    "Bundled demo. Office LAN 10.20.0.0/24 with resolver 10.20.0.53. 10.20.0.1 is the FortiGate firewall "
    "(FortiGuard update check to globalupdate.fortinet.net); 10.20.0.11 a finance laptop with the CrowdStrike "
    "Falcon sensor (ts01-gyr-maverick.cloudsink.net) that also browses Wikipedia; 10.20.0.12 a developer "
    "workstation with the Carbon Black Cloud sensor (dev-prod05.conferdeploy.net over TLS, signature packs from "
    "updates2.cdc.carbonblack.io over plain HTTP) that also opens github.com; 10.20.0.13 a sales laptop running "
    "Palo Alto GlobalProtect against Prisma Access (acme-corp.gpcloudservice.com); 10.20.0.14 an application "
    "server with the Rapid7 Insight Agent (us.main.endpoint.ingress.rapid7.com, 193.149.136.33); 10.20.0.99 a "
    "guest machine that visits lookalikes (notcrowdstrike.com, mywiz.io) and www.debian.org and must not alert.",
    demo,
    [A("10.20.0.1", "fortinet", ["tls.sni", "dns.query"], "medium", "FortiGate update check to globalupdate.fortinet.net"),
     A("10.20.0.11", "crowdstrike", ["tls.sni", "dns.query"], "medium", "Falcon sensor TLS to ts01-gyr-maverick.cloudsink.net"),
     A("10.20.0.12", "vmware", ["tls.sni", "http.host", "dns.query"], "medium",
       "Carbon Black sensor (conferdeploy.net) and signature updates (carbonblack.io)"),
     A("10.20.0.13", "paloalto", ["tls.sni", "dns.query"], "medium", "GlobalProtect portal acme-corp.gpcloudservice.com"),
     A("10.20.0.14", "rapid7", ["tls.sni", "dns.query"], "medium", "Insight Agent to us.main.endpoint.ingress.rapid7.com")],
    ["10.20.0.99", HQ_DNS])

# ---------------------------------------------------------------------------------------------
# One capture per vendor
# ---------------------------------------------------------------------------------------------


def crowdstrike(c):
    a, b, cn, d, e = "10.20.10.21", "10.20.10.22", "10.20.10.23", "10.20.10.24", "10.20.10.99"
    c.dns(a, ["ts01-gyr-maverick.cloudsink.net", "lfodown01-gyr-maverick.cloudsink.net"], "crowdstrike",
          "dns: Falcon sensor names (cloudsink.net)")
    c.curl(a, [post("https://ts01-gyr-maverick.cloudsink.net/", 6000)], "crowdstrike",
           "vendor crowdstrike via tls.sni (sensor event channel, TLS 1.3)", tls_max="1.3")
    c.curl(a, [get("https://lfodown01-gyr-maverick.cloudsink.net/files/channel_291.bin")], "crowdstrike",
           "vendor crowdstrike via tls.sni, tls.subject (LFO download, TLS 1.2, cert O=CrowdStrike, Inc.)", tls_max="1.2")
    c.pytls(b, "50.112.129.218", 443, "crowdstrike",
            "vendor crowdstrike via tls.subject (certificate only: no DNS, no SNI, TLS 1.2, "
            "cert O=CrowdStrike, Inc. CN=ts01-gyr-maverick.cloudsink.net)", sni=None, tls_max="1.2", upload=4000)
    c.dns(cn, ["edr.corp-example.com"], "crowdstrike",
          "dns: innocuous alias edr.corp-example.com CNAME ts01-b.cloudsink.net")
    c.curl(cn, [post("https://edr.corp-example.com/api/v1/checkin", 3000)], "crowdstrike",
           "vendor crowdstrike via dns.cname (SNI is the innocuous alias; the address came from the CNAME "
           "chain into cloudsink.net; TLS 1.3)", tls_max="1.3")
    c.dns(d, ["cloud.us.humio.com"], "crowdstrike", "dns: Falcon LogScale (ex-Humio)")
    c.curl(d, [post("https://cloud.us.humio.com/api/v1/ingest/humio-structured", 5000)], "crowdstrike",
           "vendor crowdstrike via tls.sni (LogScale ingest, humio.com)", tls_max="1.3")
    c.dns(e, ["notcrowdstrike.com", "crowdstrike.com.evil.example", "cloudsink.net.example.org", "www.debian.org"],
          "decoy", "dns: lookalikes and an ordinary name")
    for n in ("notcrowdstrike.com", "crowdstrike.com.evil.example", "cloudsink.net.example.org"):
        c.curl(e, [get("https://%s/" % n)], "decoy", "no vendor: lookalike %s" % n, tls_max="1.3")
    c.curl(e, [get("https://www.debian.org/")], None, "no vendor: ordinary site", tls_max="1.2")


CROWDSTRIKE = Scenario(
    "vendor-crowdstrike",
    "CrowdStrike. 10.20.10.21: Falcon sensor resolves and talks to ts01-gyr-maverick.cloudsink.net (TLS 1.3) "
    "and lfodown01-gyr-maverick.cloudsink.net (TLS 1.2, cert O=CrowdStrike, Inc.). 10.20.10.22: certificate-only "
    "flow: TLS 1.2 without SNI and without DNS to 50.112.129.218, the server certificate carries "
    "O=CrowdStrike, Inc. 10.20.10.23: resolves the innocuous edr.corp-example.com, a CNAME to "
    "ts01-b.cloudsink.net, then connects with SNI edr.corp-example.com. 10.20.10.24: LogScale ingest to "
    "cloud.us.humio.com. 10.20.10.99: lookalikes notcrowdstrike.com, crowdstrike.com.evil.example, "
    "cloudsink.net.example.org and www.debian.org (no alert).",
    crowdstrike,
    [A("10.20.10.21", "crowdstrike", ["tls.sni", "dns.query"], "medium", "sensor TLS to *.cloudsink.net"),
     A("10.20.10.22", "crowdstrike", ["tls.subject"], "medium",
       "certificate-only: no SNI, TLS 1.2, subject O=CrowdStrike, Inc."),
     A("10.20.10.23", "crowdstrike", ["dns.cname"], "medium",
       "edr.corp-example.com CNAME ts01-b.cloudsink.net, then TLS to the answered address"),
     A("10.20.10.24", "crowdstrike", ["tls.sni"], "medium", "Falcon LogScale ingest, cloud.us.humio.com")],
    ["10.20.10.99", HQ_DNS])


def vmware(c):
    a, b, edge, vc, e = "10.20.11.31", "10.20.11.32", "10.20.11.2", "10.20.11.40", "10.20.11.99"
    c.dns(a, ["dev-prod05.conferdeploy.net", "updates2.cdc.carbonblack.io"], "vmware", "dns: Carbon Black names")
    c.curl(a, [post("https://dev-prod05.conferdeploy.net/", 7000)], "vmware",
           "vendor vmware via tls.sni (Carbon Black Cloud sensor, TLS 1.3)", tls_max="1.3")
    c.curl(a, [post("https://dev-prod05.conferdeploy.net:54443/", 2000)], "vmware",
           "vendor vmware via tls.sni (Carbon Black backup port TCP 54443, TLS 1.2)", tls_max="1.2")
    c.curl(a, [get("http://updates2.cdc.carbonblack.io/update2/files/avpack.xml"),
               get("http://updates2.cdc.carbonblack.io/update2/files/avpack_delta_20250311.bin"),
               get("http://updates2.cdc.carbonblack.io/update2/files/avpack_delta_20250312.bin")], "vmware",
           "vendor vmware via http.host (signature packs over plain HTTP port 80, three requests, keep-alive)")
    c.dns(b, ["rm01.awmdm.com", "rmsession01.awmdm.com"], "vmware", "dns: Workspace ONE Assist (awmdm.com)")
    c.curl(b, [get("https://rm01.awmdm.com/Portal/Session/Status")], "vmware",
           "vendor vmware via tls.sni (Workspace ONE Assist portal, TLS 1.2, published address)", tls_max="1.2")
    c.curl(b, [post("https://rmsession01.awmdm.com/Session/Connect", 2500)], "vmware",
           "vendor vmware via tls.sni (Workspace ONE Assist session server, published address)", tls_max="1.3")
    c.dns(edge, ["vco160-usca1.velocloud.net"], "vmware", "dns: VeloCloud orchestrator")
    c.curl(edge, [post("https://vco160-usca1.velocloud.net/portal/rest/edge/heartbeat", 2500)], "vmware",
           "vendor vmware via tls.sni (SD-WAN edge heartbeat to the VeloCloud orchestrator, TLS 1.2)", tls_max="1.2")
    c.dns(vc, ["vcsa.vmware.com"], "vmware", "dns: vCenter telemetry")
    c.curl(vc, [post("https://vcsa.vmware.com/ph/api/hyper/send?_c=vSphere.vapi.6_7&_i=acme-vc01", 5000)], "vmware",
           "vendor vmware via tls.sni (vCenter CEIP phone-home)", tls_max="1.3")
    c.dns(e, ["github.com", "en.wikipedia.org"], None, "dns: ordinary names")
    c.curl(e, [get("https://github.com/")], None, "no vendor: ordinary site", tls_max="1.3")
    c.curl(e, [get("https://en.wikipedia.org/wiki/VMware")], None, "no vendor: ordinary site (page about VMware)",
           tls_max="1.3")


VMWARE = Scenario(
    "vendor-vmware",
    "VMware/Broadcom. 10.20.11.31: Carbon Black Cloud sensor to dev-prod05.conferdeploy.net on 443 (TLS 1.3) "
    "and on the backup port 54443 (TLS 1.2), then three signature-pack downloads on one keep-alive plain HTTP "
    "connection to updates2.cdc.carbonblack.io. 10.20.11.32: Workspace ONE Assist rm01/rmsession01.awmdm.com. "
    "10.20.11.2: SD-WAN edge heartbeat to vco160-usca1.velocloud.net. 10.20.11.40: vCenter phone-home to "
    "vcsa.vmware.com. 10.20.11.99: github.com and en.wikipedia.org (no alert).",
    vmware,
    [A("10.20.11.31", "vmware", ["tls.sni", "http.host", "dns.query"], "medium",
       "Carbon Black Cloud sensor (conferdeploy.net, incl. port 54443) and updates (carbonblack.io)"),
     A("10.20.11.32", "vmware", ["tls.sni", "dns.query"], "medium", "Workspace ONE Assist (awmdm.com)"),
     A("10.20.11.2", "vmware", ["tls.sni"], "medium", "VeloCloud orchestrator (velocloud.net)"),
     A("10.20.11.40", "vmware", ["tls.sni"], "medium", "vCenter phone-home (vcsa.vmware.com)")],
    ["10.20.11.99", HQ_DNS])


def paloalto(c):
    gp, xdr, pab, ion, fw, e = "10.20.12.41", "10.20.12.42", "10.20.12.43", "10.20.12.2", "10.20.12.1", "10.20.12.99"
    c.curl(gp, [post("https://acme-corp.gpcloudservice.com/global-protect/prelogin.esp", 400),
                post("https://acme-corp.gpcloudservice.com/ssl-vpn/getconfig.esp", 900)], "paloalto",
           "vendor paloalto via http.connect + tls.sni (GlobalProtect through the explicit proxy 10.20.0.8:3128: "
           "CONNECT acme-corp.gpcloudservice.com:443 with User-Agent 'PAN GlobalProtect', then TLS 1.2)",
           tls_max="1.2", ua=GP_UA, proxy=True)
    c.dns(xdr, ["distributions.traps.paloaltonetworks.com", "ch-acme.traps.paloaltonetworks.com"], "paloalto",
          "dns: Cortex XDR agent names")
    c.curl(xdr, [get("https://distributions.traps.paloaltonetworks.com/api/v1/distributions/register")], "paloalto",
           "vendor paloalto via tls.sni (Cortex XDR registration)", tls_max="1.3")
    c.curl(xdr, [post("https://ch-acme.traps.paloaltonetworks.com/operations/heartbeat", 4000)], "paloalto",
           "vendor paloalto via tls.sni (Cortex XDR tenant channel)", tls_max="1.3")
    c.dns(pab, ["gateway.talon-sec.com"], "paloalto", "dns: Prisma Access Browser (talon-sec.com)")
    c.curl(pab, [post("https://gateway.talon-sec.com/api/v2/policy", 1800)], "paloalto",
           "vendor paloalto via tls.sni (Prisma Access Browser gateway)", tls_max="1.3")
    c.dns(ion, ["sdwan-stats-hood-us.cgnx.net"], "paloalto", "dns: Prisma SD-WAN (cgnx.net)")
    c.curl(ion, [post("https://sdwan-stats-hood-us.cgnx.net/", 3000)], "paloalto",
           "vendor paloalto via tls.sni (Prisma SD-WAN ION statistics, TLS 1.2)", tls_max="1.2")
    c.curl(fw, [get("https://updates.paloaltonetworks.com/Updates/UpdateService.asmx")], "paloalto",
           "vendor paloalto via tls.sni (PAN-OS content update check, no DNS seen)", tls_max="1.2")
    c.curl(e, [get("https://www.debian.org/")], None,
           "no vendor: CONNECT www.debian.org:443 through the same proxy", tls_max="1.3", proxy=True)
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("http://example.com/")], None, "no vendor: ordinary plain HTTP")


PALOALTO = Scenario(
    "vendor-paloalto",
    "Palo Alto Networks. 10.20.12.41: GlobalProtect through the explicit proxy 10.20.0.8:3128 (CONNECT "
    "acme-corp.gpcloudservice.com:443, User-Agent 'PAN GlobalProtect', tunnelled TLS 1.2 with SNI, two requests). "
    "10.20.12.42: Cortex XDR agent (distributions.traps.paloaltonetworks.com, ch-acme.traps...). 10.20.12.43: "
    "Prisma Access Browser (gateway.talon-sec.com). 10.20.12.2: Prisma SD-WAN ION (sdwan-stats-hood-us.cgnx.net). "
    "10.20.12.1: PAN-OS update check (updates.paloaltonetworks.com). 10.20.12.99: www.debian.org through the same "
    "proxy and example.com over HTTP (no alert).",
    paloalto,
    [A("10.20.12.41", "paloalto", ["tls.sni"], "medium",
       "GlobalProtect via explicit proxy: CONNECT acme-corp.gpcloudservice.com:443 then SNI"),
     A("10.20.12.42", "paloalto", ["tls.sni", "dns.query"], "medium", "Cortex XDR agent (traps.paloaltonetworks.com)"),
     A("10.20.12.43", "paloalto", ["tls.sni"], "medium", "Prisma Access Browser (talon-sec.com)"),
     A("10.20.12.2", "paloalto", ["tls.sni"], "medium", "Prisma SD-WAN (cgnx.net)"),
     A("10.20.12.1", "paloalto", ["tls.sni"], "medium", "PAN-OS updates.paloaltonetworks.com")],
    ["10.20.12.99", HQ_DNS, world.PROXY])


def fortinet(c):
    fgt, adm, e = "192.168.120.2", "192.168.120.31", "192.168.120.99"
    c.dns(fgt, ["globalupdate.fortinet.net"], "fortinet", "dns: FortiGuard anycast update name")
    c.curl(fgt, [post("https://globalupdate.fortinet.net/", 1500)], "fortinet",
           "vendor fortinet via tls.sni (FortiGuard update check, TLS 1.2, 173.243.140.6)", tls_max="1.2")
    c.pytls(adm, "203.0.113.45", 10443, "fortinet",
            "vendor fortinet via tls.subject + tls.issuer (certificate only: TLS 1.2 without SNI to a FortiGate "
            "SSL-VPN portal on 10443, self-signed O=Fortinet Ltd. OU=FortiGate CN=FortiGate)",
            sni=None, tls_max="1.2", path="/remote/logincheck", upload=600, host_header="203.0.113.45:10443")
    c.dns(e, ["myfortinet.example"], "decoy", "dns: lookalike myfortinet.example")
    c.curl(e, [get("https://myfortinet.example/")], "decoy", "no vendor: lookalike myfortinet.example", tls_max="1.3")


FORTINET = Scenario(
    "vendor-fortinet",
    "Fortinet, on the management VLAN 120 (all frames 802.1Q-tagged). 192.168.120.2: a FortiGate resolves "
    "globalupdate.fortinet.net and checks for updates (TLS 1.2, SNI). 192.168.120.31: certificate-only flow, "
    "TLS 1.2 without SNI to a remote FortiGate SSL-VPN portal 203.0.113.45:10443 whose self-signed certificate "
    "has subject and issuer O=Fortinet Ltd., OU=FortiGate, CN=FortiGate. 192.168.120.99: lookalike "
    "myfortinet.example (no alert).",
    fortinet,
    [A("192.168.120.2", "fortinet", ["tls.sni", "dns.query"], "medium", "FortiGuard update check"),
     A("192.168.120.31", "fortinet", ["tls.subject", "tls.issuer"], "medium",
       "certificate-only: self-signed FortiGate certificate, no SNI, port 10443")],
    ["192.168.120.99", "192.168.120.53"])


def sentinelone(c):
    a, b, e = "172.16.40.51", "172.16.40.52", "172.16.40.99"
    c.dns(a, ["usea1-partners.sentinelone.net"], "sentinelone", "dns: SentinelOne console name")
    c.pytls(a, "3.212.115.11", 443, "sentinelone",
            "vendor sentinelone via dns.cache (TLS 1.3 without SNI: only the earlier DNS answer ties "
            "3.212.115.11 to usea1-partners.sentinelone.net)", sni=None, tls_max="1.3", upload=5000,
            path="/web/api/v2.1/agents/heartbeat")
    c.dns(b, ["xdr.us1.sentinelone.net", "app.scalyr.com"], "sentinelone", "dns: SentinelOne data lake / Scalyr")
    c.curl(b, [post("https://xdr.us1.sentinelone.net/api/addEvents", 6000)], "sentinelone",
           "vendor sentinelone via tls.sni (Singularity Data Lake ingest)", tls_max="1.3")
    c.curl(b, [post("https://app.scalyr.com/api/uploadLogs", 3000)], "sentinelone",
           "vendor sentinelone via tls.sni (DataSet/Scalyr)", tls_max="1.3")
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://example.com/")], None, "no vendor: ordinary site", tls_max="1.3")


SENTINELONE = Scenario(
    "vendor-sentinelone",
    "SentinelOne, branch office 172.16.40.0/24 (resolver 172.16.40.53). 172.16.40.51: resolves "
    "usea1-partners.sentinelone.net, then opens TLS 1.3 WITHOUT SNI to the answered address 3.212.115.11: only "
    "the DNS answer ties the connection to the vendor. 172.16.40.52: xdr.us1.sentinelone.net and app.scalyr.com "
    "(SNI). 172.16.40.99: example.com (no alert).",
    sentinelone,
    [A("172.16.40.51", "sentinelone", ["dns.query", "dns.cache"], "medium",
       "DNS lookup of a vendor name, then an SNI-less TLS 1.3 connection to the answered address"),
     A("172.16.40.52", "sentinelone", ["tls.sni", "dns.query"], "medium", "sentinelone.net and scalyr.com")],
    ["172.16.40.99", BRANCH_DNS])


def _gti_name(i):
    h = hashlib.sha1(b"sample-%d" % i).digest()
    label = base64.b32encode(h).decode().lower().rstrip("=")[:26]
    return "0.0.0.0.1.0.0.4e.%s.avqs.mcafee.com" % label


def mcafee(c):
    upd, gti, tun, e = "10.20.13.61", "10.20.13.62", "10.20.13.63", "10.20.13.99"
    c.dns(upd, ["update.nai.com"], "mcafee", "dns: McAfee update server (nai.com)")
    c.curl(upd, [get("http://update.nai.com/Products/CommonUpdater/catalog.z"),
                 get("http://update.nai.com/Products/CommonUpdater/gdeltaavv.ini"),
                 get("http://update.nai.com/Products/CommonUpdater/avvdat-11213.zip")], "mcafee",
           "vendor mcafee via http.host (DAT update over plain HTTP, three requests on one keep-alive connection)")
    ordinary = ["www.debian.org", "en.wikipedia.org", "github.com", "example.com", "deb.debian.org"]
    names = []
    for i in range(120):
        if i % 3 == 2:
            n = ordinary[(i // 3) % len(ordinary)]
            names.append((n, "AAAA") if (i // 3) % 4 == 1 and n in ("www.debian.org", "en.wikipedia.org") else n)
        else:
            names.append(_gti_name(i))
    c.dns(gti, names, "mcafee",
          "dns: ONE long-lived flow (fixed source port) with 120 queries: McAfee GTI file-reputation lookups "
          "<hash>.avqs.mcafee.com mixed with ordinary names; DNS only", gap=(0.01, 0.05))
    c.dns(tun, ["tunnel.web.trustedsource.org"], "mcafee", "dns: TrustedSource")
    c.curl(tun, [post("https://tunnel.web.trustedsource.org/", 2000)], "mcafee",
           "vendor mcafee via tls.sni (GTI web reputation, trustedsource.org, TLS 1.2)", tls_max="1.2")
    c.dns(e, ["deb.debian.org"], None, "dns: ordinary name")
    c.curl(e, [get("http://deb.debian.org/debian/dists/bookworm/InRelease")], None,
           "no vendor: ordinary plain HTTP (Debian mirror)")


MCAFEE = Scenario(
    "vendor-mcafee",
    "McAfee/Trellix. 10.20.13.61: DAT update from update.nai.com over plain HTTP, three requests on one "
    "keep-alive connection (catalog.z, gdeltaavv.ini, avvdat zip). 10.20.13.62: one long-lived DNS flow (fixed "
    "source port, 120 queries) mixing McAfee GTI file-reputation lookups under avqs.mcafee.com with ordinary "
    "names; no connection follows. 10.20.13.63: tunnel.web.trustedsource.org (TLS 1.2). 10.20.13.99: Debian "
    "mirror over HTTP (no alert).",
    mcafee,
    [A("10.20.13.61", "mcafee", ["http.host", "dns.query"], "medium", "update.nai.com over plain HTTP"),
     A("10.20.13.62", "mcafee", ["dns.query"], "low", "DNS-only GTI lookups on one long-lived DNS flow"),
     A("10.20.13.63", "mcafee", ["tls.sni", "dns.query"], "medium", "tunnel.web.trustedsource.org")],
    ["10.20.13.99", HQ_DNS])


def mandiant(c):
    hx, ti, dn, e = "10.20.14.71", "10.20.14.72", "10.20.14.73", "10.20.14.99"
    hxn = "acme-hx-webui-1.hex01.helix.apps.fireeye.com"
    c.dns(hx, [hxn], "mcafee", "dns: HX controller in Helix (Trellix product, ex-FireEye)")
    c.curl(hx, [get("https://%s/poll" % hxn), get("https://%s/content/v1/config" % hxn),
                post("https://%s/msg/v1/lo" % hxn, 3000)], "mcafee",
           "vendor mcafee via tls.sni (xAgent poll/config/upload on one TLS 1.2 connection)", tls_max="1.2")
    c.dns(ti, ["api.intelligence.mandiant.com"], "mandiant", "dns: Mandiant TI API")
    c.curl(ti, [post("https://api.intelligence.mandiant.com/token", 200),
                get("https://api.intelligence.mandiant.com/v4/indicator?limit=100", ["X-App-Name: soar-connector"])],
           "mandiant", "vendor mandiant via tls.sni (TI API token + query, keep-alive, TLS 1.3)", tls_max="1.3")
    c.dns(dn, ["hex01.helix.apps.fireeye.com"], "mcafee", "dns: DNS-only lookup, no connection follows")
    c.dns(e, ["en.wikipedia.org"], None, "dns: ordinary name")
    c.curl(e, [get("https://en.wikipedia.org/wiki/Mandiant")], None, "no vendor: ordinary site", tls_max="1.3")


MANDIANT = Scenario(
    "vendor-mandiant",
    "Mandiant and legacy FireEye. 10.20.14.71: Trellix (ex-FireEye) HX xAgent to acme-hx-webui-1.hex01.helix.apps.fireeye.com (poll, config, "
    "upload on one TLS 1.2 connection). 10.20.14.72: threat-intel integration to api.intelligence.mandiant.com. "
    "10.20.14.73: DNS-only lookup of hex01.helix.apps.fireeye.com (no connection). 10.20.14.99: "
    "en.wikipedia.org (no alert).",
    mandiant,
    [A("10.20.14.71", "mcafee", ["tls.sni", "dns.query"], "medium",
       "HX agent to helix.apps.fireeye.com (FireEye HX/Helix is a Trellix product now: vendor mcafee)"),
     A("10.20.14.72", "mandiant", ["tls.sni", "dns.query"], "medium", "api.intelligence.mandiant.com"),
     A("10.20.14.73", "mcafee", ["dns.query"], "low",
       "DNS-only lookup (FireEye HX/Helix is a Trellix product now: vendor mcafee)")],
    ["10.20.14.99", HQ_DNS])


def wiz(c):
    node6, api, e4, e6 = "fd4e:1a2b:3c4d:40::81", "172.16.40.82", "172.16.40.98", "fd4e:1a2b:3c4d:40::98"
    c.dns(node6, [("wizio.azurecr.io", "AAAA")], "wiz", "dns over IPv6: AAAA wizio.azurecr.io")
    c.curl(node6, [get("https://wizio.azurecr.io/v2/sensor/manifests/v1"),
                   get("https://wizio.azurecr.io/v2/sensor/blobs/sha256:3f1c9a")], "wiz",
           "vendor wiz via tls.sni (IPv6: Kubernetes node pulls the Wiz runtime sensor image)", tls_max="1.3",
           family="v6")
    c.dns(api, ["auth.app.wiz.io", "api.us17.app.wiz.io"], "wiz", "dns: Wiz API names")
    c.curl(api, [post("https://auth.app.wiz.io/oauth/token", 300)], "wiz", "vendor wiz via tls.sni (OAuth token)",
           tls_max="1.3")
    c.curl(api, [post("https://api.us17.app.wiz.io/graphql", 2500)], "wiz", "vendor wiz via tls.sni (GraphQL API)",
           tls_max="1.2")
    c.dns(e4, ["mywiz.io", "quiz.io", "wiz.io.example.net", "contoso.azurecr.io"], "decoy", "dns: lookalikes")
    for n in ("mywiz.io", "quiz.io", "wiz.io.example.net", "contoso.azurecr.io"):
        c.curl(e4, [get("https://%s/" % n)], "decoy", "no vendor: lookalike %s" % n, tls_max="1.3")
    c.dns(e6, [("mywiz.io", "AAAA"), ("www.debian.org", "AAAA")], "decoy", "dns over IPv6: lookalike and ordinary")
    c.curl(e6, [get("https://mywiz.io/")], "decoy", "no vendor: lookalike mywiz.io over IPv6", tls_max="1.3", family="v6")
    c.curl(e6, [get("https://www.debian.org/")], None, "no vendor: ordinary site over IPv6", tls_max="1.3", family="v6")


WIZ = Scenario(
    "vendor-wiz",
    "Wiz, branch office with IPv6. fd4e:1a2b:3c4d:40::81: a Kubernetes node resolves wizio.azurecr.io over "
    "IPv6 (AAAA) and pulls the runtime sensor image over IPv6 (two requests, one TLS 1.3 connection). "
    "172.16.40.82: API client to auth.app.wiz.io and api.us17.app.wiz.io. 172.16.40.98 and "
    "fd4e:1a2b:3c4d:40::98: lookalikes mywiz.io, quiz.io, wiz.io.example.net and another tenant's registry "
    "contoso.azurecr.io, plus www.debian.org over IPv6 (no alert).",
    wiz,
    [A("fd4e:1a2b:3c4d:40::81", "wiz", ["tls.sni", "dns.query"], "medium", "IPv6 pull from wizio.azurecr.io"),
     A("172.16.40.82", "wiz", ["tls.sni", "dns.query"], "medium", "app.wiz.io API")],
    ["172.16.40.98", "fd4e:1a2b:3c4d:40::98", BRANCH_DNS, "fd4e:1a2b:3c4d:40::53"])


def recordedfuture(c):
    soar, an, e = "10.20.15.91", "10.20.15.92", "10.20.15.99"
    c.curl(soar, [get("https://api.recordedfuture.com/v2/ip/185.220.101.4?fields=risk", ["X-RFToken: 0f3e6c1d9b"]),
                  get("https://api.recordedfuture.com/v2/domain/example.net?fields=risk", ["X-RFToken: 0f3e6c1d9b"])],
           "recordedfuture",
           "vendor recordedfuture via http.connect + tls.sni (SOAR server through the explicit proxy: CONNECT "
           "api.recordedfuture.com:443, tunnelled TLS 1.3, two requests)", tls_max="1.3", proxy=True,
           ua="python-requests/2.31.0")
    c.dns(an, ["app.recordedfuture.com"], "recordedfuture", "dns: Recorded Future portal")
    c.curl(an, [get("https://app.recordedfuture.com/live/sc/home")], "recordedfuture",
           "vendor recordedfuture via tls.sni (analyst browser)", tls_max="1.3")
    c.curl(e, [get("https://github.com/")], None, "no vendor: CONNECT github.com:443 through the same proxy",
           tls_max="1.3", proxy=True)


RECORDEDFUTURE = Scenario(
    "vendor-recordedfuture",
    "Recorded Future. 10.20.15.91: a SOAR server queries api.recordedfuture.com through the explicit proxy "
    "10.20.0.8:3128 (CONNECT, then tunnelled TLS 1.3, two requests). 10.20.15.92: analyst opens "
    "app.recordedfuture.com directly. 10.20.15.99: github.com through the same proxy (no alert).",
    recordedfuture,
    [A("10.20.15.91", "recordedfuture", ["tls.sni"], "medium", "CONNECT api.recordedfuture.com:443 via proxy"),
     A("10.20.15.92", "recordedfuture", ["tls.sni", "dns.query"], "medium", "app.recordedfuture.com")],
    ["10.20.15.99", HQ_DNS, world.PROXY])


def claroty(c):
    col, dn, e = "192.168.50.21", "192.168.50.22", "192.168.50.99"
    c.dns(col, ["api.medigate.io"], "claroty", "dns: Claroty xDome API (medigate.io)")
    c.curl(col, [post("https://api.medigate.io/api/v1/devices/", 5000)], "claroty",
           "vendor claroty via tls.sni + tls.san (xDome collector upload, TLS 1.2, cert CN=*.medigate.io "
           "SAN *.claroty.com)", tls_max="1.2")
    c.dns(dn, ["eu.api.medigate.io"], "claroty", "dns: DNS-only lookup, no connection follows")
    c.dns(e, ["www.debian.org"], None, "dns: ordinary name")
    c.curl(e, [get("https://www.debian.org/")], None, "no vendor: ordinary site", tls_max="1.3")


CLAROTY = Scenario(
    "vendor-claroty",
    "Claroty, on the OT VLAN 300 (802.1Q-tagged). 192.168.50.21: xDome collector uploads to api.medigate.io "
    "(TLS 1.2; certificate CN=*.medigate.io with SAN *.claroty.com). 192.168.50.22: DNS-only lookup of "
    "eu.api.medigate.io. 192.168.50.99: www.debian.org (no alert).",
    claroty,
    [A("192.168.50.21", "claroty", ["tls.sni", "dns.query"], "medium", "xDome API api.medigate.io"),
     A("192.168.50.22", "claroty", ["dns.query"], "low", "DNS-only lookup")],
    ["192.168.50.99", "192.168.50.53"])


def rapid7(c):
    ag, le, ipo, e = "10.20.16.11", "10.20.16.12", "10.20.16.13", "10.20.16.99"
    c.dns(ag, ["us.main.endpoint.ingress.rapid7.com", "us.storage.endpoint.ingress.rapid7.com"], "rapid7",
          "dns: Insight Agent endpoints")
    c.curl(ag, [post("https://us.main.endpoint.ingress.rapid7.com/", 3000)], "rapid7",
           "vendor rapid7 via tls.sni (agent beacon, TLS 1.2, vendor /24)", tls_max="1.2")
    c.curl(ag, [post("https://us.storage.endpoint.ingress.rapid7.com/", 6000)], "rapid7",
           "vendor rapid7 via tls.sni (agent upload, published address)", tls_max="1.3")
    c.dns(le, ["data.logentries.com"], "rapid7", "dns: InsightOps (logentries.com)")
    c.curl(le, [post("https://data.logentries.com/v1/noformat/2bfbea1e-10c3-4419-bdad-7e6435882e1f", 4000)], "rapid7",
           "vendor rapid7 via tls.sni (log shipping to logentries.com)", tls_max="1.3")
    c.pytls(ipo, "193.149.136.40", 443, "rapid7",
            "vendor rapid7 via ip (TLS 1.3 without SNI and without DNS to the vendor-owned 193.149.136.0/24)",
            sni=None, tls_max="1.3", upload=3000)
    c.dns(e, ["github.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://github.com/")], None, "no vendor: ordinary site", tls_max="1.3")


RAPID7 = Scenario(
    "vendor-rapid7",
    "Rapid7. 10.20.16.11: Insight Agent beacon to us.main.endpoint.ingress.rapid7.com (193.149.136.33, TLS 1.2) "
    "and upload to us.storage.endpoint.ingress.rapid7.com. 10.20.16.12: log shipping to data.logentries.com. "
    "10.20.16.13: TLS 1.3 without SNI and without DNS to 193.149.136.40 (only the vendor-owned address range "
    "identifies it). 10.20.16.99: github.com (no alert).",
    rapid7,
    [A("10.20.16.11", "rapid7", ["tls.sni", "dns.query"], "medium", "Insight Agent"),
     A("10.20.16.12", "rapid7", ["tls.sni", "dns.query"], "medium", "logentries.com"),
     A("10.20.16.13", "rapid7", ["ip"], "low", "address-only: 193.149.136.0/24, no SNI, no DNS")],
    ["10.20.16.99", HQ_DNS])


def checkpoint(c):
    mob6, lap, mgw, e = "fd4e:1a2b:3c4d:40::c1", "172.16.40.72", "172.16.44.25", "172.16.44.99"
    c.dns(mob6, [("gw.locsec.net", "AAAA")], "checkpoint", "dns over IPv6: Harmony Mobile gateway (locsec.net)")
    c.curl(mob6, [post("https://gw.locsec.net/api/v1/device/report", 2500)], "checkpoint",
           "vendor checkpoint via tls.sni (IPv6: Harmony Mobile app)", tls_max="1.3", family="v6")
    c.dns(lap, ["static.perimeter81.com"], "checkpoint", "dns: Harmony SASE (perimeter81.com)")
    c.curl(lap, [get("https://static.perimeter81.com/agents/windows/Harmony_SASE_11.4.2.msi")], "checkpoint",
           "vendor checkpoint via tls.sni (Harmony SASE agent download)", tls_max="1.3")
    c.dns(mgw, ["resolver1.chkp.ctmail.com", "smart-api-production-1-us.avanan.net"], "checkpoint",
          "dns: anti-spam engine (ctmail.com) and Harmony Email (avanan.net)")
    c.curl(mgw, [post("https://smart-api-production-1-us.avanan.net/v1/scan", 3000)], "checkpoint",
           "vendor checkpoint via tls.sni (mail gateway to Harmony Email, TLS 1.2, VLAN 200)", tls_max="1.2")
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("http://example.com/")], None, "no vendor: ordinary plain HTTP (VLAN 200)")


CHECKPOINT = Scenario(
    "vendor-checkpoint",
    "Check Point. fd4e:1a2b:3c4d:40::c1: Harmony Mobile app resolves gw.locsec.net (AAAA) and reports over IPv6. "
    "172.16.40.72: downloads the Harmony SASE agent from static.perimeter81.com. 172.16.44.25 (mail DMZ, VLAN 200): "
    "looks up resolver1.chkp.ctmail.com and posts to smart-api-production-1-us.avanan.net. 172.16.44.99 (VLAN 200): "
    "example.com over HTTP (no alert).",
    checkpoint,
    [A("fd4e:1a2b:3c4d:40::c1", "checkpoint", ["tls.sni", "dns.query"], "medium", "IPv6 to gw.locsec.net"),
     A("172.16.40.72", "checkpoint", ["tls.sni", "dns.query"], "medium", "static.perimeter81.com"),
     A("172.16.44.25", "checkpoint", ["tls.sni", "dns.query"], "medium", "ctmail.com lookup, avanan.net API")],
    ["172.16.44.99", "172.16.44.53"])


def cyberark(c):
    idp, conn, epm, e = "10.20.17.21", "10.20.17.22", "10.20.17.23", "10.20.17.99"
    c.dns(idp, ["acme.my.idaptive.app"], "cyberark", "dns: CyberArk Identity tenant (idaptive.app)")
    c.curl(idp, [post("https://acme.my.idaptive.app/Security/StartAuthentication", 350)], "cyberark",
           "vendor cyberark via tls.sni (CyberArk Identity login)", tls_max="1.3")
    c.dns(conn, ["acme.privilegecloud.cyberark.cloud"], "cyberark", "dns: Privilege Cloud")
    c.curl(conn, [post("https://acme.privilegecloud.cyberark.cloud:1858/", 2000)], "cyberark",
           "vendor cyberark via tls.sni (Privilege Cloud connector to the vault on TCP 1858, TLS 1.2)", tls_max="1.2")
    c.curl(conn, [get("https://acme.privilegecloud.cyberark.cloud/PasswordVault/api/health")], "cyberark",
           "vendor cyberark via tls.sni (Privilege Cloud portal)", tls_max="1.3")
    c.dns(epm, ["na123.epm.cyberark.com"], "cyberark", "dns: EPM agent pod")
    for _ in range(2):
        c.curl(epm, [post("https://na123.epm.cyberark.com/EPM/API/agents/heartbeat", 1200)], "cyberark",
               "vendor cyberark via tls.sni (EPM agent heartbeat)", tls_max="1.3")
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://example.com/")], None, "no vendor: ordinary site", tls_max="1.3")


CYBERARK = Scenario(
    "vendor-cyberark",
    "CyberArk. 10.20.17.21: CyberArk Identity login at acme.my.idaptive.app. 10.20.17.22: Privilege Cloud "
    "connector to acme.privilegecloud.cyberark.cloud on TCP 1858 (TLS 1.2) and 443. 10.20.17.23: EPM agent "
    "heartbeats to na123.epm.cyberark.com (two connections). 10.20.17.99: example.com (no alert).",
    cyberark,
    [A("10.20.17.21", "cyberark", ["tls.sni", "dns.query"], "medium", "idaptive.app"),
     A("10.20.17.22", "cyberark", ["tls.sni", "dns.query"], "medium", "privilegecloud.cyberark.cloud incl. port 1858"),
     A("10.20.17.23", "cyberark", ["tls.sni", "dns.query"], "medium", "epm.cyberark.com heartbeats")],
    ["10.20.17.99", HQ_DNS])


def orca(c):
    aut, adm, dn, e = "10.20.18.31", "10.20.18.32", "10.20.18.33", "10.20.18.99"
    c.dns(aut, ["api.orcasecurity.io"], "orca", "dns: Orca API")
    c.curl(aut, [get("https://api.orcasecurity.io/api/alerts?limit=50", ["Authorization: Token 6d1f0e"]),
                 get("https://api.orcasecurity.io/api/assets?limit=50", ["Authorization: Token 6d1f0e"])], "orca",
           "vendor orca via tls.sni (API automation, two requests, keep-alive)", tls_max="1.3")
    c.dns(adm, ["app.orcasecurity.io"], "orca", "dns: Orca console")
    c.curl(adm, [get("https://app.orcasecurity.io/")], "orca", "vendor orca via tls.sni (console)", tls_max="1.2")
    c.dns(dn, ["app.eu.orcasecurity.io"], "orca", "dns: DNS-only lookup, no connection follows")
    c.dns(e, ["github.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://github.com/")], None, "no vendor: ordinary site", tls_max="1.3")


ORCA = Scenario(
    "vendor-orca",
    "Orca Security. 10.20.18.31: API automation against api.orcasecurity.io (two requests, one connection). "
    "10.20.18.32: console app.orcasecurity.io. 10.20.18.33: DNS-only lookup of app.eu.orcasecurity.io. "
    "10.20.18.99: github.com (no alert).",
    orca,
    [A("10.20.18.31", "orca", ["tls.sni", "dns.query"], "medium", "api.orcasecurity.io"),
     A("10.20.18.32", "orca", ["tls.sni", "dns.query"], "medium", "app.orcasecurity.io"),
     A("10.20.18.33", "orca", ["dns.query"], "low", "DNS-only lookup")],
    ["10.20.18.99", HQ_DNS])


def cato(c):
    cl, sso, dn, e = "172.16.40.61", "172.16.40.62", "172.16.40.63", "172.16.40.97"
    c.dns(cl, ["client-telemetry.main.prod.k8s.catonet.works"], "cato", "dns: Cato client telemetry (catonet.works)")
    c.curl(cl, [post("https://client-telemetry.main.prod.k8s.catonet.works/v1/metrics", 4000)], "cato",
           "vendor cato via tls.sni (Cato client telemetry)", tls_max="1.3")
    c.pytls(sso, "85.255.31.1", 443, "cato",
            "vendor cato via ip (TLS 1.3 without SNI and without DNS to the published Cato SSO address 85.255.31.1)",
            sni=None, tls_max="1.3", upload=1500)
    c.dns(dn, ["vpn.catonetworks.net"], "cato", "dns: DNS-only lookup, no connection follows")
    c.dns(e, ["en.wikipedia.org"], None, "dns: ordinary name")
    c.curl(e, [get("https://en.wikipedia.org/wiki/SASE")], None, "no vendor: ordinary site", tls_max="1.3")


CATO = Scenario(
    "vendor-cato",
    "Cato Networks, branch 172.16.40.0/24. 172.16.40.61: Cato client telemetry to "
    "client-telemetry.main.prod.k8s.catonet.works. 172.16.40.62: TLS 1.3 without SNI and without DNS to the "
    "published Cato SSO address 85.255.31.1. 172.16.40.63: DNS-only lookup of vpn.catonetworks.net. "
    "172.16.40.97: en.wikipedia.org (no alert).",
    cato,
    [A("172.16.40.61", "cato", ["tls.sni", "dns.query"], "medium", "catonet.works telemetry"),
     A("172.16.40.62", "cato", ["ip"], "low", "address-only: 85.255.31.1"),
     A("172.16.40.63", "cato", ["dns.query"], "low", "DNS-only lookup")],
    ["172.16.40.97", BRANCH_DNS])


def imperva(c):
    vis, origin, e = "10.20.9.41", "10.20.9.80", "10.20.9.99"
    c.dns(vis, ["www.shop-example.com"], "imperva",
          "dns: www.shop-example.com CNAME abc123.x.incapdns.net A 45.60.33.17 (Imperva edge)")
    c.curl(vis, [get("https://www.shop-example.com/"), get("https://www.shop-example.com/cart")], "imperva",
           "vendor imperva via dns.cname (visitor of an Imperva-fronted site: CDN edge only, low)", tls_max="1.3")
    xff = ["X-Forwarded-For: 198.51.100.77"]
    c.curl(origin, [get("https://www.shop-example.com/", xff, ip=origin),
                    get("https://www.shop-example.com/products/42", xff, ip=origin),
                    get("https://www.shop-example.com/cart", xff, ip=origin)], "imperva",
           "vendor imperva via ip (INBOUND: the Imperva proxy 45.60.91.200 fetches from the internal origin "
           "10.20.9.80; the origin is an Imperva customer; host = responder)",
           tls_max="1.3", src="45.60.91.200", flow_host=origin, kind="tls-inbound")
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://example.com/")], None, "no vendor: ordinary site", tls_max="1.3")


IMPERVA = Scenario(
    "vendor-imperva",
    "Imperva. 10.20.9.41: visits www.shop-example.com, which is a CNAME to abc123.x.incapdns.net (A 45.60.33.17, "
    "an Imperva edge), over TLS 1.3 with SNI www.shop-example.com: CDN edge only, low confidence. 10.20.9.80: an "
    "internal origin web server that receives HTTPS from the Imperva proxy 45.60.91.200 (inbound flow; the "
    "internal host is the responder). 10.20.9.99: example.com (no alert).",
    imperva,
    [A("10.20.9.41", "imperva", ["dns.cname"], "low", "incapdns.net CNAME target, Imperva edge address"),
     A("10.20.9.80", "imperva", ["ip"], "low", "inbound from the Imperva proxy range 45.60.0.0/16")],
    ["10.20.9.99", HQ_DNS])


def decoys(c):
    h1, h2, h3, h6 = "10.20.20.51", "10.20.20.52", "10.20.20.54", "fd4e:1a2b:3c4d:40::a1"
    c.dns(h1, ["mywiz.io", "quiz.io", "wiz.io.example.net", "example.com"], "decoy", "dns: lookalikes of wiz.io")
    c.curl(h1, [get("https://mywiz.io/")], "decoy", "no vendor: lookalike mywiz.io", tls_max="1.3")
    c.curl(h1, [get("https://quiz.io/")], "decoy", "no vendor: lookalike quiz.io", tls_max="1.2")
    c.curl(h1, [get("https://wiz.io.example.net/")], "decoy", "no vendor: lookalike wiz.io.example.net", tls_max="1.3")
    c.curl(h1, [get("https://example.com/")], None, "no vendor: ordinary site", tls_max="1.3")
    c.dns(h2, ["notcrowdstrike.com", "crowdstrike.com.evil.example", "cloudsink.net.example.org", "en.wikipedia.org"],
          "decoy", "dns: lookalikes of crowdstrike.com / cloudsink.net")
    c.curl(h2, [get("https://notcrowdstrike.com/")], "decoy", "no vendor: lookalike notcrowdstrike.com", tls_max="1.3")
    c.curl(h2, [get("http://notcrowdstrike.com/download/falcon-sensor.exe")], "decoy",
           "no vendor: lookalike in an HTTP Host header")
    c.curl(h2, [get("https://crowdstrike.com.evil.example/")], "decoy",
           "no vendor: vendor name as a left-hand label of another domain", tls_max="1.2")
    c.curl(h2, [get("https://cloudsink.net.example.org/")], "decoy",
           "no vendor: vendor suffix as a left-hand label of another domain", tls_max="1.3")
    c.curl(h2, [get("https://en.wikipedia.org/wiki/Typosquatting")], None, "no vendor: ordinary site", tls_max="1.3")
    c.dns(h3, ["myfortinet.example", "contoso.azurecr.io", "github.com", "deb.debian.org"], "decoy",
          "dns: lookalike and shared-cloud names")
    c.curl(h3, [get("https://myfortinet.example/")], "decoy", "no vendor: lookalike myfortinet.example", tls_max="1.3")
    c.curl(h3, [get("https://contoso.azurecr.io/v2/")], "decoy",
           "no vendor: another tenant's Azure registry (azurecr.io is shared)", tls_max="1.3")
    c.curl(h3, [get("https://quiz.io/")], "decoy", "no vendor: CONNECT quiz.io:443 through the explicit proxy",
           tls_max="1.3", proxy=True)
    c.curl(h3, [get("https://github.com/")], None, "no vendor: ordinary site", tls_max="1.3")
    c.curl(h3, [get("http://deb.debian.org/debian/dists/bookworm/Release")], None, "no vendor: ordinary plain HTTP")
    c.dns(h6, [("mywiz.io", "AAAA"), ("www.debian.org", "AAAA")], "decoy", "dns over IPv6")
    c.curl(h6, [get("https://mywiz.io/")], "decoy", "no vendor: lookalike mywiz.io over IPv6", tls_max="1.3",
           family="v6")
    c.curl(h6, [get("https://www.debian.org/")], None, "no vendor: ordinary site over IPv6", tls_max="1.3",
           family="v6")


DECOYS = Scenario(
    "decoys",
    "Decoys only: nothing here may alert. 10.20.20.51: mywiz.io, quiz.io, wiz.io.example.net, example.com. "
    "10.20.20.52: notcrowdstrike.com (TLS and an HTTP Host header), crowdstrike.com.evil.example, "
    "cloudsink.net.example.org, en.wikipedia.org. 10.20.20.54: myfortinet.example, another tenant's registry "
    "contoso.azurecr.io, quiz.io through the explicit proxy, github.com, deb.debian.org over HTTP. "
    "fd4e:1a2b:3c4d:40::a1: mywiz.io and www.debian.org over IPv6.",
    decoys,
    [],
    ["10.20.20.51", "10.20.20.52", "10.20.20.54", "fd4e:1a2b:3c4d:40::a1", HQ_DNS, "fd4e:1a2b:3c4d:40::53",
     world.PROXY])

ALL = [DEMO, CROWDSTRIKE, VMWARE, PALOALTO, FORTINET, SENTINELONE, MCAFEE, MANDIANT, WIZ, RECORDEDFUTURE, CLAROTY,
       RAPID7, CHECKPOINT, CYBERARK, ORCA, CATO, IMPERVA, DECOYS]
