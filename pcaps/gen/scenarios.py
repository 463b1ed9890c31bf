"""The captures: what each host does, and the alerts a correct classifier must raise.

Each scenario is a function run(ctx) that drives real clients (dig, curl, Python ssl, OpenSSH,
syslog senders) against real servers, plus the declared expectations:
  - alerts (host, vendor, host_role, via, min_confidence, product, note): the vendor events a
    correct classifier writes under default settings;
  - instances (ip, vendor, product, clients): where a product runs inside the network;
  - web (host, vendor): web presence (vendor web sites, sites behind a vendor CDN), no event;
  - inspection (vendor, ca_contains): TLS-interception CAs seen (one finding each);
  - no_alert_hosts: hosts with no vendor event at all;
  - dns_unsolicited: DNS responses that answer no query of the host (forged ones);
  - own_domains / own_sites: run with `--own-domains <own_domains>`, the own names answered into
    a vendor's edge are product instances at the name's published address (own_sites: name,
    ip, vendor, product, cname), and nothing else becomes an instance.
bytes_to_vendor, names and flows are NOT declared here: generate.py measures them from the
finished capture, and checks the declarations against what the clients did.
"""

import base64
import hashlib
import time

import actions
import world

HQ_DNS = "10.20.0.53"
BRANCH_DNS = "172.16.40.53"
GP_UA = "PAN GlobalProtect"


def A(host, vendor, via, conf, note, role="client", product=None):
    """An expected vendor event about host; role "server" = host runs the product (an instance)."""
    return {"host": host, "vendor": vendor, "host_role": role, "via": via, "min_confidence": conf,
            "product": product, "note": note}


def I(ip, vendor, product, clients, note):
    """An expected product instance: the product runs on ip (inside the network); clients are the
    internal hosts seen using it. product None: the product id is not settled in signatures yet,
    only vendor and role are expected (the note says so)."""
    return {"ip": ip, "vendor": vendor, "product": product, "clients": sorted(clients), "note": note}


def W(host, vendor, note):
    """Expected web presence: host read vendor's public web (or a site behind its CDN); no event."""
    return {"host": host, "vendor": vendor, "note": note}


def X(vendor, ca_contains, note):
    """An expected TLS-inspection finding: certificates issued by vendor's interception CA."""
    return {"vendor": vendor, "ca_contains": ca_contains, "note": note}




def post(url, n):
    return {"url": url, "method": "POST", "upload": n}


def get(url, headers=(), ip=None):
    return {"url": url, "headers": list(headers), "ip": ip}


class Scenario:
    def __init__(self, name, description, run, alerts, no_alert_hosts, instances=(), web=(), inspection=(),
                 dns_unsolicited=None, own_domains=None, own_sites=()):
        self.name, self.description, self.run = name, description, run
        self.alerts, self.no_alert_hosts = alerts, no_alert_hosts
        self.instances, self.web, self.inspection = list(instances), list(web), list(inspection)
        self.dns_unsolicited = dns_unsolicited
        self.own_domains, self.own_sites = own_domains, list(own_sites)


# ---------------------------------------------------------------------------------------------
# demo.pcap
# ---------------------------------------------------------------------------------------------


DEMO_ADMIN, DEMO_VC, DEMO_ESX, DEMO_VAULT, DEMO_SIEM = "10.20.0.5", "10.20.0.20", "10.20.0.21", "10.20.0.30", "10.20.0.50"
DEMO_VAULT_CEF = [
    '<190>Mar 11 08:30:09 VAULT01 CEF:0|Cyber-Ark|Vault|12.6.0000|7|Logon|5|act="Logon" suser=a.chen fname= dvc= '
    'shost=10.20.0.5 dhost= duser= externalId= app= reason= cs1Label="Affected User Name" cs1= cs2Label="Safe Name" '
    'cs2= cs3Label="Device Type" cs3= cs4Label="Database" cs4= cs5Label="Other info" cs5=10.20.0.5 '
    'cn1Label="Request Id" cn1= cn2Label="Ticket Id" cn2=  msg=',
    '<190>Mar 11 08:30:10 VAULT01 CEF:0|Cyber-Ark|Vault|12.6.0000|295|Retrieve password|5|act="Retrieve password" '
    'suser=a.chen fname=Root\\Operating System-WinDomain-office.example-adm.chen dvc= shost=10.20.0.5 '
    'dhost=office.example duser=adm.chen externalId= app= reason="CHG-1182" cs1Label="Affected User Name" cs1= '
    'cs2Label="Safe Name" cs2=T0-Admins cs3Label="Device Type" cs3="Operating System" cs4Label="Database" cs4= '
    'cs5Label="Other info" cs5= cn1Label="Request Id" cn1= cn2Label="Ticket Id" cn2=CHG-1182  msg=CHG-1182',
]


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
    # On-premises part: where products run inside the office network.
    c.pause(0.5, 1.0)
    c.banner_tls(DEMO_VC, DEMO_ESX, 902, "vmware",
                 "instance vmware (ESXi authd) via banner: '220 VMware Authentication Daemon', then TLS 1.2 with the "
                 "default host certificate; the vCenter is its client", b"SESSION 52 0d 1a 81 vpxa-login\r\n",
                 instance=DEMO_ESX, client=DEMO_VC)
    c.curl(DEMO_ADMIN, [get("https://10.20.0.1/login")], "fortinet",
           "instance fortinet (the FortiGate's own web interface) via tls.subject (TLS 1.2, factory certificate "
           "OU=FortiGate, O=Fortinet); the admin workstation is its client", tls_max="1.2", instance=fw,
           client=DEMO_ADMIN)
    c.syslog(DEMO_VAULT, DEMO_SIEM, 514, DEMO_VAULT_CEF, "cyberark",
             "instance cyberark (Vault) via syslog: CEF:0|Cyber-Ark|Vault| over UDP 514; the SIEM receives it",
             client=DEMO_SIEM)


