"""Branding: the contrast checker against known ratios, and the settings file's errors."""
import pytest

from chassis.branding import BrandingError, contrast_ratio, load_branding


@pytest.mark.parametrize("fg, bg, expected", [
    ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54), ("#777777", "#ffffff", 4.48),
    ("#1d70b8", "#ffffff", 5.17)])
def test_contrast_ratio_matches_known_values(fg, bg, expected):
    assert contrast_ratio(fg, bg) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(bg, fg) == pytest.approx(expected, abs=0.01)


def write(tmp_path, text):
    path = tmp_path / "branding.toml"
    path.write_text(text, encoding="utf-8")
    return {"BRANDING_FILE": str(path)}


def test_defaults_without_a_file_pass_the_contrast_check():
    branding = load_branding({})
    assert branding.service_name == "ICT Service"
    assert "GDS Transport" not in branding.stylesheet()


def test_file_values_then_variables_override_single_values(tmp_path):
    environ = write(tmp_path, 'organisation_name = "Cyngor Sir Ddinbych"\n'
                              'service_name = "Digital Services"\n'
                              '[colours]\nheader_background = "#2A0A4A"\n'
                              '[translations.cy]\nservice_name = "Gwasanaethau Digidol"\n')
    branding = load_branding({**environ, "BRANDING_SERVICE_NAME": "Digital",
                              "BRANDING_COLOUR_LINK": "#005EA5"})
    assert branding.organisation_name == "Cyngor Sir Ddinbych"
    assert branding.service_name == "Digital"
    assert branding.colours["header_background"] == "#2a0a4a"
    assert branding.colours["link"] == "#005ea5"
    assert branding.text("service_name", "cy") == "Gwasanaethau Digidol"
    assert branding.text("organisation_name", "cy") == "Cyngor Sir Ddinbych"


def test_a_pair_below_aa_names_the_pair_and_its_ratio(tmp_path):
    environ = write(tmp_path, '[colours]\nlink = "#777777"\n')
    with pytest.raises(BrandingError, match=r"link #777777 on background #ffffff has contrast "
                                            r"4\.48:1, below the 4\.5:1"):
        load_branding(environ)


def test_a_variable_colour_below_aa_is_refused():
    with pytest.raises(BrandingError, match="header_text #ffffff on header_background #ffff00"):
        load_branding({"BRANDING_COLOUR_HEADER_BACKGROUND": "#ffff00"})


@pytest.mark.parametrize("text, message", [
    ('organisation = "x"\n', "unknown key 'organisation'"),
    ("service_name = 3\n", "service_name must be text"),
    ('[colours]\nlink = "blue"\n', "link must be a colour like #1d70b8, got 'blue'"),
    ('[colours]\npink = "#ff00ff"\n', "unknown colour 'pink'"),
    ("service_name = \n", "is not valid TOML"),
    ('logo = "missing.svg"\n', "branding logo: no file at"),
    ('[translations.cy]\nlogo = "x"\n', r"\[translations.cy\] logo is not a text field"),
])
def test_file_errors_name_the_problem(tmp_path, text, message):
    with pytest.raises(BrandingError, match=message):
        load_branding(write(tmp_path, text))


def test_a_missing_file_is_named():
    with pytest.raises(BrandingError, match="BRANDING_FILE: cannot read /nonexistent/b.toml"):
        load_branding({"BRANDING_FILE": "/nonexistent/b.toml"})
