"""chassis.db.make_engine: a failing statement's error (and so its log line) holds no bound value."""
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chassis.db import make_engine

pytestmark = pytest.mark.integration

COMMENT = "My neighbour Sam Taylor was rude"
EMAIL = "sam.taylor@example.gov.uk"


def test_a_failing_insert_names_no_comment_or_email(db_url, caplog):
    engine = make_engine(db_url, hide_parameters=False)  # a caller cannot switch it off
    table = sa.Table("answers", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("email", sa.String(200)), sa.Column("comment", sa.Text))
    table.metadata.create_all(engine)
    row = {"id": 1, "email": EMAIL, "comment": COMMENT}
    with engine.begin() as conn:
        conn.execute(table.insert(), row)
    with pytest.raises(IntegrityError) as err, caplog.at_level(logging.DEBUG, logger="sqlalchemy"):
        with engine.begin() as conn:
            conn.execute(table.insert(), row)
    logging.getLogger("app").error("insert failed", exc_info=err.value)  # as a handler logs it
    engine.dispose()
    text = str(err.value) + repr(err.value) + caplog.text
    assert "SQL parameters hidden" in str(err.value)
    for secret in (COMMENT, EMAIL):
        assert secret not in text
