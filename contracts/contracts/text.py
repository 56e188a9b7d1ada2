"""What text the contracts accept: names on one line without control codes, free text with its
line breaks. CR/LF in a directorate once broke every alert mail's Subject header.

Services' API schemas use the same validators at their edge, so a caller hears a 422 there.
"""
import re
import unicodedata

from marshmallow import ValidationError, validate

# C0 controls (tab and line breaks included), DEL, C1 controls and the Unicode line and
# paragraph separators: none belongs in a name, an id or a label.
NAME_REFUSED = "\x00-\x1f\x7f-\x9f\u2028\u2029"
# Free text (a comment, a reason) keeps tab, LF and CR (a form's textarea sends CRLF); C1 codes
# stay too: a mail in cp1252 labelled latin-1 decodes its quotes to them, and it is still an answer.
TEXT_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"


def _json_pattern(refused: str) -> str:
    """The same rule as a JSON Schema (ECMA-262) pattern, for non-Python consumers."""
    return "^[^" + "".join(c if c == "-" else f"\\u{ord(c):04x}" for c in refused) + "]*$"


class NoControlCharacters(validate.Validator):
    """Refuse a string holding any of `refused` (a regex character-class body)."""

    def __init__(self, refused: str = NAME_REFUSED):
        self.refused = refused
        self.pattern = _json_pattern(refused)
        self._search = re.compile(f"[{refused}]").search

    def __call__(self, value: str) -> str:
        found = self._search(value)
        if found is not None:
            char = found.group()
            name = unicodedata.name(char, "") or _C0_NAMES.get(char, "control character")
            raise ValidationError(f"Must not contain control characters: U+{ord(char):04X} "
                                  f"({name.lower()}) at position {found.start()}.")
        return value

    def _repr_args(self) -> str:
        return f"refused={self.refused!r}"


_C0_NAMES = {"\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x00": "NUL",
             "\x0b": "VERTICAL TAB", "\x0c": "FORM FEED", "\x1b": "ESCAPE", "\x7f": "DELETE",
             "\x85": "NEXT LINE"}

NAME = NoControlCharacters(NAME_REFUSED)
FREE_TEXT = NoControlCharacters(TEXT_REFUSED)
