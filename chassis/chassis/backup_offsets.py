"""Consumer groups' committed offsets: read for a backup, reset to a backup's on restore."""
from dataclasses import asdict, dataclass

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec

from chassis.kafka.config import client_config

TIMEOUT_S = 30


class GroupActive(RuntimeError):
    """A group with members: its offsets cannot be altered (and it would overwrite them)."""


@dataclass(frozen=True, order=True)
class GroupOffset:
    group: str
    topic: str
    partition: int
    offset: int  # the next offset the group reads

    def as_dict(self) -> dict:
        return asdict(self)


class Offsets:
    """The admin calls backup and restore need, over one AdminClient."""

    def __init__(self, bootstrap_servers: str, *, admin: AdminClient | None = None):
        self.admin = admin or AdminClient(client_config(bootstrap_servers, "backup", {}))

    def committed(self, group: str) -> list[GroupOffset]:
        """Every partition the group has committed an offset for (none yet: an empty list)."""
        future = self.admin.list_consumer_group_offsets(
            [ConsumerGroupTopicPartitions(group)], request_timeout=TIMEOUT_S)[group]
        found = future.result(timeout=TIMEOUT_S).topic_partitions or []
        return sorted(GroupOffset(group, tp.topic, tp.partition, tp.offset)
                      for tp in found if tp.error is None and tp.offset >= 0)

    def members(self, group: str) -> int:
        description = self.admin.describe_consumer_groups(
            [group], request_timeout=TIMEOUT_S)[group].result(timeout=TIMEOUT_S)
        return len(description.members or [])

    def require_inactive(self, groups) -> None:
        for group in groups:
            if count := self.members(group):
                raise GroupActive(f"consumer group {group!r} is active ({count} member"
                                  f"{'s' if count != 1 else ''}): stop the service's consumers"
                                  " (serve, consume, worker) and try again")

    def earliest(self, partitions) -> dict[tuple[str, int], int]:
        if not partitions:
            return {}
        futures = self.admin.list_offsets({TopicPartition(t, p): OffsetSpec.earliest()
                                           for t, p in partitions}, request_timeout=TIMEOUT_S)
        return {(tp.topic, tp.partition): future.result(timeout=TIMEOUT_S).offset
                for tp, future in futures.items()}

    def reset(self, group: str, saved: list[GroupOffset]) -> list[GroupOffset]:
        """Set the (inactive) group's offsets to `saved`. A partition committed since the backup
        but absent from it goes back to its earliest offset: the group had not read it, and a new
        group starts there too (auto.offset.reset=earliest in every service)."""
        wanted = {(o.topic, o.partition): o.offset for o in saved if o.group == group}
        since = {(o.topic, o.partition) for o in self.committed(group)} - set(wanted)
        wanted |= self.earliest(since)
        if not wanted:
            return []
        request = ConsumerGroupTopicPartitions(
            group, [TopicPartition(t, p, offset) for (t, p), offset in sorted(wanted.items())])
        self.admin.alter_consumer_group_offsets(
            [request], request_timeout=TIMEOUT_S)[group].result(timeout=TIMEOUT_S)
        return [GroupOffset(group, t, p, offset) for (t, p), offset in sorted(wanted.items())]