DEMO = Scenario(
    "demo",
    "Bundled demo. Office LAN 10.20.0.0/24 with resolver 10.20.0.53. 10.20.0.1 is the FortiGate firewall "
    "(FortiGuard update check to globalupdate.fortinet.net); 10.20.0.11 a finance laptop with the CrowdStrike "
    "Falcon sensor (ts01-gyr-maverick.cloudsink.net) that also browses Wikipedia; 10.20.0.12 a developer "
    "workstation with the Carbon Black Cloud sensor (dev-prod05.conferdeploy.net over TLS, signature packs from "
    "updates2.cdc.carbonblack.io over plain HTTP) that also opens github.com; 10.20.0.13 a sales laptop running "
    "Palo Alto GlobalProtect against Prisma Access (acme-corp.gpcloudservice.com); 10.20.0.14 an application "
    "server with the Rapid7 Insight Agent (us.main.endpoint.ingress.rapid7.com, 193.149.136.33); 10.20.0.99 a "
    "guest machine that visits lookalikes (notcrowdstrike.com, mywiz.io) and www.debian.org and must not alert. "
    "On-premises part: the vCenter 10.20.0.20 connects to the ESXi host 10.20.0.21 (authd banner on TCP 902, then "
    "TLS), the admin workstation 10.20.0.5 opens the FortiGate's own web interface (10.20.0.1, factory "
    "certificate OU=FortiGate, O=Fortinet), and the CyberArk Vault 10.20.0.30 sends CEF syslog to the SIEM "
    "10.20.0.50.",
    demo,
    [A("10.20.0.1", "fortinet", ["tls.sni", "dns.query"], "medium", "FortiGate update check to globalupdate.fortinet.net"),
     A("10.20.0.11", "crowdstrike", ["tls.sni", "dns.query"], "medium", "Falcon sensor TLS to ts01-gyr-maverick.cloudsink.net"),
     A("10.20.0.12", "vmware", ["tls.sni", "http.host", "dns.query"], "medium",
       "Carbon Black sensor (conferdeploy.net) and signature updates (carbonblack.io)"),
     A("10.20.0.13", "paloalto", ["tls.sni", "dns.query"], "medium", "GlobalProtect portal acme-corp.gpcloudservice.com"),
     A("10.20.0.14", "rapid7", ["tls.sni", "dns.query"], "medium", "Insight Agent to us.main.endpoint.ingress.rapid7.com"),
     A(DEMO_ESX, "vmware", ["banner"], "medium", "ESXi authd banner on TCP 902", role="server"),
     A(DEMO_VC, "vmware", [], "low", "the vCenter uses the ESXi host (client of instance 10.20.0.21)"),
     A("10.20.0.1", "fortinet", ["tls.subject"], "medium", "the FortiGate's web interface: factory certificate",
       role="server"),
     A(DEMO_ADMIN, "fortinet", [], "low", "the admin opens the FortiGate GUI (client of instance 10.20.0.1)"),
     A(DEMO_VAULT, "cyberark", ["syslog"], "medium", "CEF:0|Cyber-Ark|Vault| to the SIEM", role="server"),
     A(DEMO_SIEM, "cyberark", [], "low", "the SIEM receives the Vault's CEF (internal peer of the instance)")],
    ["10.20.0.99", HQ_DNS],
    instances=[I(DEMO_ESX, "vmware", "esxi", [DEMO_VC], "ESXi"),
               I("10.20.0.1", "fortinet", "fortigate-appliance", [DEMO_ADMIN], "FortiGate"),
               I(DEMO_VAULT, "cyberark", "vault", [DEMO_SIEM], "CyberArk Vault")])

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
          "dns: www.shop-example.com CNAME abc123.x.incapdns.net A 45.60.33.17 (Imperva edge): web presence",
          usage="web")
    c.curl(vis, [get("https://www.shop-example.com/"), get("https://www.shop-example.com/cart")], "imperva",
           "web presence imperva via dns.cname (a visitor of someone else's site served through Imperva's CDN: "
           "no vendor event, counted under web)", tls_max="1.3", usage="web")
    xff = ["X-Forwarded-For: 198.51.100.77"]
    c.curl(origin, [get("https://www.shop-example.com/", xff, ip=origin),
                    get("https://www.shop-example.com/products/42", xff, ip=origin),
                    get("https://www.shop-example.com/cart", xff, ip=origin)], "imperva",
           "instance imperva via ip.inbound (INBOUND: the Imperva proxy 45.60.91.200 fetches from the internal "
           "origin 10.20.9.80, which is therefore behind Imperva's cloud WAF; host = responder, host_role server)",
           tls_max="1.3", src="45.60.91.200", flow_host=origin, kind="tls-inbound", instance=origin)
    c.dns(e, ["example.com"], None, "dns: ordinary name")
    c.curl(e, [get("https://example.com/")], None, "no vendor: ordinary site", tls_max="1.3")


IMPERVA = Scenario(
    "vendor-imperva",
    "Imperva. 10.20.9.41: visits www.shop-example.com, which is a CNAME to abc123.x.incapdns.net (A 45.60.33.17, "
    "an Imperva edge), over TLS 1.3 with SNI www.shop-example.com: web presence only (a site behind Imperva's "
    "CDN), no vendor event, a web entry. 10.20.9.80: an internal origin web server that receives HTTPS from the "
    "Imperva proxy 45.60.91.200 (inbound flow; the internal host is the responder): an Imperva instance "
    "(host_role server). 10.20.9.99: example.com (no alert).",
    imperva,
    [A("10.20.9.80", "imperva", ["ip.inbound"], "low",
       "inbound from the Imperva proxy range 45.60.0.0/16 into the internal origin (one flow: low is enough)",
       role="server")],
    ["10.20.9.99", "10.20.9.41", HQ_DNS],
    instances=[I("10.20.9.80", "imperva", "cdn-edge", [], "origin behind Imperva's cloud WAF")],
    web=[W("10.20.9.41", "imperva", "visitor of a site behind Imperva's CDN (incapdns.net CNAME, edge address)")])


# ---------------------------------------------------------------------------------------------
# precision.pcap: traps that must not raise a vendor event (issue 12)
# ---------------------------------------------------------------------------------------------

