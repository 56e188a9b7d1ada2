"""Local development and test infrastructure for the feedback suite."""
import os
from pathlib import Path


def repo_root() -> Path:
    """The checkout this devkit runs from (SUITE_ROOT overrides)."""
    env = os.environ.get("SUITE_ROOT")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def var_dir() -> Path:
    return repo_root() / "var"


def assets_dir() -> Path:
    """node_modules with govuk-frontend, chart.js and axe-core (ASSETS_DIR overrides)."""
    env = os.environ.get("ASSETS_DIR")
    return Path(env) if env else repo_root() / "node_modules"
