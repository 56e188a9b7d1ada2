"""devkit.kafka_cluster's node settings: one quorum of every node, replication as asked."""
import re

import pytest

from devkit.kafka_cluster import Cluster, new_cluster_id


def properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_every_node_is_a_voter_of_one_quorum_with_its_own_ports_and_data(tmp_path):
    cluster = Cluster(tmp_path, size=3, replication=3, min_isr=2)
    configs = {node_id: properties(node.server_config()) for node_id, node in cluster.nodes.items()}
    voters = {config["controller.quorum.voters"] for config in configs.values()}
    assert voters == {cluster.voters}
    assert sorted(int(v.split("@")[0]) for v in cluster.voters.split(",")) == [1, 2, 3]
    assert {config["node.id"] for config in configs.values()} == {"1", "2", "3"}
    assert len({config["log.dirs"] for config in configs.values()}) == 3
    ports = [p for node in cluster.nodes.values() for p in (node.port, node.controller_port)]
    assert len(set(ports)) == 6
    assert cluster.bootstrap.count(",") == 2
    assert {node.cluster_id() for node in cluster.nodes.values()} == {cluster.cluster_id}


def test_internal_topics_are_replicated_like_the_suites(tmp_path):
    config = properties(Cluster(tmp_path, replication=3, min_isr=2).nodes[1].server_config())
    assert config["default.replication.factor"] == config["offsets.topic.replication.factor"] == "3"
    assert config["transaction.state.log.replication.factor"] == "3"
    assert config["min.insync.replicas"] == config["transaction.state.log.min.isr"] == "2"
    assert config["unclean.leader.election.enable"] == "false"


def test_a_cluster_keeps_its_id_in_its_data_dir(tmp_path):
    assert Cluster(tmp_path).cluster_id == Cluster(tmp_path).cluster_id


def test_cluster_ids_look_like_kafkas():
    for _ in range(200):
        cluster_id = new_cluster_id()
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", cluster_id)


@pytest.mark.parametrize("size, replication, min_isr", [(3, 4, 2), (3, 3, 4), (3, 3, 0)])
def test_impossible_replication_is_refused(tmp_path, size, replication, min_isr):
    with pytest.raises(ValueError):
        Cluster(tmp_path, size=size, replication=replication, min_isr=min_isr)
