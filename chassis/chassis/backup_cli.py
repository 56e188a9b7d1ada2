"""`<svc> backup create DIR` / `<svc> backup restore DIR`: the same procedure in every service.

A backup is the service's database, its consumer groups' committed offsets and (unless told
not to) the key vault and the spool, with manifest.json written last: a folder without one is
not a backup. The offsets are read before the database is copied. Every consumer commits a
batch's offsets only after its database transaction (chassis.kafka.ConsumerWorker), so the
copy holds at least what the offsets say; replaying from them after a restore re-reads a few
messages, which the inbox and the upserts absorb (at least once, applied once).
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import click

from chassis import backup as db
from chassis.backup_offsets import GroupActive, GroupOffset, Offsets
from chassis.cli import CliError

MANIFEST = "manifest.json"


def create_backup(folder: Path, settings, groups, *, vault=True, spool_dir=None,
                  offsets: Offsets | None = None) -> dict:
    """Write a backup of the service into `folder` (new or empty); the manifest."""
    if folder.exists() and any(folder.iterdir()):
        raise CliError(f"{folder} is not empty: give a new folder for each backup")
    offsets = offsets or Offsets(settings.kafka_bootstrap_servers)
    taken_at = datetime.now(timezone.utc).isoformat()
    stored = [o for group in groups for o in offsets.committed(group)]  # before the database
    manifest = {"format": 1, "taken_at": taken_at, "groups": list(groups),
                "database": db.dump(settings.database_url, folder / "database"),
                "offsets": [o.as_dict() | {"taken_at": taken_at} for o in stored],
                "vault": _vault_dump(settings, folder) if vault else None,
                "spool": _spool_dump(Path(spool_dir), folder) if spool_dir else None}
    manifest["alembic_revision"] = manifest["database"]["alembic_revision"]
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def restore_backup(folder: Path, settings, *, vault=False, spool_dir=None,
                   offsets: Offsets | None = None) -> dict:
    """Put the backup in `folder` back: database, then the groups' offsets (groups inactive)."""
    manifest = read_manifest(folder)
    offsets = offsets or Offsets(settings.kafka_bootstrap_servers)
    try:
        offsets.require_inactive(manifest["groups"])
    except GroupActive as err:
        raise CliError(str(err)) from None
    if vault and not manifest.get("vault"):
        raise CliError(f"{folder} holds no key vault (it was taken with --no-vault)")
    db.load(settings.database_url, folder / "database", manifest["database"])
    saved = [GroupOffset(o["group"], o["topic"], o["partition"], o["offset"])
             for o in manifest["offsets"]]
    reset = [o for group in manifest["groups"] for o in offsets.reset(group, saved)]
    if vault:
        db.load(settings.privacy_vault_url, folder / "vault", manifest["vault"])
    spooled = _spool_load(folder, Path(spool_dir), manifest.get("spool")) if spool_dir else []
    return {"manifest": manifest, "offsets": reset, "vault": vault, "spool": spooled}


def read_manifest(folder: Path) -> dict:
    if not folder.is_dir():
        raise CliError(f"no backup folder at {folder}")
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"{folder} has no {MANIFEST}: not a backup, or one that did not finish") from None
    except ValueError as err:
        raise CliError(f"{folder / MANIFEST} is not valid JSON ({err})") from None


def _vault_dump(settings, folder: Path) -> dict | None:
    url = settings.privacy_vault_url
    if db.kind_of(url) == "sqlite" and not db.sqlite_path(url).exists():
        return None  # no vault yet: nothing has been sealed
    return db.dump(url, folder / "vault")


def _spool_dump(spool: Path, folder: Path) -> dict:
    """Each SQLite file of the spool, copied with the online backup API."""
    names = sorted(p.name for p in spool.glob("*.db")) if spool.is_dir() else []
    for name in names:
        db.sqlite_copy(spool / name, folder / "spool" / name)
    return {"files": names}


def _spool_load(folder: Path, spool: Path, saved: dict | None) -> list[str]:
    """Copy back the spool files the target lacks; one that exists may hold newer messages."""
    restored = []
    for name in (saved or {}).get("files", []):
        if not (spool / name).exists():
            db.sqlite_copy(folder / "spool" / name, spool / name)
            restored.append(name)
    return restored


def _offset_lines(offsets: list[GroupOffset]) -> list[str]:
    return [f"  offset    {o.group}  {o.topic}[{o.partition}] = {o.offset}" for o in offsets]


def bus_settings(make_bus):
    """settings() for backup_group from a bus factory: the bus's settings (nothing migrated)."""
    def settings():
        bus = make_bus(migrate_db=False)
        try:
            return bus.settings
        finally:
            bus.close()
    return settings


def backup_group(settings, groups, *, spool=None) -> click.Group:
    """The `backup` group: `settings()` reads the service's settings, `groups(settings)` names its
    consumer groups, `spool(settings)` its spool folder (a service with one)."""

    @click.group("backup")
    def backup():
        """Back up and restore the database, consumer offsets, key vault and spool."""

    @backup.command("create")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--no-vault", is_flag=True, help="Leave out the key vault (PRIVACY_VAULT_URL).")
    @click.option("--group", "named", multiple=True,
                  help="A consumer group to record (repeat; default: the service's own).")
    def create(folder, no_vault, named):
        """Write a backup into FOLDER (new or empty); safe while the service runs."""
        s = settings()
        try:
            done = create_backup(folder, s, list(named) or groups(s), vault=not no_vault,
                                 spool_dir=spool(s) if spool else None)
        except db.BackupError as err:
            raise CliError(str(err)) from None
        click.echo(f"backup written to {folder} at {done['taken_at']}")
        click.echo(f"  database  {done['database']['kind']}  revision {done['alembic_revision']}")
        click.echo(f"  offsets   {len(done['offsets'])} partitions in {', '.join(done['groups'])}")
        click.echo(f"  vault     {'included' if done['vault'] else 'not included'}")
        if spool:
            click.echo(f"  spool     {len(done['spool']['files'])} file(s)")

    @backup.command("restore")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--vault", is_flag=True,
                  help="Also replace the key vault (only when it was lost: keys shredded since the"
                       " backup come back until the erasures are replayed).")
    def restore(folder, vault):
        """Replace the database with FOLDER's and reset the consumer groups to its offsets."""
        s = settings()
        try:
            done = restore_backup(folder, s, vault=vault, spool_dir=spool(s) if spool else None)
        except db.BackupError as err:
            raise CliError(str(err)) from None
        manifest = done["manifest"]
        click.echo(f"restored the backup taken at {manifest['taken_at']} "
                   f"(revision {manifest['alembic_revision']}); the service migrates it on start")
        for line in _offset_lines(done["offsets"]):
            click.echo(line)
        click.echo(f"  vault     {'restored' if done['vault'] else 'left as it is'}")
        if spool:
            click.echo(f"  spool     restored {', '.join(done['spool']) or 'nothing (kept the current files)'}")

    return backup
