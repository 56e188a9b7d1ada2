"""The model version changes with anything that changes a score, a theme or a stored text."""
import shutil

import pytest

from analysis_svc.adapters.text import build_analyser, fingerprint, redaction

digest = fingerprint.digest.__wrapped__  # uncached: these tests edit files under one path


@pytest.fixture
def package(tmp_path):
    """A copy of the text package's modules and data, with copies of the external data files."""
    shutil.copytree(fingerprint.PACKAGE, tmp_path / "text", ignore=shutil.ignore_patterns("__pycache__"))
    external = tmp_path / "external"
    external.mkdir()
    for path in fingerprint.external_files():
        (external / path.name).write_bytes(path.read_bytes())
    return tmp_path / "text", tuple(sorted(external.iterdir()))


def test_it_covers_every_module_that_scores_redacts_or_matches_themes():
    covered = {p.name for p in fingerprint.modules()}
    assert {"analyser.py", "redaction.py", "names.py", "vocabulary.py", "credentials.py", "identifiers.py",
            "vader.py", "phrases.py", "taxonomy.py"} <= covered


def test_it_covers_every_data_file_but_the_evaluation_sets():
    every = {p.name for p in (fingerprint.PACKAGE / "data").iterdir()}
    covered = {p.name for p in fingerprint.data_files()}
    assert covered == every - fingerprint.EVALUATION_ONLY
    assert {"it_lexicon.tsv", "it_phrases.tsv", "not_names.txt", "name_words.txt", "it_products.txt"} <= covered
    sources = {p.name: p.read_text() for p in fingerprint.modules() if p.name != "fingerprint.py"}
    for name in fingerprint.EVALUATION_ONLY:  # what is left out is read by no rule
        assert [m for m, text in sources.items() if name in text] in ([], ["analyser.py"])


def test_it_covers_the_lexicons_and_name_lists_of_installed_packages():
    names = {p.name for p in fingerprint.external_files()}
    assert names == {"vader_lexicon.txt", "emoji_utf8_lexicon.txt", "en.json.gz",
                     "dist.male.first", "dist.female.first", "dist.all.last"}


@pytest.mark.parametrize("edit", [
    ("data/not_names.txt", lambda s: s + "\nzorbly\n"),
    ("data/name_words.txt", lambda s: s + "\nzorbly\n"),
    ("data/it_lexicon.tsv", lambda s: s.replace("\t", "\t0", 1)),
    ("data/it_phrases.tsv", lambda s: s + "\n"),
    ("redaction.py", lambda s: s.replace('"[EMAIL]"', '"[MAIL]"')),
    ("credentials.py", lambda s: s.replace("4 <= len(value) <= 12", "4 <= len(value) <= 11")),
    ("identifiers.py", lambda s: s.replace("{4,8}", "{4,9}")),
    ("names.py", lambda s: s.replace("40_000", "40_001")),
    ("taxonomy.py", lambda s: s.replace("quick, fast", "quick, rapid, fast")),
    ("vader.py", lambda s: s.replace("{2,}", "{3,}", 1)),
    ("analyser.py", lambda s: s.replace("POSITIVE_AT = 0.2", "POSITIVE_AT = 0.25")),
])
def test_an_edit_to_rules_or_data_changes_it(package, edit):
    root, external = package
    name, change = edit
    before = digest("tag", root, external)
    text = (root / name).read_text(encoding="utf-8")
    assert change(text) != text, "the edit must apply"
    (root / name).write_text(change(text), encoding="utf-8")
    assert digest("tag", root, external) != before


def test_an_edit_to_an_installed_name_list_or_the_asset_tag_changes_it(package):
    root, external = package
    before = digest("tag", root, external)
    assert digest("other", root, external) != before
    last = next(p for p in external if p.name == "dist.all.last")
    last.write_text(last.read_text() + "ZORBLY 0.001 99.9 99999\n")
    assert digest("tag", root, external) != before


def test_comments_and_evaluation_data_do_not_change_it(package):
    root, external = package
    before = digest("tag", root, external)
    path = root / "redaction.py"
    path.write_text(path.read_text().replace("# Every placeholder", "# Each placeholder"))
    (root / "data" / "redaction_eval.jsonl").write_text("{}\n")
    assert digest("tag", root, external) == before


def test_the_analyser_reports_it_with_the_asset_tag_in_use():
    analyser = build_analyser(learned=False)
    assert analyser.version == f"base-2.{fingerprint.digest(redaction.asset_tag())[:7]}"
    default = analyser.version
    try:
        redaction.configure(asset_tag=r"ZZ\d{6}")
        assert analyser.version != default
    finally:
        redaction.configure()
    assert analyser.version == default
