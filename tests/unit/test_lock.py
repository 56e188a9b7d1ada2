"""The lock (constraints.txt) agrees with every pyproject.toml, and the venv was installed from it."""
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "constraints.txt"
FIX = "run `make lock` (then `make install`)"


def makefile_words(variable: str) -> list[str]:
    """The words of a `NAME := ...` line of the Makefile, quotes removed."""
    line = re.search(rf"^{variable} := (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return [word.strip('"') for word in line.group(1).split()]


def pyprojects() -> dict[str, dict]:
    """Each package folder the Makefile installs -> its parsed pyproject.toml."""
    return {folder: tomllib.loads((ROOT / folder / "pyproject.toml").read_text())
            for folder in makefile_words("PACKAGES") if (ROOT / folder / "pyproject.toml").exists()}


PROJECTS = pyprojects()
LOCAL = {canonicalize_name(pyproject["project"]["name"]) for pyproject in PROJECTS.values()}


def locked() -> dict[str, Requirement]:
    """Canonical name -> the lock's `name==version ; marker` line."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pin = Requirement(line)
            pins[canonicalize_name(pin.name)] = pin
    return pins


def wanted(pyproject: dict) -> list[Requirement]:
    """A package's dependencies, its `test` extra and its build backend."""
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {})
    build = pyproject.get("build-system", {}).get("requires", [])
    return [Requirement(r) for r in project.get("dependencies", []) + extras.get("test", []) + build]


def disagreements(requirements: list[Requirement], pins: dict[str, Requirement]) -> list[str]:
    """Third-party requirements the lock lacks or pins outside their specifier."""
    problems = []
    for req in requirements:
        name = canonicalize_name(req.name)
        if name in LOCAL or (req.marker and not req.marker.evaluate()):
            continue
        pin = pins.get(name)
        if pin is None:
            problems.append(f"{req} is not in {LOCK.name}")
            continue
        version = pinned_version(pin)
        if not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req} is not satisfied by the lock's {pin.name}=={version}")
    return problems


def pinned_version(pin: Requirement) -> str:
    (spec,) = pin.specifier
    return spec.version


def same_version(installed: str, pinned: str) -> bool:
    try:
        return Version(installed) == Version(pinned)
    except InvalidVersion:
        return False


def applies(pin: Requirement) -> bool:
    return pin.marker is None or pin.marker.evaluate()


def test_lock_is_plain_exact_pins_of_third_party_packages():
    pins = locked()
    assert pins, f"{LOCK.name} is empty: {FIX}"
    for name, pin in pins.items():
        assert not pin.url, f"{pin}: the lock holds only index pins"
        assert [s.operator for s in pin.specifier] == ["=="], f"{pin}: not an exact pin"
        assert name not in LOCAL, f"{pin}: local packages install from their folders, not the lock"


@pytest.mark.parametrize("folder", sorted(PROJECTS))
def test_lock_satisfies_each_pyproject(folder):
    problems = disagreements(wanted(PROJECTS[folder]), locked())
    assert not problems, f"{folder}/pyproject.toml and {LOCK.name} disagree ({FIX}):\n" + "\n".join(problems)


@pytest.mark.parametrize("variable", ["TEST_TOOLS", "BUILD_TOOLS"])
def test_lock_satisfies_the_makefile_tools(variable):
    tools = [Requirement(word) for word in makefile_words(variable)]
    problems = disagreements(tools, locked())
    assert not problems, f"Makefile {variable} and {LOCK.name} disagree ({FIX}):\n" + "\n".join(problems)


def test_installed_versions_are_the_locked_ones():
    mismatched = []
    for name, pin in sorted(locked().items()):
        if not applies(pin):
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if not same_version(installed, pinned_version(pin)):
            mismatched.append(f"{name}: installed {installed}, locked {pinned_version(pin)}")
    assert not mismatched, "the venv was not installed from the lock (`make install`):\n" + "\n".join(mismatched)
