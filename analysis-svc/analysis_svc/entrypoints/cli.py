"""analysis-svc: serve, consume, rebuild, score, evaluate, themes, tokens."""
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import click

from chassis.backup_cli import backup_group, bus_settings
from chassis.cli import run_cli
from chassis.db_cli import db_group
from chassis.dlq_cli import dlq_group
from chassis.privacy.audit_cli import audit_group
from chassis.privacy.retention_cli import retention_group
from contracts import topics

from analysis_svc.entrypoints.report_schedule import reports_group
from analysis_svc.entrypoints.structure_cli import structure_group
from analysis_svc.reports.cli import report as board_report


def _bus(settings=None, **kwargs):
    """The message bus with every adapter wired (bootstrap.build)."""
    from analysis_svc.bootstrap import build
    return build(settings, **kwargs)


@click.group()
def cli():
    """Sentiment, themes and trends per directorate, served as feeds."""


@cli.command()
def serve():
    """Run the HTTP API (and the stream consumer unless ANALYSIS_RUN_WORKER=false)."""
    from chassis.logs import configure_logging
    from chassis.serve import serve as run_server
    from analysis_svc.app import create_app
    bus = _bus()  # migrates once, before any process starts
    settings = bus.settings
    bus.close()
    configure_logging("analysis-svc", settings.log_level)
    if settings.run_worker and not settings.consumer_heartbeat_file:
        # /readyz reports the consumer started here: it stamps a file this process's workers read
        beats = tempfile.mkdtemp(prefix="analysis-consumer-")
        settings = replace(settings, consumer_heartbeat_file=os.path.join(beats, "heartbeat"))
    child = (subprocess.Popen([sys.executable, "-m", "analysis_svc.entrypoints.cli", "consume"],
                              env={**os.environ,
                                   "ANALYSIS_CONSUMER_HEARTBEAT": settings.consumer_heartbeat_file})
             if settings.run_worker else None)
    from chassis.clock import SystemClock
    from analysis_svc.adapters.heartbeat import Heartbeat
    from analysis_svc.entrypoints.worker import watch_process, watch_stall
    stopping = threading.Event()
    died = watch_process(child, stopping) if child is not None else threading.Event()
    if child is not None:  # a consumer that hangs without raising is ended too
        watch_stall(child, stopping, Heartbeat(settings.consumer_heartbeat_file, SystemClock()),
                    settings.consumer_stall_limit_s)
    try:
        run_server(lambda: create_app(_bus(settings, migrate_db=False)), settings.bind)
    finally:
        stopping.set()
        if child is not None:
            child.terminate()
            child.wait(timeout=30)
    if died.is_set():
        sys.exit(1)  # the consumer died: a non-zero exit, for compose's restart policy


