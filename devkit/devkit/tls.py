"""Test certificates made with the JDK's keytool: a CA, and a broker keystore it signed."""
import subprocess
from dataclasses import dataclass
from pathlib import Path

VALID_DAYS = "2"  # test material only


@dataclass(frozen=True)
class CertificateAuthority:
    keystore: Path
    password: str
    pem: Path  # what clients trust (KAFKA_SSL_CA_FILE)


# a short-lived JVM: skip the optimising compiler (halves keytool's start-up on a busy machine)
_QUICK_JVM = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"]


def keytool(*args: str) -> None:
    result = subprocess.run(["keytool", *_QUICK_JVM, *args], capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"keytool {args[0]} failed: {result.stdout}{result.stderr}")


def make_ca(directory: Path, name: str = "suite-test-ca", password: str = "ca-secret") -> CertificateAuthority:
    directory.mkdir(parents=True, exist_ok=True)
    store, pem = directory / f"{name}.p12", directory / f"{name}.pem"
    keytool("-genkeypair", "-alias", "ca", "-dname", f"CN={name}", "-keyalg", "EC",
            "-groupname", "secp256r1", "-validity", VALID_DAYS, "-ext", "bc:c",
            "-keystore", str(store), "-storetype", "PKCS12", "-storepass", password)
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", str(store),
            "-storepass", password, "-file", str(pem))
    return CertificateAuthority(store, password, pem)


def make_server_keystore(directory: Path, ca: CertificateAuthority, host: str = "127.0.0.1",
                         password: str = "broker-secret") -> Path:
    """A PKCS12 keystore whose key's certificate (SAN: host, localhost) `ca` signed."""
    store, request, signed = (directory / "broker.p12", directory / "broker.csr",
                              directory / "broker.crt")
    san = f"SAN=ip:{host},dns:localhost" if host[0].isdigit() else f"SAN=dns:{host},dns:localhost"
    common = ["-keystore", str(store), "-storepass", password]
    keytool("-genkeypair", "-alias", "broker", "-dname", f"CN={host}", "-keyalg", "EC",
            "-groupname", "secp256r1", "-validity", VALID_DAYS, "-ext", san,
            "-storetype", "PKCS12", *common)
    keytool("-certreq", "-alias", "broker", "-file", str(request), *common)
    keytool("-gencert", "-alias", "ca", "-keystore", str(ca.keystore), "-storepass", ca.password,
            "-infile", str(request), "-outfile", str(signed), "-rfc", "-validity", VALID_DAYS,
            "-ext", san, "-ext", "eku=serverAuth")
    # the reply carries its whole chain, so the keystore needs no separate CA entry
    signed.write_text(signed.read_text() + ca.pem.read_text())
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", str(signed), *common)
    return store