P_MKT, P_DOCS, P_CDN, P_AGENT = "10.20.21.11", "10.20.21.12", "10.20.21.13", "10.20.21.21"
P_UNSOL, P_BADID, P_BADQ, P_BADTUPLE = "10.20.21.31", "10.20.21.32", "10.20.21.33", "10.20.21.34"
P_TTL0, P_TTL2, P_LOOK = "10.20.21.41", "10.20.21.42", "10.20.21.51"
P_LOOK_FGT, P_LOOK_VMUG = "10.20.21.60", "10.20.21.61"

# vendor web presence read by the two browsing hosts: (host, name, vendor, path, TLS version)
P_VISITS = [
    (P_MKT, "www.paloaltonetworks.com", "paloalto", "/cortex/xdr", "1.3"),
    (P_MKT, "www.fortinet.com", "fortinet", "/products/next-generation-firewall", "1.3"),
    (P_MKT, "www.zonealarm.com", "checkpoint", "/software/free-antivirus", "1.3"),
    (P_MKT, "www.trustedsource.org", "mcafee", "/en/feedback/url", "1.2"),
    (P_MKT, "www.rapid7.com", "rapid7", "/products/insightvm/", "1.3"),
    (P_MKT, "www.perimeter81.com", "checkpoint", "/pricing", "1.3"),
    (P_MKT, "www.cloudgenix.com", "paloalto", "/", "1.2"),
    (P_DOCS, "docs.paloaltonetworks.com", "paloalto", "/pan-os/11-1/pan-os-admin", "1.2"),
    (P_DOCS, "live.paloaltonetworks.com", "paloalto", "/t5/general-topics/bd-p/General_Topics", "1.3"),
    (P_DOCS, "docs.prismacloud.io", "paloalto", "/en/enterprise-edition/policy-reference/aws-policies", "1.3"),
    (P_DOCS, "docs.fortinet.com", "fortinet", "/document/fortigate/7.4.3/administration-guide", "1.3"),
    (P_DOCS, "community.fortinet.com", "fortinet", "/t5/FortiGate/ct-p/fortigate", "1.3"),
    (P_DOCS, "library.humio.com", "crowdstrike", "/falcon-logscale/", "1.3"),
    (P_DOCS, "help.medigate.io", "claroty", "/hc/en-us", "1.3"),
    (P_DOCS, "docs.orcasecurity.io", "orca", "/docs/getting-started", "1.2"),
    (P_DOCS, "docs.rapid7.com", "rapid7", "/insightvm/", "1.3"),
]


