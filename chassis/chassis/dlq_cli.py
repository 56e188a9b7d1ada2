"""`<svc> dlq list|show|replay|purge`: the dead-letter topic on the command line, every action
audited on the service's own bus (RecordAccess, actions dlq.*)."""
import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import click

from chassis.cli import progress
from chassis.dlq import REPLAY_ACTION, Selection, parse_position, plan, replay_ledger
from chassis.dlq_topic import BrokerUnavailable, DeadLetterTopic, UnknownOffset
from chassis.privacy.audit import RecordAccess
from chassis.privacy.audit_cli import _moment, cli_actor
from contracts.topics import FEEDBACK_RESPONSES_DLQ


class DlqError(click.ClickException):
    """One readable line and exit status 1."""


@dataclass(frozen=True)
class Target:
    service: str
    consumes: tuple[str, ...]
    make_bus: object
    topic: str
    timeout_s: float


@contextmanager
def opened(target: Target):
    """The service's bus and the dead-letter topic, closed after use; broker trouble as one line."""
    bus = target.make_bus()
    dlq = None
    try:
        dlq = DeadLetterTopic(bus.settings.kafka_bootstrap_servers, target.topic,
                              f"{target.service}-dlq", target.timeout_s)
        yield bus, dlq
    except BrokerUnavailable as err:
        raise DlqError(str(err)) from None
    except UnknownOffset as err:
        raise DlqError(err.args[0]) from None
    finally:
        if dlq is not None:
            dlq.close()
        bus.close()


def audit(bus, action: str, target: str, filters: dict | None = None, rows: int = 0) -> None:
    bus.handle(RecordAccess(cli_actor(), action, target, filters or {}, rows))


def selected(dlq: DeadLetterTopic, selection: Selection) -> list:
    """The matching records, read from the start (or --since) to the end offsets at start."""
    with progress(total=dlq.total, desc=dlq.topic, unit="msg") as bar:
        return [letter for letter in dlq.scan(selection.since, on_record=partial(bar.update, 1))
                if selection.matches(letter)]


def ledger_of(bus) -> dict[str, str]:
    """{digest: replayed record} from this service's audit (every dlq.replay entry, paged)."""
    entries, cursor = [], None
    with bus.uow_factory() as uow:
        while True:
            page = uow.access_audit.page(action=REPLAY_ACTION, cursor=cursor, limit=1000)
            entries += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return replay_ledger(entries)


def line(summary: dict, state: str = "") -> str:
    source = summary["source_topic"] or "-"
    return (f"{summary['partition']}:{summary['offset']}  {summary['at']}  "
            f"{summary['rejected_by'] or '-'}  {source}  key={summary['key'] or '-'}"
            f"{'  [' + state + ']' if state else ''}  {summary['reason']}")


def selection_options(command):
    for option in reversed([
            click.option("--reason", help="A part of the reason (any case)."),
            click.option("--since", callback=_moment, help="From this moment (ISO 8601; UTC by default)."),
            click.option("--until", callback=_moment, help="Before this moment."),
            click.option("--key", help="The message key (e.g. an invitation id)."),
            click.option("--source-topic", help="The topic the message was refused from."),
            click.option("--group", help="The service that refused it (rejected_by).")]):
        command = option(command)
    return command


def _selection(reason, since, until, key, source_topic, group) -> Selection:
    return Selection(reason, since, until, key, source_topic, group)


