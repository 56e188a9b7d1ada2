"""The directorate scope: one rule for feeds, dashboard, report and follow-ups."""
import pytest
import sqlalchemy as sa

from chassis.scope import OutOfScope, allows, check_directorate, scoped

rows = sa.Table("rows", sa.MetaData(), sa.Column("directorate", sa.String))


@pytest.fixture()
def db():
    engine = sa.create_engine("sqlite://")
    rows.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(rows.insert(), [{"directorate": d} for d in ("Adults", "Children", "Place")])
    with engine.connect() as conn:
        yield conn


def _names(db, scope, directorate=None):
    stmt = scoped(sa.select(rows.c.directorate), rows.c.directorate, scope, directorate)
    return sorted(db.execute(stmt).scalars())


def test_admin_sees_everything(db):
    assert _names(db, None) == ["Adults", "Children", "Place"]


def test_partner_sees_only_their_directorates(db):
    assert _names(db, {"Adults", "Place"}) == ["Adults", "Place"]
    assert _names(db, {"Adults"}, "Adults") == ["Adults"]


def test_empty_scope_sees_nothing(db):
    assert _names(db, set()) == []
    assert _names(db, frozenset()) == []


def test_a_directorate_outside_the_scope_yields_nothing_even_if_asked(db):
    assert _names(db, {"Adults"}, "Children") == []


def test_check_directorate():
    check_directorate(None, "Anything")
    check_directorate({"Adults"}, "Adults")
    check_directorate({"Adults"}, None)
    with pytest.raises(OutOfScope):
        check_directorate({"Adults"}, "Children")
    with pytest.raises(OutOfScope):
        check_directorate(set(), "Adults")
    assert allows(None, "x") and allows({"x"}, "x") and not allows({"x"}, "y")
