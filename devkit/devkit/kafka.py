"""A real single-node Apache Kafka broker (KRaft) run from jars in .cache/kafka-libs."""
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from devkit import procs, repo_root
# Admin calls live in devkit.kafka_admin; imported here too, where callers have always found them.
from devkit.kafka_admin import (client_security, create_topics, metadata_ok,  # noqa: F401
                                suite_topics, topic_partitions)

START_TIMEOUT = float(os.environ.get("KAFKA_START_TIMEOUT", "120"))


class BrokerError(RuntimeError):
    pass


def libs_dir() -> Path:
    env = os.environ.get("KAFKA_LIBS_DIR")
    return Path(env) if env else repo_root() / ".cache" / "kafka-libs"


def log4j_config() -> Path:
    return repo_root() / "infra" / "kafka" / "log4j2.properties"


SCRAM = ("SCRAM-SHA-256", "SCRAM-SHA-512")
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required"


@dataclass(frozen=True)
class SaslSsl:
    """Serve clients on SASL_SSL only: TLS from `keystore`, SCRAM users created at format time."""

    keystore: Path  # PKCS12 (devkit.tls.make_server_keystore)
    keystore_password: str
    ca_file: Path  # the PEM clients (and the broker itself, between brokers) trust
    users: dict[str, str] = field(default_factory=dict)  # name -> password, both SCRAM mechanisms
    broker_user: str = "broker"
    broker_password: str = "broker-scram-secret"

    def all_users(self) -> dict[str, str]:
        return {**self.users, self.broker_user: self.broker_password}

    def properties(self, port: int, controller_port: int) -> dict[str, str]:
        return {
            "listeners": f"SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
            "advertised.listeners": f"SASL_SSL://127.0.0.1:{port}",
            "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "SASL_SSL",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "sasl.enabled.mechanisms": ",".join(SCRAM),
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config":
                f'{_SCRAM_LOGIN} username="{self.broker_user}" password="{self.broker_password}";',
            "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": f"{_SCRAM_LOGIN};",
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(self.keystore),
            "ssl.keystore.password": self.keystore_password,
            "ssl.key.password": self.keystore_password,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.ca_file),
            "ssl.client.auth": "none",
        }

    def format_args(self) -> list[str]:
        """kafka-storage format's --add-scram for every user and mechanism."""
        return [arg for name, password in self.all_users().items() for mechanism in SCRAM
                for arg in ("--add-scram", f"{mechanism}=[name={name},password={password}]")]

    def admin_config(self) -> dict:
        """kafka-python settings as the broker's own user (for the readiness probe and topics)."""
        from chassis.kafka.security import KafkaSecurity
        return KafkaSecurity(protocol="SASL_SSL", sasl_username=self.broker_user,
                             sasl_password=self.broker_password,
                             ssl_ca_file=str(self.ca_file)).kafka_python()


def server_properties(port: int, controller_port: int, log_dir: Path,
                      secure: SaslSsl | None = None, *, node_id: int = 1, voters: str | None = None,
                      replication: int = 1, min_isr: int = 1, extra: dict | None = None) -> str:
    """A combined broker+controller node; alone (the defaults) or one voter of `voters`."""
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": voters or f"{node_id}@127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(log_dir),
        "num.partitions": "1",
        "default.replication.factor": str(replication),
        "min.insync.replicas": str(min_isr),
        "offsets.topic.replication.factor": str(replication),
        "offsets.topic.num.partitions": "6",
        "transaction.state.log.replication.factor": str(replication),
        "transaction.state.log.min.isr": str(min_isr),
        "share.coordinator.state.topic.replication.factor": str(replication),
        "share.coordinator.state.topic.min.isr": str(min_isr),
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "false",
        "log.segment.bytes": str(16 * 1024 * 1024),
        "log.retention.hours": "168",
        "log.retention.check.interval.ms": "300000",
        "num.network.threads": "2",
        "num.io.threads": "4",
        **(extra or {}),
        **(secure.properties(port, controller_port) if secure else {}),
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