def dlq_group(make_bus, service: str, consumes) -> click.Group:
    """The `dlq` group of `service`, which reads `consumes` (the topics it may replay to)."""

    @click.group("dlq")
    @click.option("--topic", default=FEEDBACK_RESPONSES_DLQ, show_default=True,
                  help="The dead-letter topic.")
    @click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.5, 600),
                  help="Seconds to wait for the broker.")
    @click.pass_context
    def dlq(ctx, topic, timeout):
        """Dead letters: list, show, replay after a fix, purge (every action audited)."""
        ctx.obj = Target(service, tuple(consumes), make_bus, topic, timeout)

    @dlq.command("list")
    @selection_options
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @click.pass_obj
    def list_letters(target, as_json, **filters):
        """One line per record: offset, time, group, source, key, [replayed], reason (no payload)."""
        selection = _selection(**filters)
        with opened(target) as (bus, dlq):
            letters = selected(dlq, selection)
            ledger = ledger_of(bus)
            audit(bus, "dlq.list", dlq.topic, selection.audited(), len(letters))
        for letter in letters:
            state = f"replayed as {ledger[letter.digest]}" if letter.digest in ledger else ""
            if as_json:
                click.echo(json.dumps({**letter.summary(), "replayed": ledger.get(letter.digest)},
                                      sort_keys=True))
            else:
                click.echo(line(letter.summary(), state))
        click.echo(f"{len(letters)} of {dlq.total} dead letters", err=True)

    @dlq.command("show")
    @click.argument("offset")
    @click.pass_obj
    def show(target, offset):
        """A record's metadata, field errors and the refused message as it came (audited)."""
        with opened(target) as (bus, dlq):
            try:
                partition, at = parse_position(offset, dlq.partitions)
            except ValueError as err:
                raise DlqError(str(err)) from None
            letter = dlq.fetch(partition, at)
            audit(bus, "dlq.show", letter.ref, {"source_topic": letter.source_topic}, 1)
            replayed = ledger_of(bus).get(letter.digest)
        click.echo(json.dumps({**letter.summary(), "topic": letter.topic,
                               "event_id": letter.event_id, "replayed": replayed,
                               "errors": letter.errors, "value": letter.value},
                              indent=2, sort_keys=True, ensure_ascii=False))

    @dlq.command("replay")
    @click.argument("offsets", nargs=-1)
    @selection_options
    @click.option("--dry-run", is_flag=True, help="Show what would go; send nothing.")
    @click.option("--again", is_flag=True,
                  help="Also send what was replayed before (after a second fix).")
    @click.pass_obj
    def replay(target, offsets, dry_run, again, **filters):
        """Send records (OFFSETs, or those the filters select) back to their source topic, once."""
        selection = _selection(**filters)
        if not offsets and selection == Selection():
            raise DlqError("name OFFSETs or give a filter (--reason, --since, --key, ...)")
        with opened(target) as (bus, dlq):
            letters = _chosen(dlq, offsets, selection)
            verdicts = plan(letters, ledger_of(bus), service, target.consumes, again)
            going = [v.letter for v in verdicts if v.send]
            for verdict in verdicts:
                click.echo(f"{verdict.letter.position}  "
                           + ((("would send to " if dry_run else "sending to ")
                               + verdict.letter.source_topic) if verdict.send
                              else f"skipped: {verdict.why}"))
            sent = 0 if dry_run else _send(bus, dlq, going)
            # the run itself, even when it sent nothing: it read the selected records
            audit(bus, "dlq.replay-run", dlq.topic, {
                **selection.audited(), "offsets": list(offsets), "dry_run": dry_run,
                "again": again, "sent": sent}, len(verdicts))
        skipped = len(verdicts) - len(going)
        if dry_run:
            click.echo(f"dry run: {len(going)} would be replayed, {skipped} skipped")
            return
        click.echo(f"replayed {sent}, skipped {skipped}")
        if sent < len(going):
            raise DlqError(f"{len(going) - sent} not confirmed by the broker: run replay again")

    @dlq.command("purge")
    @click.option("--before", "before", help="Delete every record before this OFFSET "
                  "(or PARTITION:OFFSET).")
    @click.option("--until", callback=_moment, help="Delete every record older than this moment.")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.pass_obj
    def purge(target, before, until, yes):
        """Delete the oldest records (Kafka deletes a prefix, never a single record)."""
        if (before is None) == (until is None):
            raise DlqError("give exactly one of --before OFFSET or --until TIME")
        with opened(target) as (bus, dlq):
            cut = _cut(dlq, before, until)
            doomed = sum(max(0, o - dlq.marks[p][0]) for p, o in cut.items())
            where = ", ".join(f"{p}:{o}" for p, o in sorted(cut.items()))
            if doomed == 0:
                click.echo("nothing to purge")
                return
            if not yes:
                click.confirm(f"delete {doomed} records of {dlq.topic} (before {where})?",
                              abort=True)
            starts = dlq.trim(cut)
            audit(bus, "dlq.purge", dlq.topic, {"before": where,
                                                "until": until}, doomed)
        click.echo(f"purged {doomed}; {dlq.topic} now starts at "
                   + ", ".join(f"{p}:{o}" for p, o in sorted(starts.items())))

    return dlq


def _send(bus, dlq: DeadLetterTopic, going: list) -> int:
    """Republish, then record each confirmed send in the ledger (the access audit)."""
    sent = 0
    for letter, (ok, where) in zip(going, dlq.republish(going) if going else []):
        if ok:
            sent += 1
            audit(bus, REPLAY_ACTION, letter.ref, {
                "digest": letter.digest, "source_topic": letter.source_topic, "landed": where}, 1)
        else:
            click.echo(f"{letter.position}  not sent: {where}", err=True)
    return sent


def _chosen(dlq: DeadLetterTopic, offsets, selection: Selection) -> list:
    if not offsets:
        return selected(dlq, selection)
    try:
        positions = [parse_position(text, dlq.partitions) for text in offsets]
    except ValueError as err:
        raise DlqError(str(err)) from None
    letters = [dlq.fetch(p, o) for p, o in positions]
    return [letter for letter in letters if selection.matches(letter)]


def _cut(dlq: DeadLetterTopic, before: str | None, until) -> dict[int, int]:
    """{partition: first offset to keep}."""
    if until is not None:
        return dlq.first_at(until)
    try:
        partition, offset = parse_position(before, dlq.partitions)
    except ValueError as err:
        raise DlqError(str(err)) from None
    low, high = dlq.marks[partition]
    if offset > high:
        raise DlqError(f"no record at {partition}:{offset} of {dlq.topic} (it ends at {high})")
    return {partition: offset}

