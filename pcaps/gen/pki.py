"""Certificates for the capture servers (generated at every run, never committed).

One lab CA signs every server certificate, except where a scenario needs a self-signed appliance
certificate (FortiGate). Validity windows are fixed so that they cover the capture dates the
post-processing shifts the packets to (see world.CAPTURE_BASE).
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

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

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.ca_key = _key()
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

    def leaf(self, label, subject, sans=(), self_signed=False):
        """Returns (certfile, keyfile); the certfile holds the leaf followed by the CA (a chain)."""
        base = os.path.join(self.dir, label)
        if os.path.exists(base + ".crt"):
            return base + ".chain.pem", base + ".key"
        key = _key("rsa" if self_signed else "ec")
        subj = _name(subject)
        b = (x509.CertificateBuilder()
             .subject_name(subj)
             .issuer_name(subj if self_signed else self.ca_name)
             .public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
        if not self_signed:
            b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        cert = b.sign(key if self_signed else self.ca_key, hashes.SHA256())
        _write(base, key, cert)
        with open(base + ".chain.pem", "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            if not self_signed:
                f.write(self.ca_cert.public_bytes(serialization.Encoding.PEM))
        return base + ".chain.pem", base + ".key"
