"""The committed Welsh catalogue: compiled (.mo) from its .po, and covering every page string."""
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ingest_svc.entrypoints.web.i18n import TRANSLATIONS


def messages(catalog):
    return {m.id: m.string for m in catalog if m.id}


def test_the_committed_mo_is_compiled_from_the_po():
    """`pybabel compile -d ingest_svc/translations` after editing the .po (see README)."""
    base = f"{TRANSLATIONS}/cy/LC_MESSAGES/messages"
    with open(f"{base}.po", "rb") as po, open(f"{base}.mo", "rb") as mo:
        assert messages(read_mo(mo)) == messages(read_po(po))


def test_every_extracted_string_has_a_welsh_translation():
    with open(f"{TRANSLATIONS}/messages.pot", "rb") as pot, \
         open(f"{TRANSLATIONS}/cy/LC_MESSAGES/messages.po", "rb") as po:
        welsh = messages(read_po(po))
        missing = [m.id for m in read_po(pot) if m.id and not welsh.get(m.id)]
    assert not missing