def precision(c):
    # 1. A marketing visit; the same host's Falcon sensor connects a minute later (step 6).
    c.dns(P_AGENT, ["www.crowdstrike.com"], "crowdstrike", "dns: crowdstrike.com marketing site (web presence)",
          usage="web")
    c.curl(P_AGENT, [get("https://www.crowdstrike.com/"), get("https://www.crowdstrike.com/platform/")], "crowdstrike",
           "web presence crowdstrike (marketing site, TLS 1.3); the sensor follows a minute later", tls_max="1.3",
           usage="web")
    visit_done = time.time()
    # 2. Marketing, documentation and community visits (web presence, no event).
    for host, name, vendor, path, tls in P_VISITS:
        c.dns(host, [name], vendor, "dns: %s (web presence)" % name, usage="web")
        c.curl(host, [get("https://%s%s" % (name, path))], vendor,
               "web presence %s: %s (TLS %s)" % (vendor, name, tls), tls_max=tls, usage="web")
    # 3. A site behind Imperva's CDN.
    c.dns(P_CDN, ["www.news-example.org"], "imperva",
          "dns: www.news-example.org CNAME d8k2x.x.incapdns.net A 45.60.12.34 (Imperva edge)", usage="web")
    c.curl(P_CDN, [get("https://www.news-example.org/"), get("https://www.news-example.org/world/")], "imperva",
           "web presence imperva: a news site served through Imperva's CDN (dns.cname into incapdns.net)",
           tls_max="1.3", usage="web")
    # 4. DNS traps, each followed by an SNI-less TLS 1.3 connection to the address it names.
    c.forged_dns(P_UNSOL, HQ_DNS, "ts01-b.cloudsink.net", [("ts01-b.cloudsink.net", "A", "198.51.100.23")], "decoy",
                 "forged dns: UNSOLICITED response (the host sent no query on this flow) naming "
                 "ts01-b.cloudsink.net -> 198.51.100.23; teaches nothing")
    c.pytls(P_UNSOL, "198.51.100.23", 443, "decoy",
            "no vendor: SNI-less TLS 1.3 to the address only the unsolicited response tied to cloudsink.net",
            sni=None, tls_max="1.3", upload=1200)
    slow = world.SLOW_RESOLVER
    q1 = "intranet.corp-example.com"
    c.stub_query(P_BADID, slow, q1, "decoy",
                 "dns: stub query for intranet.corp-example.com to the slow resolver 10.20.0.54; while it is open "
                 "a forged response with the WRONG ID (right question) says CNAME usea1-partners.sentinelone.net "
                 "A 198.51.100.24; then the resolver's own SERVFAIL",
                 forged=[(lambda qid: actions.dns_response(qid ^ 0x5A5A, q1, [
                     (q1, "CNAME", "usea1-partners.sentinelone.net"),
                     ("usea1-partners.sentinelone.net", "A", "198.51.100.24")]), q1)])
    c.pytls(P_BADID, "198.51.100.24", 443, "decoy",
            "no vendor: SNI-less TLS 1.3 to the address only the wrong-id response tied to sentinelone.net",
            sni=None, tls_max="1.3", upload=1200)
    q2 = "intranet.corp-example.com"
    c.stub_query(P_BADQ, slow, q2, "decoy",
                 "dns: stub query for intranet.corp-example.com to the slow resolver; while it is open a forged "
                 "response with the RIGHT ID but the WRONG QUESTION (lfodown01-gyr-maverick.cloudsink.net A "
                 "198.51.100.25); then the resolver's own SERVFAIL",
                 forged=[(lambda qid: actions.dns_response(qid, "lfodown01-gyr-maverick.cloudsink.net", [
                     ("lfodown01-gyr-maverick.cloudsink.net", "A", "198.51.100.25")]),
                     "lfodown01-gyr-maverick.cloudsink.net")])
    c.pytls(P_BADQ, "198.51.100.25", 443, "decoy",
            "no vendor: SNI-less TLS 1.3 to the address only the wrong-question response tied to cloudsink.net",
            sni=None, tls_max="1.3", upload=1200)
    q3 = "wpad.corp-example.com"
    c.stub_query(P_BADTUPLE, slow, q3, "decoy",
                 "dns: stub query for wpad.corp-example.com to the slow resolver (answered SERVFAIL)")
    c.forged_dns(P_BADTUPLE, HQ_DNS, q3, [(q3, "CNAME", "globalupdate.fortinet.net"),
                                         ("globalupdate.fortinet.net", "A", "198.51.100.26")], "decoy",
                 "forged dns: right question, but from ANOTHER resolver (10.20.0.53, not the 10.20.0.54 that was "
                 "asked) and on another flow: CNAME globalupdate.fortinet.net A 198.51.100.26; unsolicited",
                 host_port=c.flows[-1].cport)
    c.pytls(P_BADTUPLE, "198.51.100.26", 443, "decoy",
            "no vendor: SNI-less TLS 1.3 to the address only the mismatched response tied to fortinet.net",
            sni=None, tls_max="1.3", upload=1200)
    # 5. Short TTLs: the answer has expired when the SNI-less connection starts; it still counts.
    c.dns(P_TTL0, ["usea1-017.sentinelone.net"], "sentinelone",
          "dns: usea1-017.sentinelone.net A 3.212.115.40 with TTL 0")
    c.pytls(P_TTL0, "3.212.115.40", 443, "sentinelone",
            "vendor sentinelone via dns.cache (TLS 1.3 without SNI right after a TTL-0 answer)", sni=None,
            tls_max="1.3", upload=3000, path="/web/api/v2.1/agents/heartbeat")
    c.dns(P_TTL2, ["ts01-lanner-lion.cloudsink.net"], "crowdstrike",
          "dns: ts01-lanner-lion.cloudsink.net A 18.184.114.155 with TTL 2")
    time.sleep(3.5)
    c.pytls(P_TTL2, "18.184.114.155", 443, "crowdstrike",
            "vendor crowdstrike via dns.cache (TLS 1.3 without SNI 3.5 s after an answer with TTL 2)", sni=None,
            tls_max="1.3", upload=3000)
    # 6. Lookalike certificate organisations (TLS 1.2: the certificates are visible).
    c.dns(P_LOOK, ["fanclub.example.org", "portal.pamf.example", "fgt-lab.corp-example.com",
                   "vmug.corp-example.com"], "decoy", "dns: lookalike-certificate sites")
    c.curl(P_LOOK, [get("https://fanclub.example.org/")], "decoy",
           "no vendor: certificate O=CrowdStrike Fan Club (lookalike of O=CrowdStrike, Inc.)", tls_max="1.2")
    c.curl(P_LOOK, [get("https://portal.pamf.example/")], "decoy",
           "no vendor: certificate O=Palo Alto Medical Foundation, L=Palo Alto (lookalike of O=Palo Alto Networks)",
           tls_max="1.2")
    c.curl(P_LOOK, [get("https://fgt-lab.corp-example.com/")], "decoy",
           "no vendor, no instance: INTERNAL server whose certificate has OU=FortiGate-Lab, O=Example Training Ltd "
           "(lookalike of OU=FortiGate + O=Fortinet)", tls_max="1.2")
    c.curl(P_LOOK, [get("https://vmug.corp-example.com/")], "decoy",
           "no vendor, no instance: INTERNAL server whose certificate has O=VMUG, OU=VMware User Group "
           "(lookalike of OU=VMware)", tls_max="1.2")
    # 7. The sensor, a minute after the marketing visit: a high alert that dedup must not swallow.
    time.sleep(max(0.0, 60.0 - (time.time() - visit_done)))
    c.dns(P_AGENT, ["ts01-b.cloudsink.net"], "crowdstrike", "dns: Falcon sensor cloud name")
    c.curl(P_AGENT, [post("https://ts01-b.cloudsink.net/", 12000)], "crowdstrike",
           "vendor crowdstrike via tls.sni + dns.query (Falcon sensor event channel, TLS 1.2, cert O=CrowdStrike, "
           "Inc.), one minute after the same host read www.crowdstrike.com", tls_max="1.2")


