"""`analysis-svc structure`: import an organisation structure file, migrate existing names (#17).

The file is TOML (or YAML when PyYAML is installed, by its .yaml/.yml suffix):

    [[organisations]]
    name = "North Council"
    id = "north"                       # optional: made from the name
    [[organisations.directorates]]
    name = "North Adults"
    valid_from = 2023-04-01            # optional dates of this name
    aliases = ["N Adults"]
    services = [{ name = "Care North" }]

    [[aliases]]
    name = "Adlts"
    node = "north-adults"              # a node id or name

    [[reorganisations]]
    kind = "split"                     # rename | merge | split | move
    effective = 2023-04-01
    sources = ["Adults"]
    targets = ["North Adults", "West Adults"]
    rule = { field = "service", cases = { "Care North" = "North Adults" }, default = "West Adults" }
"""
import tomllib
from pathlib import Path

import click

from analysis_svc.domain import structure_commands as commands
from analysis_svc.domain.structure import StructureError


def _parse(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ModuleNotFoundError:
            raise click.UsageError("YAML needs PyYAML installed; TOML needs nothing.") from None
        return yaml.safe_load(text) or {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise click.UsageError(f"{path}: {err}") from None


def structure_group(make_bus) -> click.Group:
    @click.group("structure")
    def structure():
        """Organisations, directorates, aliases and reorganisations (issue #17)."""

    @structure.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_file(file):
        """Add the organisations, nodes, aliases and reorganisations FILE describes (one
        transaction: nothing is kept if any of it is refused)."""
        bus = make_bus()
        try:
            counts = bus.handle(commands.ImportStructure(_parse(file)))
        except StructureError as err:
            raise click.ClickException(f"refused, nothing imported: {err}") from None
        except (KeyError, ValueError, TypeError) as err:
            raise click.ClickException(f"{file}: malformed entry ({err})") from None
        finally:
            bus.close()
        click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))

    @structure.command("migrate")
    @click.option("--organisation", required=True, help="The default organisation's name.")
    def migrate(organisation):
        """Every stored directorate name no node resolves becomes a directorate of ORGANISATION
        (created when missing)."""
        bus = make_bus()
        try:
            made = bus.handle(commands.MigrateDirectorates(organisation))
        finally:
            bus.close()
        click.echo(f"{len(made)} directorates now in {organisation}" +
                   "".join(f"\n  {name}" for name in made))

    return structure