@cli.command()
@click.option("--group-id", default=None, help="Consumer group (default ANALYSIS_GROUP_ID).")
def consume(group_id):
    """Consume feedback.responses and surveys.lifecycle as a consumer group."""
    from chassis.kafka import stop_on_signals
    from chassis.logs import configure_logging
    from analysis_svc.entrypoints import worker
    bus = _bus()
    configure_logging("analysis-svc", bus.settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    try:
        worker.run(bus, stop, group_id=group_id)
    finally:
        bus.close()


@cli.command()
@click.option("--reset", is_flag=True, help="Empty the analysis tables first (keeps tokens).")
@click.option("--publish/--no-publish", default=False,
              help="Re-publish scored events and alerts (default: no).")
def rebuild(reset, publish):
    """Replay the topics from the beginning into a fresh database, with a progress bar."""
    from analysis_svc.entrypoints.rebuild import rebuild as run_rebuild
    bus = _bus()
    try:
        count = run_rebuild(bus, reset=reset, publish=publish)
    finally:
        bus.close()
    click.echo(f"rebuilt: {count} responses stored")


@cli.command()
@click.option("--batch", default=256, show_default=True, help="Texts analysed at a time.")
@click.option("--model", type=click.Choice(["learned", "base"]), default="learned", show_default=True,
              help="base: the shipped rules alone, without what was learned from scores.")
def score(batch, model):
    """Read {"id","text"} JSON lines on stdin; write {"id","label","compound","themes"} lines."""
    from analysis_svc.entrypoints.textio import score_lines
    if model == "base":
        from analysis_svc.adapters.text import build_analyser
        analyser = build_analyser(learned=False)
    else:
        analyser = _analyser()
    score_lines(analyser, sys.stdin, sys.stdout, batch)
    loaded = analyser.loaded() if hasattr(analyser, "loaded") else analyser  # the bus's is lazy
    click.echo(f"model version: {getattr(loaded, 'version', 'unknown')}", err=True)  # stdout is data


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                               "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def evaluate(args):
    """Sentiment (and with --public, theme and learned-model) figures beside the baselines; --help for options."""
    from analysis_svc.adapters.text.evaluate import main as run_evaluation
    run_evaluation(list(args))


@cli.command("evaluate-redaction")
@click.option("--split", type=click.Choice(["dev", "test", "test2", "all"]), default="test", show_default=True,
              help="test (and test2) are held out, reported in EVALUATION.md; dev was used for tuning.")
@click.option("--json", "as_json", is_flag=True, help="Figures as JSON.")
@click.option("--save", is_flag=True, help="Store the held-out figures the board report and dashboard quote.")
def evaluate_redaction(split, as_json, save):
    """Redaction precision and recall per kind of personal data; exit 1 if the names goals are missed."""
    from analysis_svc.adapters.text.redaction_eval import main as run_redaction_evaluation
    sys.exit(run_redaction_evaluation(["--split", split] + (["--json"] if as_json else [])
                                      + (["--save"] if save else [])))


@cli.command()
@click.option("--k", "k", type=click.IntRange(2, 50), required=True, help="Themes to discover.")
def themes(k):
    """Discover K themes in {"id","text"} JSON lines on stdin; one line per input with its theme."""
    from analysis_svc.entrypoints.textio import theme_lines
    theme_lines(sys.stdin, sys.stdout, k)


def _analyser():
    # The bus's analyser; scoring text needs no database, so none is migrated.
    return _bus(migrate_db=False).analyser


@cli.group()
def tokens():
    """Partner tokens scoped to directorates and organisations."""


@tokens.command("create")
@click.option("--directorate", "directorates", multiple=True,
              help="A directorate the token may see (repeat for several).")
@click.option("--organisation", "organisations", multiple=True,
              help="An organisation id: every directorate of it, under every name (repeat for several).")
@click.option("--label", default=None, help="Who holds it, e.g. the partner's role.")
@click.option("--email", default=None, help="Send this partner alert emails (ALERT_EMAIL=true).")
def tokens_create(directorates, organisations, label, email):
    """Create a partner token; it is shown once and stored only as a hash."""
    from analysis_svc.entrypoints.token_cli import create
    click.echo(create(_bus(), directorates, label, email, organisations))


@tokens.command("list")
def tokens_list():
    """List partner tokens (ids, directorates, labels; never the tokens)."""
    from analysis_svc.entrypoints.token_cli import listing
    for line in listing(_bus()):
        click.echo(line)


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    """Revoke a partner token by its id."""
    from analysis_svc.entrypoints.token_cli import revoke
    revoke(_bus(), token_id)
    click.echo(f"revoked token {token_id}")


# The board report command lives with the report (owned by the dashboard engineer).
cli.add_command(board_report)
cli.add_command(reports_group(_bus))
cli.add_command(audit_group(_bus))
cli.add_command(structure_group(_bus))
cli.add_command(dlq_group(_bus, "analysis-svc", (topics.FEEDBACK_RESPONSES, topics.SURVEYS_LIFECYCLE)))


def _apply_retention(**fields):
    from analysis_svc.domain.commands import ApplyRetention
    return ApplyRetention(**fields)


cli.add_command(retention_group(_bus, _apply_retention))
cli.add_command(backup_group(bus_settings(_bus), lambda s: [s.group_id, f"{s.group_id}-privacy"]))


def _settings():
    from analysis_svc.config import Settings
    return Settings.from_env()


# compose's one-shot migrate service runs `analysis-svc db upgrade` before any replica starts
cli.add_command(db_group(_settings, Path(__file__).parents[1] / "adapters" / "migrations"))


def main() -> None:
    sys.exit(run_cli(cli))


if __name__ == "__main__":
    main()