PRECISION = Scenario(
    "precision",
    "Precision traps (issue 12), HQ 10.20.21.0/24. 10.20.21.11 reads vendors' marketing sites "
    "(www.paloaltonetworks.com, www.fortinet.com, www.zonealarm.com, www.trustedsource.org, www.rapid7.com, "
    "www.perimeter81.com, www.cloudgenix.com) and 10.20.21.12 their documentation and community sites "
    "(docs.paloaltonetworks.com, live.paloaltonetworks.com, docs.prismacloud.io, docs.fortinet.com, "
    "community.fortinet.com, library.humio.com, help.medigate.io, docs.orcasecurity.io, docs.rapid7.com): web "
    "presence, no vendor event. 10.20.21.13 reads www.news-example.org, a CNAME into Imperva's incapdns.net with "
    "an Imperva edge address: web presence. 10.20.21.21 reads www.crowdstrike.com, and a minute later its Falcon "
    "sensor connects to ts01-b.cloudsink.net: a high CrowdStrike event that de-duplication must not swallow. "
    "DNS traps, each followed by an SNI-less TLS 1.3 connection to the address they name: 10.20.21.31 receives an "
    "unsolicited response (no query) for ts01-b.cloudsink.net; 10.20.21.32 a response with the wrong id "
    "(CNAME to usea1-partners.sentinelone.net); 10.20.21.33 one with the right id but the wrong question "
    "(lfodown01-gyr-maverick.cloudsink.net); 10.20.21.34 one with the right question from a resolver it did not ask "
    "(CNAME to globalupdate.fortinet.net); none may make a vendor user, all four are counted as unsolicited. "
    "Short TTLs: 10.20.21.41 resolves usea1-017.sentinelone.net (TTL 0) and 10.20.21.42 "
    "ts01-lanner-lion.cloudsink.net (TTL 2, connects 3.5 s later); both SNI-less TLS 1.3 flows must still be "
    "attributed through the DNS cache. 10.20.21.51 opens TLS 1.2 sites whose certificates imitate vendor "
    "organisations: O=CrowdStrike Fan Club, O=Palo Alto Medical Foundation, and two internal servers "
    "(10.20.21.60 OU=FortiGate-Lab, 10.20.21.61 OU=VMware User Group) that must not become instances.",
    precision,
    [A(P_AGENT, "crowdstrike", ["tls.sni", "dns.query"], "high",
       "Falcon sensor (ts01-b.cloudsink.net) a minute after a www.crowdstrike.com visit: the high event must be "
       "written although a web visit of the same vendor came first", product="falcon-sensor"),
     A(P_TTL0, "sentinelone", ["dns.query", "dns.cache"], "medium",
       "SNI-less TLS right after an answer with TTL 0: the cache keeps answers for --dns-min-ttl (60 s)"),
     A(P_TTL2, "crowdstrike", ["dns.query", "dns.cache"], "medium",
       "SNI-less TLS 3.5 s after an answer with TTL 2: the cache keeps answers for --dns-min-ttl (60 s)")],
    [P_MKT, P_DOCS, P_CDN, P_UNSOL, P_BADID, P_BADQ, P_BADTUPLE, P_LOOK, P_LOOK_FGT, P_LOOK_VMUG, HQ_DNS,
     world.SLOW_RESOLVER],
    web=[W(P_MKT, v, "marketing site(s) of %s" % v) for v in ("paloalto", "fortinet", "checkpoint", "mcafee", "rapid7")]
    + [W(P_DOCS, v, "documentation/community site(s) of %s" % v)
       for v in ("paloalto", "fortinet", "crowdstrike", "claroty", "orca", "rapid7")]
    + [W(P_CDN, "imperva", "a site behind Imperva's CDN (incapdns.net CNAME, 45.60.12.34)")],
    dns_unsolicited=4)


# ---------------------------------------------------------------------------------------------
# onprem.pcap: where the products run inside the network (issue 16)
# ---------------------------------------------------------------------------------------------

O_FGT, O_FGT_SSH, O_PAN = "10.20.40.1", "10.20.40.3", "10.20.40.5"
O_VC, O_ESX1, O_ESX2 = "10.20.40.10", "10.20.40.11", "10.20.40.12"
O_EPO, O_AGENTS = "10.20.40.20", ["10.20.40.101", "10.20.40.102", "10.20.40.103"]
O_VAULT, O_CTD, O_SIEM = "10.20.40.30", "10.20.40.31", "10.20.40.50"
O_ORIGIN, O_ADMIN = "10.20.40.80", "10.20.40.200"
O_INSPECTED = ["10.20.40.121", "10.20.40.122", "10.20.40.123"]
O_EDGES = ["45.60.91.200", "45.60.91.201", "45.223.20.14", "199.83.130.7"]


def _bsd(t):
    """RFC 3164 timestamp for syslog lines (onprem.pcap starts 2025-03-11 11:40:00 UTC)."""
    return "Mar 11 %s" % t


VAULT_CEF = [
    '<190>%s VAULT01 CEF:0|Cyber-Ark|Vault|12.6.0000|7|Logon|5|act="Logon" suser=j.meyer fname= dvc= '
    'shost=10.20.40.200 dhost= duser= externalId= app= reason= cs1Label="Affected User Name" cs1= '
    'cs2Label="Safe Name" cs2= cs3Label="Device Type" cs3= cs4Label="Database" cs4= cs5Label="Other info" '
    'cs5=10.20.40.200 cn1Label="Request Id" cn1= cn2Label="Ticket Id" cn2=  msg=' % _bsd("11:40:03"),
    '<190>%s VAULT01 CEF:0|Cyber-Ark|Vault|12.6.0000|295|Retrieve password|5|act="Retrieve password" '
    'suser=j.meyer fname=Root\\Operating System-WinDomain-corp-example.com-adm.meyer dvc= shost=10.20.40.200 '
    'dhost=corp-example.com duser=adm.meyer externalId= app= reason="INC-20417 patch window" '
    'cs1Label="Affected User Name" cs1= cs2Label="Safe Name" cs2=T0-DomainAdmins cs3Label="Device Type" '
    'cs3="Operating System" cs4Label="Database" cs4= cs5Label="Other info" cs5= cn1Label="Request Id" cn1= '
    'cn2Label="Ticket Id" cn2=INC-20417  msg=INC-20417' % _bsd("11:40:03"),
    '<190>%s VAULT01 CEF:0|Cyber-Ark|Vault|12.6.0000|22|CPM Verify Password|5|act="CPM Verify Password" '
    'suser=PasswordManager fname=Root\\Operating System-WinDomain-corp-example.com-svc.backup dvc= '
    'shost=10.20.40.32 dhost=corp-example.com duser=svc.backup externalId= app= reason= '
    'cs1Label="Affected User Name" cs1= cs2Label="Safe Name" cs2=ServiceAccounts cs3Label="Device Type" '
    'cs3="Operating System" cs4Label="Database" cs4= cs5Label="Other info" cs5= cn1Label="Request Id" cn1= '
    'cn2Label="Ticket Id" cn2=  msg=' % _bsd("11:40:04"),
]
CTD_CEF = [
    "<134>1 2025-03-11T11:40:04Z CTD-SITE1 syslog-HealthCheck-Default - - - CEF:0|Claroty|CTD|4.10.0|HealthCheck|"
    "Health|0|CtdRealTime=Mar 11 2025 11:40:04 CtdTimeGenerated=Mar 11 2025 11:40:04 CtdMessage=Successfully ran "
    "health monitoring CtdSite=Default CtdCpu=12.21 CtdMem=13.31",
    "<132>1 2025-03-11T11:40:04Z CTD-SITE1 syslog-Alerts-Default - - - CEF:0|Claroty|CTD|4.10.0|Alert|"
    "Known Threat|9|src=192.168.50.31 dst=192.168.50.40 cat=Security CtdSite=Default "
    "msg=Known threat signature matched on OT segment",
]
FGT_KV = [
    '<189>date=2025-03-11 time=11:40:04 devname="FGT-HQ-01" devid="FGT60E4Q16000000" eventtime=1741693204000000000 '
    'tz="+0000" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.20.40.121 '
    'srcport=51515 srcintf="internal" srcintfrole="lan" dstip=151.101.0.223 dstport=443 dstintf="wan1" '
    'dstintfrole="wan" sessionid=1029384 proto=6 action="close" policyid=1 policytype="policy" '
    'service="HTTPS" trandisp="snat" duration=2 sentbyte=1893 rcvdbyte=6022 appcat="unscanned"',
    '<188>date=2025-03-11 time=11:40:04 devname="FGT-HQ-01" devid="FGT60E4Q16000000" eventtime=1741693204500000000 '
    'tz="+0000" logid="0100032001" type="event" subtype="system" level="information" vd="root" '
    'logdesc="Admin login successful" sn="1741693204" user="admin" ui="https(10.20.40.200)" method="https" '
    'srcip=10.20.40.200 dstip=10.20.40.1 action="login" status="success" reason="none" profile="super_admin" '
    'msg="Administrator admin logged in successfully from https(10.20.40.200)"',
]


