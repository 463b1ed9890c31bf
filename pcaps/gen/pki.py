"""Certificates for the capture servers (generated at every run, never committed).

One lab CA signs every server certificate, except where a scenario needs a self-signed appliance
certificate (FortiGate SSL-VPN, PAN-OS) or an appliance's own CA (world.CAS: ESXi's "VMware
Installer", vCenter's VMCA, Fortinet's factory sub-CA, a FortiGate's SSL-inspection CA). Validity windows are fixed so that they cover the capture dates the
post-processing shifts the packets to (see world.CAPTURE_BASE).
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

NOT_BEFORE = datetime.datetime(2024, 11, 4, 0, 0, 0)
NOT_AFTER = datetime.datetime(2025, 12, 6, 23, 59, 59)

_OID = {
    "C": NameOID.COUNTRY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "L": NameOID.LOCALITY_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "CN": NameOID.COMMON_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
    "unstructuredName": ObjectIdentifier("1.2.840.113549.1.9.2"),
}


def _name(pairs):
    return x509.Name([x509.NameAttribute(_OID[k], v) for k, v in pairs])


def _key(kind="ec"):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _write(path_base, key, cert):
    with open(path_base + ".key", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(path_base + ".crt", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


class Pki:
    """Creates the lab CA once, then leaf certificates on demand (cached by file name)."""

    CA_SUBJECT = [("C", "US"), ("O", "vendorwatch capture lab"), ("CN", "vendorwatch capture lab CA 1")]

    def __init__(self, directory, cas=None):
        self.dir = directory
        self.cas_spec = cas or {}
        os.makedirs(directory, exist_ok=True)
        self.ca_key = _key()
        self.cas = {}
        ca_name = _name(self.CA_SUBJECT)
        self.ca_name = ca_name
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name).issuer_name(ca_name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2023, 1, 1)).not_valid_after(datetime.datetime(2033, 1, 1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )
        _write(os.path.join(directory, "lab-ca"), self.ca_key, self.ca_cert)

    def ca(self, label):
        """Returns (cert, key) of the CA called label ("lab" or a key of the cas given to the
        constructor, i.e. world.CAS), made once."""
        if label == "lab":
            return self.ca_cert, self.ca_key
        if label in self.cas:
            return self.cas[label]
        spec = self.cas_spec[label]
        key = _key("rsa")
        name = _name(spec["subject"])
        if spec["issuer"]:
            icert, ikey = self.ca(spec["issuer"])
            iname = icert.subject
        else:
            icert, ikey, iname = None, key, name
        cert = (x509.CertificateBuilder()
                .subject_name(name).issuer_name(iname)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(datetime.datetime(2016, 6, 6)).not_valid_after(datetime.datetime(2036, 6, 6))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(ikey, hashes.SHA256()))
        _write(os.path.join(self.dir, "ca-" + label), key, cert)
        self.cas[label] = (cert, key)
        return cert, key

    def leaf(self, label, subject, sans=(), issuer="lab"):
        """Returns (certfile, keyfile); the certfile holds the leaf followed by its issuing CA (a
        chain), or the leaf alone when self-signed (issuer "self"). Appliance certificates (self-signed
        or from an appliance CA) use RSA 2048, the lab CA's leaves P-256."""
        base = os.path.join(self.dir, label)
        if os.path.exists(base + ".crt"):
            return base + ".chain.pem", base + ".key"
        self_signed = issuer == "self"
        key = _key("ec" if issuer == "lab" else "rsa")
        subj = _name(subject)
        if self_signed:
            ca_cert, ca_key, iname = None, key, subj
        else:
            ca_cert, ca_key = self.ca(issuer)
            iname = ca_cert.subject
        b = (x509.CertificateBuilder()
             .subject_name(subj)
             .issuer_name(iname)
             .public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
        if not self_signed:
            b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        cert = b.sign(ca_key, hashes.SHA256())
        _write(base, key, cert)
        with open(base + ".chain.pem", "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            if ca_cert is not None:
                f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
        return base + ".chain.pem", base + ".key"
