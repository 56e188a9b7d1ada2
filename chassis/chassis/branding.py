"""The organisation's branding: one TOML file (BRANDING_FILE), single values overridden by variables.

A shared service desk serving several organisations (#17) gives each its own section,
[organisations.<id>], overriding the top level's texts, logo, font and colours (and naming the
directorates that belong to it, for tickets that arrive without an organisation). Every colour
pair a page or email puts text on is checked against WCAG 2.2 AA at start-up, in every section.
"""
import dataclasses
import os
import re
import tomllib
from pathlib import Path
from typing import Mapping

from chassis.settings import SettingsError

# A stack allowed anywhere: GDS Transport is licensed for service.gov.uk only.
DEFAULT_FONT = 'arial, "Helvetica Neue", helvetica, sans-serif'
TEXTS = ("organisation_name", "service_name", "logo_alt", "contact_url", "privacy_url",
         "email_signature", "footer")
COLOURS = {"text": "#0b0c0c", "background": "#ffffff", "header_background": "#0b0c0c",
           "header_text": "#ffffff", "link": "#1d70b8", "button": "#00703c",
           "button_text": "#ffffff", "accent": "#1d70b8"}
# (foreground, background, minimum ratio): 4.5 for text (1.4.3), 3 for UI parts (1.4.11).
PAIRS = (("text", "background", 4.5), ("link", "background", 4.5),
         ("header_text", "header_background", 4.5), ("button_text", "button", 4.5),
         ("button", "background", 3.0), ("accent", "background", 3.0))
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class BrandingError(SettingsError):
    """A branding file or variable that cannot be used; the message names the key."""


@dataclasses.dataclass(frozen=True)
class Branding:
    organisation_name: str = "The council"
    service_name: str = "ICT Service"
    logo: str = ""  # a PNG or SVG file, served by each service (CSP: images from 'self' only)
    logo_alt: str = ""
    contact_url: str = ""
    privacy_url: str = ""
    email_signature: str = "ICT Service"
    footer: str = ""
    font_stack: str = DEFAULT_FONT
    templates_dir: str = ""  # per-organisation templates; the packaged ones are the fallback
    colours: Mapping[str, str] = dataclasses.field(default_factory=lambda: dict(COLOURS))
    # Per language (e.g. "cy"), the texts in that language's words.
    translations: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    # [organisations.<id>]: each organisation's own branding (the top level where it says nothing).
    organisations: Mapping[str, "Branding"] = dataclasses.field(default_factory=dict)
    # Normalised directorate name -> organisation id, from each section's `directorates`.
    directorates: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def for_organisation(self, organisation: str | None) -> "Branding":
        """That organisation's branding; the top level for none or one without a section."""
        return self.organisations.get(organisation or "", self)

    def organisation_of(self, directorate: str | None) -> str | None:
        """The organisation a directorate belongs to, by the file's `directorates` lists."""
        return self.directorates.get(normalised(directorate)) if directorate else None

    def text(self, name: str, lang: str = "en") -> str:
        """A text field in `lang`, or the default wording when it has no translation."""
        return self.translations.get(lang, {}).get(name) or getattr(self, name)

    def in_language(self, lang: str) -> dict[str, str]:
        return {name: self.text(name, lang) for name in TEXTS}

    @property
    def logo_type(self) -> str:
        return "image/svg+xml" if self.logo.lower().endswith(".svg") else "image/png"

    def stylesheet(self) -> str:
        """CSS custom properties and the overrides that put them on the GOV.UK Frontend classes."""
        c = self.colours
        return _CSS.format(font=self.font_stack, **c)


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_contrast(colours: Mapping[str, str]) -> None:
    for fg, bg, minimum in PAIRS:
        ratio = contrast_ratio(colours[fg], colours[bg])
        if ratio < minimum:
            # 4.496 shown as "4.50" would read as a pass: one more digit then.
            shown = f"{ratio:.2f}" if float(f"{ratio:.2f}") < minimum else f"{ratio:.3f}"
            raise BrandingError(
                f"branding colours: {fg} {colours[fg]} on {bg} {colours[bg]} has contrast "
                f"{shown}:1, below the {minimum}:1 WCAG 2.2 AA requires")