def _spipe_body(i):
    """A stand-in for the SPIPE package of an ePO wake-up call (opaque bytes, not ePO's format)."""
    return (b"PO" + bytes([1, 0, 0, 0]) + hashlib.sha256(b"wakeup-%d" % i).digest() * 6, "application/octet-stream")


def onprem(c):
    # vCenter manages two ESXi hosts: authd on TCP 902 (banner, then TLS) and hostd SOAP on 443.
    c.dns(O_VC, ["esx01.corp-example.com"], None, "dns: internal name of an ESXi host (no vendor)")
    c.banner_tls(O_VC, O_ESX1, 902, "vmware",
                 "instance vmware (ESXi authd) via banner + tls.subject: '220 VMware Authentication Daemon' then "
                 "TLS 1.2 with OU=VMware ESX Server Default Certificate; vCenter is its client",
                 b"SESSION 52 0d 1a 7f vpxa-login\r\n", instance=O_ESX1, client=O_VC)
    c.curl(O_VC, [post("https://esx01.corp-example.com/sdk", 2500)], "vmware",
           "instance vmware (ESXi hostd) via tls.subject (TLS 1.2, default host certificate, issuer O=VMware "
           "Installer); vCenter is its client", tls_max="1.2", instance=O_ESX1, client=O_VC)
    c.banner_tls(O_VC, O_ESX2, 902, "vmware",
                 "instance vmware (ESXi authd) via banner (then TLS 1.2 with the default host certificate)",
                 b"SESSION 52 0d 1a 80 vpxa-login\r\n", instance=O_ESX2, client=O_VC)
    # The admin workstation opens the vCenter, FortiGate and PAN-OS web interfaces and a FortiGate CLI.
    c.dns(O_ADMIN, ["vcsa01.corp-example.com"], None, "dns: internal name of the vCenter (no vendor)")
    c.curl(O_ADMIN, [get("https://vcsa01.corp-example.com/ui/")], "vmware",
           "instance vmware (vCenter web client) via tls.issuer (TLS 1.2, certificate from the VMCA "
           "CN=CA, OU=VMware Engineering, O=vCenter); the admin is its client", tls_max="1.2",
           instance=O_VC, client=O_ADMIN)
    c.curl(O_ADMIN, [get("http://10.20.40.1/")], "fortinet",
           "instance fortinet (FortiGate admin HTTP redirect, Server: xxxxxxxx-xxxxx)", instance=O_FGT, client=O_ADMIN)
    c.curl(O_ADMIN, [get("https://10.20.40.1/login")], "fortinet",
           "instance fortinet (FortiGate web interface) via tls.subject (TLS 1.2, factory certificate "
           "CN=FGT60E4Q16000000, OU=FortiGate, O=Fortinet; issuer fortinet-subca2001, which is NOT an "
           "interception CA)", tls_max="1.2", instance=O_FGT, client=O_ADMIN)
    c.curl(O_ADMIN, [get("http://10.20.40.5/")], "paloalto",
           "instance paloalto (PAN-OS management) via http.response_header (302 to /php/login.php, "
           "Server: PanWeb Server/ -)", instance=O_PAN, client=O_ADMIN)
    c.curl(O_ADMIN, [get("https://10.20.40.5/php/login.php")], "paloalto",
           "instance paloalto (PAN-OS management) via tls.subject (TLS 1.2, self-signed O=Palo Alto Networks)",
           tls_max="1.2", instance=O_PAN, client=O_ADMIN)
    c.ssh(O_ADMIN, O_FGT_SSH, 22, "fortinet",
          "instance fortinet (branch FortiGate CLI) via banner: SSH-2.0-FortiSSH_1.0 (OpenSSH client, key login)",
          "get system status", instance=O_FGT_SSH, client=O_ADMIN)
    # ePO wakes its agents (HTTP on TCP 8081; the agents answer Server: Agent-ListenServer-HttpSvr/1.0).
    for i, agent in enumerate(O_AGENTS):
        c.curl(O_EPO, [{"url": "http://%s:8081/spipe/pkg?AgentGuid=%%7B%08X-5B1C-4E0A-9D7B-0C2F4A6E8B%02X%%7D"
                               "&Source=Server_5.10.0" % (agent, 0x1A2B3C00 + i, i),
                        "method": "POST", "body": _spipe_body(i), "headers": [], "ip": None}], "mcafee",
               "instance mcafee (Trellix/McAfee Agent) via http.response_header: ePO's wake-up call answered by "
               "Server: Agent-ListenServer-HttpSvr/1.0; ePO is its client", instance=agent, client=O_EPO)
    # Clear-text syslog to the SIEM: CyberArk Vault and Claroty CTD (CEF), the FortiGate (FortiOS key=value).
    c.syslog(O_VAULT, O_SIEM, 514, VAULT_CEF, "cyberark",
             "instance cyberark (Vault) via syslog: CEF:0|Cyber-Ark|Vault| over UDP 514 (RFC 3164 header)",
             client=O_SIEM)
    c.syslog(O_CTD, O_SIEM, 514, CTD_CEF, "claroty",
             "instance claroty (CTD) via syslog: CEF:0|Claroty|CTD| over UDP 514 (RFC 5424 header)", client=O_SIEM)
    c.syslog(O_FGT, O_SIEM, 514, FGT_KV, "fortinet",
             "instance fortinet (FortiGate) via syslog: FortiOS key=value with devid=\"FGT60E4Q16000000\"",
             client=O_SIEM)
    # Imperva's cloud WAF fetches from the internal origin: several inbound flows from its ranges.
    hdrs = ["X-Forwarded-For: 198.51.100.77", "Incap-Client-IP: 198.51.100.77"]
    c.curl(O_ORIGIN, [get("https://shop.corp-example.com/", hdrs, ip=O_ORIGIN),
                      get("https://shop.corp-example.com/catalog/7", hdrs, ip=O_ORIGIN)], "imperva",
           "instance imperva via ip.inbound (TLS 1.3 from the Imperva proxy 45.60.91.200 into the origin)",
           tls_max="1.3", src=O_EDGES[0], flow_host=O_ORIGIN, kind="tls-inbound", instance=O_ORIGIN)
    c.curl(O_ORIGIN, [get("https://shop.corp-example.com/cart", hdrs, ip=O_ORIGIN)], "imperva",
           "instance imperva via ip.inbound (from 45.60.91.201)", tls_max="1.3", src=O_EDGES[1], flow_host=O_ORIGIN,
           kind="tls-inbound", instance=O_ORIGIN)
    c.curl(O_ORIGIN, [get("http://shop.corp-example.com/robots.txt", hdrs, ip=O_ORIGIN)], "imperva",
           "instance imperva via ip.inbound (plain HTTP from 45.223.20.14)", src=O_EDGES[2], flow_host=O_ORIGIN,
           kind="http-inbound", instance=O_ORIGIN)
    c.curl(O_ORIGIN, [get("https://shop.corp-example.com/", hdrs, ip=O_ORIGIN)], "imperva",
           "instance imperva via ip.inbound (from 199.83.130.7)", tls_max="1.3", src=O_EDGES[3], flow_host=O_ORIGIN,
           kind="tls-inbound", instance=O_ORIGIN)
    # SSL deep inspection: ordinary sites, certificates re-signed by the FortiGate CA.
    for host, name in zip(O_INSPECTED, ["www.python.org", "stackoverflow.com", "www.bbc.co.uk"]):
        c.dns(host, [name], None, "dns: ordinary name")
        c.curl(host, [get("https://%s/" % name)], "fortinet",
               "inspected: TLS 1.2 to an ordinary site, certificate issued by CN=FortiGate CA, O=Fortinet, "
               "OU=Certificate Authority (a FortiGate re-signs it): one inspection finding, no vendor event",
               tls_max="1.2", usage="inspected", counts=False)


