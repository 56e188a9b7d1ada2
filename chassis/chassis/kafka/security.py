"""TLS and SASL for every Kafka client, read once from the KAFKA_* variables.

Both clients get the same settings: librdkafka's names for the services' publisher and
consumers (client_config), kafka-python's for devkit and the tools and tests that use it.
PLAINTEXT, the `make run` default, adds nothing to either.
"""
import dataclasses
import functools
from pathlib import Path

from chassis.settings import SettingsError, as_bool, env, from_env

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN")


def _one_of(choices):
    def parse(raw: str) -> str:
        value = raw.strip().upper()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {raw!r}")
        return value
    return parse


def _readable_file(raw: str) -> str:
    path = Path(raw)
    if not path.is_file():
        raise ValueError(f"no such file: {raw}")
    path.open("rb").close()  # unreadable: fail at start, not at the first TLS handshake
    return str(path)


def _secret(name: str):
    """Like env(), but never shown by repr (a settings object may end up in a log line)."""
    return dataclasses.field(default=None, repr=False,
                             metadata={"env": name, "parse": str, "required": False})


@dataclasses.dataclass(frozen=True, kw_only=True)
class KafkaSecurity:
    protocol: str = env("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", _one_of(PROTOCOLS))
    sasl_mechanism: str = env("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", _one_of(MECHANISMS))
    sasl_username: str | None = env("KAFKA_SASL_USERNAME", None)
    sasl_password: str | None = _secret("KAFKA_SASL_PASSWORD")
    ssl_ca_file: str | None = env("KAFKA_SSL_CA_FILE", None, _readable_file)
    ssl_cert_file: str | None = env("KAFKA_SSL_CERT_FILE", None, _readable_file)
    ssl_key_file: str | None = env("KAFKA_SSL_KEY_FILE", None, _readable_file)
    ssl_key_password: str | None = _secret("KAFKA_SSL_KEY_PASSWORD")
    ssl_check_hostname: bool = env("KAFKA_SSL_CHECK_HOSTNAME", True, as_bool)

    def __post_init__(self):
        sasl, tls = self.protocol.startswith("SASL_"), self.protocol.endswith("SSL")
        if sasl and not (self.sasl_username and self.sasl_password):
            raise SettingsError(f"KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with "
                                f"KAFKA_SECURITY_PROTOCOL={self.protocol}")
        # set but unused would be a silent downgrade: the operator believes the link is protected
        if not sasl and (self.sasl_username or self.sasl_password):
            raise SettingsError(f"KAFKA_SASL_USERNAME/PASSWORD: set, but KAFKA_SECURITY_PROTOCOL="
                                f"{self.protocol} sends no credentials (use SASL_SSL)")
        unused_tls = [name for name, value in [("KAFKA_SSL_CA_FILE", self.ssl_ca_file),
                                               ("KAFKA_SSL_CERT_FILE", self.ssl_cert_file),
                                               ("KAFKA_SSL_KEY_FILE", self.ssl_key_file)] if value]
        if not tls and unused_tls:
            raise SettingsError(f"{unused_tls[0]}: set, but KAFKA_SECURITY_PROTOCOL={self.protocol} "
                                f"does not use TLS (use SSL or SASL_SSL)")
        if bool(self.ssl_cert_file) != bool(self.ssl_key_file):
            raise SettingsError("KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both or neither")

    @classmethod
    def from_env(cls, environ=None) -> "KafkaSecurity":
        return from_env(cls, environ)

    def librdkafka(self) -> dict:
        """librdkafka (confluent-kafka) properties."""
        if self.protocol == "PLAINTEXT":
            return {}
        config = {"security.protocol": self.protocol.lower()}
        if self.protocol.startswith("SASL_"):
            config |= {"sasl.mechanism": self.sasl_mechanism, "sasl.username": self.sasl_username,
                       "sasl.password": self.sasl_password}
        if self.protocol.endswith("SSL"):
            config["ssl.endpoint.identification.algorithm"] = "https" if self.ssl_check_hostname else "none"
            config |= _present({"ssl.ca.location": self.ssl_ca_file,
                                "ssl.certificate.location": self.ssl_cert_file,
                                "ssl.key.location": self.ssl_key_file,
                                "ssl.key.password": self.ssl_key_password})
        return config

    def kafka_python(self) -> dict:
        """kafka-python keyword arguments (KafkaProducer, KafkaConsumer, KafkaAdminClient)."""
        if self.protocol == "PLAINTEXT":
            return {}
        config = {"security_protocol": self.protocol}
        if self.protocol.startswith("SASL_"):
            config |= {"sasl_mechanism": self.sasl_mechanism,
                       "sasl_plain_username": self.sasl_username,
                       "sasl_plain_password": self.sasl_password}
        if self.protocol.endswith("SSL"):
            config["ssl_check_hostname"] = self.ssl_check_hostname
            config |= _present({"ssl_cafile": self.ssl_ca_file, "ssl_certfile": self.ssl_cert_file,
                                "ssl_keyfile": self.ssl_key_file, "ssl_password": self.ssl_key_password})
        return config


def _present(options: dict) -> dict:
    return {key: value for key, value in options.items() if value is not None}


@functools.cache
def kafka_security() -> KafkaSecurity:
    """The process's settings, read from the environment on first use (SettingsError names a bad one)."""
    return KafkaSecurity.from_env()
