"""The cluster tier's fixture: one three-node KRaft cluster for the session (devkit.kafka_cluster)."""
import pytest

from devkit.kafka_cluster import Cluster


@pytest.fixture(scope="session")
def kafka_cluster(tmp_path_factory):
    """Three combined broker+controller nodes on free ports; the suite's topics at RF 3, min ISR 2."""
    cluster = Cluster(tmp_path_factory.mktemp("kafka-cluster"), size=3, replication=3, min_isr=2)
    cluster.start()
    try:
        cluster.create_topics()
        yield cluster
    finally:
        for node_id in cluster.nodes:  # throwaway data: SIGKILL, not an 8 s controlled shutdown
            cluster.kill(node_id)