class Broker:
    """One broker process owned through its data_dir (pid file + command line)."""

    def __init__(self, port: int = 9092, controller_port: int = 9093,
                 data_dir: Path | None = None, heap: str = "-Xms256m -Xmx512m",
                 secure: SaslSsl | None = None):
        self.secure = secure
        self.port = port
        self.controller_port = controller_port
        self.data_dir = Path(data_dir or repo_root() / "var" / "dev-kafka").resolve()
        self.heap = heap.split()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def admin_config(self) -> dict:
        """kafka-python settings for devkit's own calls to this broker (nothing for PLAINTEXT)."""
        return self.secure.admin_config() if self.secure else {}

    @property
    def properties(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    def pids(self) -> list[int]:
        """Our broker processes: found by the server.properties path on their command line."""
        return procs.pids_matching("kafka.Kafka", str(self.properties))

    def is_running(self) -> bool:
        return bool(self.pids())

    def is_healthy(self) -> bool:
        return (self.is_running() and procs.port_open(self.port)
                and metadata_ok(self.bootstrap, self.admin_config))

    def start(self, timeout: float = START_TIMEOUT) -> "Broker":
        """Start (or adopt an already healthy) broker and wait until it serves metadata."""
        if self.is_healthy():
            return self
        self.wait_ready(self.launch(), timeout)
        return self

    def launch(self) -> subprocess.Popen:
        """Format if new and spawn the process, without waiting (a cluster starts all first)."""
        self._clear_stale()
        if not procs.wait_ports_free([self.port, self.controller_port], 15.0):
            raise BrokerError(f"port {self.port} or {self.controller_port} is taken by another process")
        self._prepare()
        return self._spawn()

    def stop(self, timeout: float = 30.0) -> None:
        for pid in self.pids():
            procs.terminate(pid, timeout)
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        for pid in self.pids():
            procs.signal_group(pid, signal.SIGKILL)
            procs.wait_dead(pid, 10.0)

    def _clear_stale(self) -> None:
        """Kill a half-started broker of ours and drop leftovers of a crash."""
        for pid in self.pids():
            procs.signal_group(pid, signal.SIGKILL)
            procs.wait_dead(pid, 10.0)
        self.pid_file.unlink(missing_ok=True)
        # Kafka's .lock is an OS file lock released on exit; the file itself is harmless,
        # but remove it so a reader of the directory is not misled.
        (self.data_dir / "data" / ".lock").unlink(missing_ok=True)

    def _prepare(self) -> None:
        if not (libs_dir() / "kafka_2.13-4.1.1.jar").exists() and not list(libs_dir().glob("kafka_2.13-*.jar")):
            raise BrokerError(f"no Kafka jars in {libs_dir()}: run `make kafka` first")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.properties.write_text(self.server_config())
        self.properties.chmod(0o600)  # SCRAM and keystore passwords
        if not (self.data_dir / "data" / "meta.properties").exists():
            self._format()

    def server_config(self) -> str:
        """The server.properties text (a cluster node adds its voters and replication)."""
        return server_properties(self.port, self.controller_port, self.data_dir / "data", self.secure)

    def cluster_id(self) -> str:
        """This broker's own cluster id, made once (a cluster node shares its cluster's)."""
        cluster_file = self.data_dir / "cluster.id"
        if not cluster_file.exists():
            out = subprocess.run(self._java("kafka.tools.StorageTool", "random-uuid"),
                                 capture_output=True, text=True, check=True, timeout=60)
            cluster_file.write_text(out.stdout.strip().splitlines()[-1])
        return cluster_file.read_text().strip()

    def _java(self, main: str, *args: str) -> list[str]:
        return ["java", *self.heap, f"-Dlog4j2.configurationFile={log4j_config()}",
                "-Dkafka.logs.dir=" + str(self.data_dir / "logs"),
                "-cp", f"{libs_dir()}/*", main, *args]

    def _format(self) -> None:
        cluster_id = self.cluster_id()
        result = subprocess.run(
            self._java("kafka.tools.StorageTool", "format", "--ignore-formatted",
                       "-t", cluster_id, "-c", str(self.properties),
                       *(self.secure.format_args() if self.secure else ())),
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise BrokerError(f"storage format failed: {result.stdout}{result.stderr}")

    def _spawn(self) -> subprocess.Popen:
        log = open(self.log_path, "ab")
        try:
            process = subprocess.Popen(self._java("kafka.Kafka", str(self.properties)),
                                       stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        self.pid_file.write_text(str(process.pid))
        return process

    def wait_ready(self, process: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BrokerError(f"broker exited with {process.returncode}:\n{self.log_tail()}")
            if procs.port_open(self.port) and metadata_ok(self.bootstrap, self.admin_config):
                return
            time.sleep(0.2)
        self.kill()
        raise BrokerError(f"broker not ready within {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no broker log)"
