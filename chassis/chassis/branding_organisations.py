"""[organisations.<id>] sections of the branding file (#17): each organisation's texts, logo,
font and colours over the top level, checked like it, and the directorates that belong to it."""
import dataclasses
from pathlib import Path

from chassis.branding import (TEXTS, Branding, BrandingError, _colours, _fields, _translations,
                              check_contrast, normalised)
from contracts.organisations import is_organisation_id

_ORGANISATION_KEYS = {*TEXTS, "logo", "font_stack", "colours", "translations", "directorates"}


def organisation(top: Branding, org: str, raw, path: str, base: Path) -> Branding:
    """One [organisations.<id>] section over the top level, checked like it."""
    where = f"{path}: [organisations.{org}]"
    if not is_organisation_id(org):
        raise BrandingError(f"{where}: the id must be letters, digits, '.', '_' or '-'")
    if not isinstance(raw, dict):
        raise BrandingError(f"{where}: must be a table")
    unknown = sorted(set(raw) - _ORGANISATION_KEYS)
    if unknown:
        raise BrandingError(f"{where}: unknown key {unknown[0]!r} "
                            f"(known: {', '.join(sorted(_ORGANISATION_KEYS))})")
    values = _fields({k: v for k, v in raw.items() if k != "directorates"}, where)
    colours = {**top.colours, **_colours(raw.get("colours", {}), f"{where} colours")}
    try:
        check_contrast(colours)
    except BrandingError as err:
        raise BrandingError(f"{where}: {err}") from None
    if values.get("logo"):
        values["logo"] = str(base / values["logo"])
        if not Path(values["logo"]).is_file():
            raise BrandingError(f"{where} logo: no file at {values['logo']}")
    # The top level's wording in another language stays only for the texts the section keeps.
    own = _translations(raw, where)
    translations = {lang: {k: v for k, v in texts.items() if k not in values}
                    for lang, texts in top.translations.items()}
    for lang, texts in own.items():
        translations[lang] = {**translations.get(lang, {}), **texts}
    return dataclasses.replace(top, **values, colours=colours, translations=translations)


def directorates(sections: dict, path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for org, raw in sections.items():
        names = raw.get("directorates", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise BrandingError(f"{path}: [organisations.{org}] directorates must be a list "
                                "of names")
        for name in names:
            other = found.setdefault(normalised(name), org)
            if other != org:
                raise BrandingError(f"{path}: directorate {name!r} is in both "
                                    f"[organisations.{other}] "
                                    f"and [organisations.{org}]")
    return found