def load_branding(environ: Mapping[str, str] | None = None) -> Branding:
    """BRANDING_FILE (optional), then BRANDING_<FIELD> / BRANDING_COLOUR_<NAME> / TEMPLATES_OVERRIDE_DIR."""
    environ = os.environ if environ is None else environ
    path = environ.get("BRANDING_FILE", "")
    data = _read(Path(path)) if path else {}
    values = _fields(data, path or "branding")
    for name in (*TEXTS, "logo", "font_stack"):
        if environ.get(f"BRANDING_{name.upper()}"):
            values[name] = environ[f"BRANDING_{name.upper()}"]
    if environ.get("TEMPLATES_OVERRIDE_DIR"):
        values["templates_dir"] = environ["TEMPLATES_OVERRIDE_DIR"]
    colours = dict(COLOURS)
    colours.update(_colours(data.get("colours", {}), f"{path}: [colours]"))
    for name in COLOURS:
        if environ.get(f"BRANDING_COLOUR_{name.upper()}"):
            colours.update(_colours({name: environ[f"BRANDING_COLOUR_{name.upper()}"]},
                                    f"BRANDING_COLOUR_{name.upper()}"))
    check_contrast(colours)
    base = Path(path).parent if path else Path.cwd()
    for name in ("logo", "templates_dir"):
        if values.get(name):
            values[name] = str(base / values[name])
    if values.get("logo") and not Path(values["logo"]).is_file():
        raise BrandingError(f"branding logo: no file at {values['logo']}")
    if values.get("templates_dir") and not Path(values["templates_dir"]).is_dir():
        raise BrandingError(f"branding templates_dir: no folder at {values['templates_dir']}")
    top = Branding(**values, colours=colours, translations=_translations(data, path))
    sections = data.get("organisations", {})
    if not isinstance(sections, dict):
        raise BrandingError(f"{path}: [organisations] must be a table of organisation tables")
    # Each [organisations.<id>] over the top level (chassis.branding_organisations).
    from chassis.branding_organisations import directorates, organisation
    return dataclasses.replace(
        top, organisations={org: organisation(top, org, raw, path, base)
                            for org, raw in sections.items()},
        directorates=directorates(sections, path))


def normalised(name: str) -> str:
    """A directorate name compared as people mean it: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise BrandingError(f"BRANDING_FILE: cannot read {path}: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise BrandingError(f"BRANDING_FILE: {path} is not valid TOML: {err}") from None


_KNOWN = {*TEXTS, "logo", "font_stack", "templates_dir", "colours", "translations",
          "organisations"}


def _fields(data: dict, where: str) -> dict:
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise BrandingError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})")
    values = {k: v for k, v in data.items() if k not in ("colours", "translations",
                                                         "organisations")}
    for key, value in values.items():
        if not isinstance(value, str):
            raise BrandingError(f"{where}: {key} must be text, got {type(value).__name__}")
    return values


def _colours(table, where: str) -> dict:
    if not isinstance(table, dict):
        raise BrandingError(f"{where}: must be a table of colour names")
    for name, value in table.items():
        if name not in COLOURS:
            raise BrandingError(f"{where}: unknown colour {name!r} (known: {', '.join(COLOURS)})")
        if not isinstance(value, str) or not _HEX.match(value):
            raise BrandingError(f"{where}: {name} must be a colour like #1d70b8, got {value!r}")
    return {name: value.lower() for name, value in table.items()}


def _translations(data: dict, where: str) -> dict:
    table = data.get("translations", {})
    result = {}
    for lang, texts in table.items():
        if not isinstance(texts, dict):
            raise BrandingError(f"{where}: [translations.{lang}] must be a table")
        for key, value in texts.items():
            if key not in TEXTS or not isinstance(value, str):
                raise BrandingError(f"{where}: [translations.{lang}] {key} is not a text field")
        result[lang] = dict(texts)
    return result


_CSS = """:root {{ --brand-text: {text}; --brand-background: {background}; --brand-link: {link}; }}
/* GOV.UK Frontend's own switch ($govuk-font-family) needs a Sass build; the precompiled CSS is
   overridden instead, so no element asks for the gov.uk-only typeface and it is never fetched. */
body, body * {{ font-family: {font} !important; }}
.govuk-template, .govuk-template__body {{ background-color: {background}; color: {text}; }}
.govuk-body, .govuk-heading-l, .govuk-heading-m, .govuk-label, .govuk-fieldset__legend,
.govuk-hint, .govuk-body-s {{ color: {text}; }}
.govuk-header {{ background-color: {header_background}; border-bottom-color: {accent}; }}
.govuk-header__container {{ border-bottom-color: {accent}; }}
.govuk-header__link, .govuk-header__link:visited, .govuk-header__service-name,
.brand-header__name {{ color: {header_text}; }}
.govuk-link:link, .govuk-link:visited {{ color: {link}; }}
.govuk-button:not(.govuk-button--warning):not(.govuk-button--secondary) {{ background-color: {button}; color: {button_text}; }}
.govuk-panel--confirmation {{ background-color: {button}; color: {button_text}; }}
.brand-logo {{ max-height: 40px; vertical-align: middle; margin-right: 10px; }}
.brand-language {{ margin-top: 15px; }}
"""
