"""A real three-node Apache Kafka cluster (KRaft, combined broker+controller nodes) from the
same jars as devkit.kafka's single broker: replicated topics, and nodes a test can SIGKILL."""
import base64
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devkit import procs
from devkit.kafka import START_TIMEOUT, Broker, BrokerError, server_properties
from devkit.kafka_admin import create_topics, live_brokers, partition_replicas, suite_topics

# A killed node is fenced (and dropped from every ISR) after the session timeout instead of the
# default 9 s: the partitions it led get a new leader while a producer's ack bound still holds.
FAST_FAILOVER = {
    "broker.heartbeat.interval.ms": "500",
    "broker.session.timeout.ms": "3000",
    "replica.lag.time.max.ms": "10000",
    "unclean.leader.election.enable": "false",  # never elect a replica that may miss acked writes
}


def new_cluster_id() -> str:
    """What `kafka-storage random-uuid` prints (16 random bytes, base64url, no padding), without a JVM."""
    while True:
        text = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not text.startswith("-"):  # Kafka's rule: an id never starts with a dash
            return text


class ClusterNode(Broker):
    """One voter and broker of a Cluster: its own ports and data dir, the cluster's id."""

    def __init__(self, node_id: int, cluster: "Cluster", **kwargs):
        super().__init__(**kwargs)
        self.node_id, self.cluster = node_id, cluster

    def server_config(self) -> str:
        return server_properties(
            self.port, self.controller_port, self.data_dir / "data", node_id=self.node_id,
            voters=self.cluster.voters, replication=self.cluster.replication,
            min_isr=self.cluster.min_isr, extra=FAST_FAILOVER)

    def cluster_id(self) -> str:
        return self.cluster.cluster_id


class Cluster:
    """`size` combined nodes on free ports, a controller quorum of all of them; RF and min ISR
    apply to the internal topics and to the suite's topics `create_topics` makes."""

    def __init__(self, data_dir: Path, size: int = 3, replication: int = 3, min_isr: int = 2,
                 heap: str = "-Xms128m -Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"):
        if not 1 <= min_isr <= replication <= size:
            raise ValueError("need 1 <= min_isr <= replication <= size")
        self.data_dir = Path(data_dir).resolve()
        self.replication, self.min_isr = replication, min_isr
        self.data_dir.mkdir(parents=True, exist_ok=True)
        id_file = self.data_dir / "cluster.id"
        if not id_file.exists():
            id_file.write_text(new_cluster_id())
        self.cluster_id = id_file.read_text().strip()
        self.nodes = {node_id: ClusterNode(node_id, self, port=procs.free_port(),
                                           controller_port=procs.free_port(), heap=heap,
                                           data_dir=self.data_dir / f"node-{node_id}")
                      for node_id in range(1, size + 1)}

    @property
    def voters(self) -> str:
        return ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes.values())

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes.values())

    def start(self, timeout: float = START_TIMEOUT) -> "Cluster":
        """Launch every node at once (none is ready without a quorum), then wait for all."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            processes = list(pool.map(lambda node: node.launch(), self.nodes.values()))
        try:
            for node, process in zip(self.nodes.values(), processes):
                node.wait_ready(process, timeout)
            self.wait_brokers(set(self.nodes), timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_brokers(self, expected: set[int], timeout: float = 60.0) -> None:
        """Until exactly `expected` node ids are registered and unfenced."""
        deadline = time.monotonic() + timeout
        while (found := live_brokers(self.bootstrap, {})) != expected:
            if time.monotonic() > deadline:
                raise BrokerError(f"brokers {sorted(found)} live, not {sorted(expected)}, after {timeout}s")
            time.sleep(0.2)

    def create_topics(self, specs: dict[str, int] | None = None, timeout: float = 60.0) -> dict[str, int]:
        """The suite's topics (or `specs`) with the cluster's replication and min ISR."""
        return create_topics(self.bootstrap, specs, timeout, security={},
                             replication_factor=self.replication, min_insync_replicas=self.min_isr)

    def kill(self, node_id: int) -> None:
        """SIGKILL one node: no shutdown, no leadership handed over."""
        self.nodes[node_id].kill()

    def restart(self, node_id: int, timeout: float = START_TIMEOUT) -> None:
        """Start a stopped or killed node again on its ports and data, and wait until it is back."""
        self.nodes[node_id].start(timeout)
        self.wait_brokers(set(self.nodes), timeout)

    def replicas(self, topics: list[str] | None = None) -> dict[tuple[str, int], dict]:
        """(topic, partition) -> leader, replicas, isr (the suite's topics unless named)."""
        return partition_replicas(self.bootstrap, topics or list(suite_topics()), {})

    def under_replicated(self, topics: list[str] | None = None) -> dict[tuple[str, int], dict]:
        """The partitions whose ISR lacks one of their replicas."""
        return {key: state for key, state in self.replicas(topics).items()
                if set(state["isr"]) != set(state["replicas"])}

    def leader_of(self, topic: str, partition: int = 0) -> int:
        return self.replicas([topic])[topic, partition]["leader"]

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM every node at once (one by one, the last would wait on a lost quorum)."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(timeout), self.nodes.values()))
