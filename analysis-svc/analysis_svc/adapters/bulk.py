"""A batch in one statement of fixed text on PostgreSQL: ids as one JSON array parameter, rows as
one JSON text (json_to_recordset) or, for plain inserts, COPY; SQLite keeps its IN lists and
executemany.

An IN list of 1,000 ids is 1,000 bind parameters the server parses and plans on every batch
(~4x the time of one array parameter), and an executemany INSERT is one execution per row. The
one-parameter forms have the same text whatever the batch size, so psycopg prepares them after a
few batches; JSON rather than arrays because orjson writes it in C, where psycopg dumps array
items one by one in Python.
"""
import json
import operator

import orjson
from sqlalchemy import (JSON, String, Table, Text, any_, bindparam, cast, column, exc, func,
                        select)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeDecorator


def _uncut(type_):
    """The column's type for an array cast: VARCHAR without its length, since a cast to
    VARCHAR(n) would silently cut a longer value that an INSERT refuses (and the column does)."""
    return String() if isinstance(type_, String) else type_


def is_postgresql(session_or_conn) -> bool:
    bind = getattr(session_or_conn, "dialect", None) or session_or_conn.get_bind().dialect
    return bind.name == "postgresql"


def among(column, values, postgres: bool):
    """`column IN values`: on PostgreSQL one parameter, strings as a JSON array (orjson writes it
    in C; psycopg dumps a list's items one by one in Python), other values as an array."""
    values = sorted(set(values))
    if postgres and isinstance(column.type, String):
        return column.in_(select(func.json_array_elements_text(json_rows(values))))
    if postgres:
        return column == any_(bindparam(None, values, type_=ARRAY(_uncut(column.type))))
    return column.in_(values)


def json_rows(values: list):
    """`values` (JSON-able: strings, numbers, dicts of them, aware datetimes) as one JSON
    parameter; the statement's text does not depend on them, so psycopg prepares it."""
    return cast(bindparam(None, orjson.dumps(values).decode(), type_=Text), postgresql.JSON)


class RowSet:
    """INSERTs of `columns` into `table` taking a batch's rows at once: on PostgreSQL the rows as
    one JSON array parameter read back by json_to_recordset (JSON columns as their text, cast
    back, as SQLAlchemy's JSON type writes them: None is JSON null), executemany on SQLite. Every
    row names every column (no defaults apply).

    One JSON text, not one array per column: orjson writes a batch's ~9,000 rollup values in C,
    where psycopg dumps array items one by one in Python (a tenth of the consumer's CPU)."""

    def __init__(self, table: Table, columns: list[str], postgres: bool):
        self.table, self.columns, self.postgres = table, list(columns), postgres
        self._json = {n for n in self.columns if isinstance(table.c[n].type, JSON)}
        self._bind = {n: table.c[n].type for n in self.columns
                      if isinstance(table.c[n].type, TypeDecorator)}

    def insert(self):
        """The INSERT; chain .on_conflict_do_nothing() / _do_update() / .returning() as needed."""
        if not self.postgres:
            return sqlite.insert(self.table)
        source = func.json_to_recordset(cast(bindparam("b_rows", type_=Text), postgresql.JSON))
        source = source.table_valued(*[column(n, Text if n in self._json else _uncut(
            self.table.c[n].type)) for n in self.columns]).render_derived("batch", with_types=True)
        return postgresql.insert(self.table).from_select(self.columns, select(*[
            cast(source.c[n], self.table.c[n].type) if n in self._json else source.c[n]
            for n in self.columns]))

    def params(self, rows: list[dict]):
        """The rows as the INSERT's parameters (one JSON text on PostgreSQL)."""
        if not self.postgres:
            return rows
        if self._json or self._bind:
            rows = [self._converted(row) for row in rows]
        return {"b_rows": orjson.dumps(rows).decode()}

    def _converted(self, row: dict) -> dict:
        row = dict(row)
        for name in self._json:
            row[name] = json.dumps(row.get(name))
        for name, type_ in self._bind.items():  # naive datetimes are UTC (chassis.db.UtcDateTime)
            row[name] = type_.process_bind_param(row.get(name), None)
        return row


def copy_rows(session, table: Table, rows: list[dict]) -> None:
    """PostgreSQL: INSERT new rows with COPY (every column named in every row; a duplicate key
    fails as an INSERT would). A third of the client CPU and wall time of an executemany or an
    unnest of a thousand 27-column rows: psycopg formats COPY rows in C. Errors are raised as
    SQLAlchemy's (OperationalError stays transient: the batch is re-read, not dead-lettered)."""
    columns = [c.name for c in table.c]
    dialect = session.get_bind().dialect
    # values taken in C (itemgetter), converted only where a column needs it (4 of 27)
    pick = operator.itemgetter(*columns)
    convert = [(i, f) for i, n in enumerate(columns)
               if (f := _copy_value(table.c[n].type, dialect)) is not _same]
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    connection = session.connection()
    raw = connection.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = list(pick(row))
                for i, f in convert:
                    values[i] = f(values[i])
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as err:
        lost = dialect.is_disconnect(err, raw, None)
        if lost:
            connection.invalidate(err)
        raise exc.DBAPIError.instance(statement, None, err, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, connection_invalidated=lost,
                                      dialect=dialect) from err


def _copy_value(type_, dialect):
    """What COPY's text format needs for a column: JSON as its text (None is JSON null, as
    SQLAlchemy writes it), a TypeDecorator's bind conversion (aware UTC datetimes), else as is."""
    if isinstance(type_, JSON):
        return json.dumps
    if isinstance(type_, TypeDecorator):
        return lambda value: type_.process_bind_param(value, dialect)
    return _same


def _same(value):
    return value
