"""Branding per organisation (#17): [organisations.<id>] over the top level, each section checked."""
import pytest

from chassis.branding import BrandingError, load_branding

FILE = '''organisation_name = "Shared ICT"
service_name = "ICT Service"
[colours]
header_background = "#2a0a4a"
[translations.cy]
organisation_name = "TGCh a Rennir"
service_name = "Gwasanaeth TGCh"

[organisations.north-council]
organisation_name = "North Council"
directorates = ["Adult Social Care", "  highways "]
[organisations.north-council.colours]
button = "#005a30"
[organisations.north-council.translations.cy]
service_name = "Gwasanaeth TGCh y Gogledd"

[organisations.south-council]
organisation_name = "South Council"
logo = "south.png"
directorates = ["Housing"]
'''


def write(tmp_path, text):
    path = tmp_path / "branding.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "south.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return {"BRANDING_FILE": str(path)}


def test_a_section_overrides_the_top_level_and_keeps_the_rest(tmp_path):
    branding = load_branding(write(tmp_path, FILE))
    north = branding.for_organisation("north-council")
    assert north.organisation_name == "North Council"
    assert north.service_name == "ICT Service"
    assert north.colours["button"] == "#005a30"
    assert north.colours["header_background"] == "#2a0a4a"
    assert "#005a30" in north.stylesheet() and "#005a30" not in branding.stylesheet()
    # Its own Welsh wording; the top level's Welsh name is not the North Council's.
    assert north.text("service_name", "cy") == "Gwasanaeth TGCh y Gogledd"
    assert north.text("organisation_name", "cy") == "North Council"
    south = branding.for_organisation("south-council")
    assert south.logo == str(tmp_path / "south.png") and branding.logo == ""
    assert south.text("organisation_name", "cy") == "South Council"


def test_no_or_an_unknown_organisation_gets_the_top_level(tmp_path):
    branding = load_branding(write(tmp_path, FILE))
    assert branding.for_organisation(None) is branding
    assert branding.for_organisation("east-council") is branding


def test_directorates_map_to_their_organisation_case_and_spacing_ignored(tmp_path):
    branding = load_branding(write(tmp_path, FILE))
    assert branding.organisation_of("adult social  care") == "north-council"
    assert branding.organisation_of("Highways") == "north-council"
    assert branding.organisation_of("Housing") == "south-council"
    assert branding.organisation_of("Finance") is None
    assert branding.organisation_of(None) is None


@pytest.mark.parametrize("section, message", [
    ('[organisations.north]\n[organisations.north.colours]\nbutton_text = "#00703c"\n',
     r"\[organisations.north\]: branding colours: button_text #00703c on button #00703c"),
    ('[organisations.north]\ntemplates_dir = "x"\n',
     r"\[organisations.north\]: unknown key 'templates_dir'"),
    ('[organisations."North Council"]\n', "the id must be letters, digits"),
    ('[organisations.north]\nlogo = "nope.png"\n', r"\[organisations.north\] logo: no file"),
    ('[organisations.north]\ndirectorates = "Housing"\n', "directorates must be a list of names"),
    ('[organisations.a]\ndirectorates = ["Housing"]\n[organisations.b]\ndirectorates = ["housing"]\n',
     r"directorate 'housing' is in both \[organisations.a\] and \[organisations.b\]"),
    ('organisations = "x"\n', r"\[organisations\] must be a table"),
])
def test_a_bad_section_stops_start_up_naming_it(tmp_path, section, message):
    with pytest.raises(BrandingError, match=message):
        load_branding(write(tmp_path, section))