ONPREM = Scenario(
    "onprem",
    "On-premises estate (issue 16), HQ server LAN 10.20.40.0/24. vCenter 10.20.40.10 manages ESXi hosts "
    "10.20.40.11 (authd on TCP 902: banner '220 VMware Authentication Daemon Version 1.10: SSL Required, ...' then "
    "TLS 1.2 with OU=VMware ESX Server Default Certificate; hostd on 443) and 10.20.40.12 (902). The admin "
    "workstation 10.20.40.200 opens the vCenter web client (VMCA certificate, OU=VMware Engineering), the "
    "FortiGate 10.20.40.1 web interface (HTTP redirect, then TLS 1.2 with the factory certificate "
    "CN=FGT60E4Q16000000, OU=FortiGate, O=Fortinet), the PAN-OS 10.20.40.5 web interface (Server: PanWeb Server/ -, "
    "TLS 1.2 with O=Palo Alto Networks) and the CLI of a branch FortiGate 10.20.40.3 over SSH "
    "(SSH-2.0-FortiSSH_1.0). ePO 10.20.40.20 wakes three agents (10.20.40.101-103) on TCP 8081; they answer "
    "Server: Agent-ListenServer-HttpSvr/1.0. The CyberArk Vault 10.20.40.30 and the Claroty CTD 10.20.40.31 send "
    "CEF over UDP syslog to the SIEM 10.20.40.50, and the FortiGate its FortiOS key=value log (devid). Imperva's "
    "cloud WAF (45.60.91.200, 45.60.91.201, 45.223.20.14, 199.83.130.7) fetches from the internal origin "
    "10.20.40.80 (four inbound flows). Three clients (10.20.40.121-123) reach ordinary sites over TLS 1.2 "
    "through SSL deep inspection: certificates issued by CN=FortiGate CA: one inspection finding, no vendor "
    "event for them.",
    onprem,
    [A(O_ESX1, "vmware", ["banner", "tls.subject"], "medium", "ESXi authd banner and default host certificate",
       role="server"),
     A(O_ESX2, "vmware", ["banner"], "medium", "ESXi authd banner", role="server"),
     A(O_VC, "vmware", ["tls.issuer"], "medium", "vCenter web client certificate from the VMCA", role="server"),
     A(O_VC, "vmware", [], "low", "vCenter uses the ESXi hosts (client of instances 10.20.40.11/.12)"),
     A(O_FGT, "fortinet", ["tls.subject", "syslog"], "medium",
       "FortiGate factory certificate and FortiOS key=value syslog", role="server"),
     A(O_FGT_SSH, "fortinet", ["banner"], "medium", "SSH-2.0-FortiSSH_1.0", role="server"),
     A(O_PAN, "paloalto", ["http.response_header", "tls.subject"], "medium",
       "Server: PanWeb Server/ - and O=Palo Alto Networks", role="server")]
    + [A(a, "mcafee", ["http.response_header"], "medium", "Server: Agent-ListenServer-HttpSvr/1.0 on TCP 8081",
         role="server") for a in O_AGENTS]
    + [A(O_VAULT, "cyberark", ["syslog"], "medium", "CEF:0|Cyber-Ark|Vault|", role="server"),
       A(O_CTD, "claroty", ["syslog"], "medium", "CEF:0|Claroty|CTD|", role="server"),
       A(O_ORIGIN, "imperva", ["ip.inbound"], "medium", "four inbound flows from Imperva's ranges", role="server"),
       A(O_ADMIN, "vmware", [], "low", "admin uses the vCenter web client (client of 10.20.40.10)"),
       A(O_ADMIN, "fortinet", [], "low", "admin uses the FortiGate GUI and a FortiGate CLI (client of .1 and .3)"),
       A(O_ADMIN, "paloalto", [], "low", "admin uses the PAN-OS GUI (client of .5)"),
       A(O_EPO, "mcafee", [], "low", "ePO wakes the agents (client of .101-.103)"),
       A(O_SIEM, "cyberark", [], "low", "the SIEM receives the Vault's CEF (internal peer of the instance)"),
       A(O_SIEM, "claroty", [], "low", "the SIEM receives the CTD's CEF (internal peer of the instance)"),
       A(O_SIEM, "fortinet", [], "low", "the SIEM receives the FortiGate's log (internal peer of the instance)")],
    O_INSPECTED + [HQ_DNS],
    instances=[I(O_ESX1, "vmware", "esxi", [O_VC], "ESXi"),
               I(O_ESX2, "vmware", "esxi", [O_VC], "ESXi"),
               I(O_VC, "vmware", "vcenter", [O_ADMIN], "vCenter"),
               I(O_FGT, "fortinet", "fortigate-appliance", [O_ADMIN, O_SIEM], "FortiGate"),
               I(O_FGT_SSH, "fortinet", "fortigate-appliance", [O_ADMIN], "FortiGate (SSH)"),
               I(O_PAN, "paloalto", "pan-os", [O_ADMIN], "PAN-OS")]
    + [I(a, "mcafee", "trellix-agent", [O_EPO], "Trellix/McAfee Agent") for a in O_AGENTS]
    + [I(O_VAULT, "cyberark", "vault", [O_SIEM], "CyberArk Vault"),
       I(O_CTD, "claroty", "ctd", [O_SIEM], "Claroty CTD"),
       I(O_ORIGIN, "imperva", "cdn-edge", [], "origin behind Imperva's cloud WAF")],
    inspection=[X("fortinet", "CN=FortiGate CA", "FortiGate SSL deep inspection: 3 hosts, 3 flows")])


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

