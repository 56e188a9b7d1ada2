"""Admin calls devkit makes to a broker or cluster: probes, the suite's topics, replica health."""
import time


def client_security(security: dict | None) -> dict:
    """kafka-python TLS/SASL settings: those given, else the KAFKA_* variables' (chassis')."""
    if security is not None:
        return security
    from chassis.kafka.security import kafka_security
    return kafka_security().kafka_python()


def admin_client(bootstrap: str, client_id: str, security: dict | None = None, **config):
    from kafka import KafkaAdminClient
    return KafkaAdminClient(bootstrap_servers=bootstrap, client_id=client_id,
                            **client_security(security), **config)


def metadata_ok(bootstrap: str, security: dict | None = None) -> bool:
    """True when the broker answers a metadata request."""
    from kafka.errors import KafkaError
    try:
        # a probe: a broker that refuses us (or is not there) answers False within seconds
        admin = admin_client(bootstrap, "devkit-probe", security, request_timeout_ms=5000,
                             bootstrap_timeout_ms=5000)
    except (KafkaError, OSError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()


def live_brokers(bootstrap: str, security: dict | None = None) -> set[int]:
    """Node ids of the brokers the cluster's metadata lists (a fenced broker is not among them)."""
    from kafka.errors import KafkaError
    try:
        admin = admin_client(bootstrap, "devkit-cluster-probe", security,
                             request_timeout_ms=5000, bootstrap_timeout_ms=5000)
    except (KafkaError, OSError):
        return set()
    try:
        return {broker["broker_id"] for broker in admin.describe_cluster()["brokers"]
                if not broker.get("is_fenced")}
    except (KafkaError, OSError):
        return set()
    finally:
        admin.close()


def suite_topics() -> dict[str, int]:
    from contracts.topics import TOPICS
    return dict(TOPICS)


def create_topics(bootstrap: str, specs: dict[str, int] | None = None,
                  timeout: float = 30.0, security: dict | None = None,
                  replication_factor: int = 1, min_insync_replicas: int | None = None) -> dict[str, int]:
    """Create missing topics with the suite's settings (contracts.topics: retention) and the
    given replication; an existing suite topic gets its retention set again. Returns partitions."""
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    specs = suite_topics() if specs is None else specs
    isr = {} if min_insync_replicas is None else {"min.insync.replicas": str(min_insync_replicas)}
    admin = admin_client(bootstrap, "devkit-topics", security)
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(name, partitions, replication_factor,
                            topic_configs={**_topic_config(name), **isr})
                   for name, partitions in specs.items() if name not in existing]
        if missing:
            try:
                admin.create_topics(missing, timeout_ms=int(timeout * 1000))
            except TopicAlreadyExistsError:
                pass
        _set_retention(admin, [name for name in specs if name in existing])
        return _wait_partitions(admin, list(specs), timeout)
    finally:
        admin.close()


def _topic_config(name: str) -> dict[str, str]:
    from contracts.topics import RETENTION_MS, topic_config
    return topic_config(name) if name in RETENTION_MS else {}


def _set_retention(admin, names: list[str]) -> None:
    """Bring existing topics to the suite's retention (one created before it was set kept the
    broker's 7-day default, which silently deletes the history a rebuild replays)."""
    from kafka.admin import ConfigResource, ConfigResourceType
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, configs=_topic_config(name))
                 for name in names if _topic_config(name)]
    if resources:
        admin.alter_configs(resources)


def topic_partitions(bootstrap: str, names: list[str], security: dict | None = None) -> dict[str, int]:
    admin = admin_client(bootstrap, "devkit-describe", security)
    try:
        return _describe(admin, names)
    finally:
        admin.close()


def partition_replicas(bootstrap: str, names: list[str],
                       security: dict | None = None) -> dict[tuple[str, int], dict]:
    """(topic, partition) -> {"leader": id, "replicas": [ids], "isr": [ids]}."""
    admin = admin_client(bootstrap, "devkit-replicas", security)
    try:
        return {(topic["name"], p["partition_index"]): {
                    "leader": p["leader_id"], "replicas": p["replica_nodes"], "isr": p["isr_nodes"]}
                for topic in admin.describe_topics(names) for p in topic.get("partitions", [])}
    finally:
        admin.close()


def _describe(admin, names: list[str]) -> dict[str, int]:
    found = {}
    for topic in admin.describe_topics(names):
        led = [p for p in topic.get("partitions", []) if p.get("leader_id", -1) >= 0]
        if not topic.get("error_code") and led:
            found[topic.get("name") or topic.get("topic")] = len(topic["partitions"])
    return found


def _wait_partitions(admin, names: list[str], timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        found = _describe(admin, names)
        if set(found) >= set(names) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)
