import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import dashboard_seed  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory):
    """A database filled through the real consumer, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'analysis.db'}"
    else:
        url = request.getfixturevalue("postgres_url_factory")()
    services = dashboard_seed.seed(url)
    yield services
    services.close()


@pytest.fixture
def app(seeded):
    from analysis_svc.app import create_app
    app = create_app(seeded)
    app.config["TESTING"] = True
    return app