# ---------------------------------------------------------------------------------------------
# own-domains.pcap: the organisation's own site behind Imperva (issue 16 item 3, --own-domains)
# ---------------------------------------------------------------------------------------------

OWN_A, OWN_B, OWN_C = "10.20.31.41", "10.20.31.42", "10.20.31.43"
OWN_SITE = "www.acme-example.com"


def own_domains(c):
    # An internal user looks up the organisation's own web site, published through Imperva
    # (CNAME into incapdns.net, A in Imperva's range), and its own mail host (internal).
    c.dns(OWN_A, [OWN_SITE, "mail.acme-example.com"], "imperva",
          "dns: %s CNAME %s A %s (Imperva edge): the organisation's own site behind Imperva; by default "
          "web presence of the querier" % (OWN_SITE, world.CNAMES[OWN_SITE],
                                           world.BY_NAME[world.CNAMES[OWN_SITE]]["v4"]), usage="web")
    # Another user visits someone else's site behind Imperva: web presence, never an instance.
    c.dns(OWN_B, ["www.shop-example.com"], "imperva",
          "dns: www.shop-example.com CNAME abc123.x.incapdns.net (not an own name): web presence", usage="web")
    c.dns(OWN_C, ["example.com"], None, "dns: ordinary name")


def _own_site(name, vendor, product):
    target = world.CNAMES[name]
    return {"name": name, "cname": target, "ip": world.BY_NAME[target]["v4"], "vendor": vendor,
            "product": product}


OWN_DOMAINS = Scenario(
    "own-domains",
    "The organisation's own domain acme-example.com (scan with --own-domains acme-example.com). %s: looks up "
    "%s, a CNAME to %s (A %s, an Imperva edge), and mail.acme-example.com (internal). %s: looks up "
    "www.shop-example.com, someone else's site behind Imperva. %s: example.com. By default there is no vendor "
    "event (web presence of the two querying hosts); with --own-domains the own site is an Imperva instance "
    "(host_role server) at its published address, and the other site stays web presence."
    % (OWN_A, OWN_SITE, world.CNAMES[OWN_SITE], world.BY_NAME[world.CNAMES[OWN_SITE]]["v4"], OWN_B, OWN_C),
    own_domains,
    [],
    [OWN_A, OWN_B, OWN_C, HQ_DNS],
    web=[W(OWN_A, "imperva", "looked up the own site, which is behind Imperva (default settings)"),
         W(OWN_B, "imperva", "looked up someone else's site behind Imperva")],
    own_domains=["acme-example.com"],
    own_sites=[_own_site(OWN_SITE, "imperva", "cdn-edge")])

ALL = [DEMO, CROWDSTRIKE, VMWARE, PALOALTO, FORTINET, SENTINELONE, MCAFEE, MANDIANT, WIZ, RECORDEDFUTURE, CLAROTY,
       RAPID7, CHECKPOINT, CYBERARK, ORCA, CATO, IMPERVA, DECOYS, PRECISION, ONPREM,
       OWN_DOMAINS]
