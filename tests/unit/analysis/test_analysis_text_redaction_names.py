"""Names the census lists lack, found because they are no English word; what that must not take."""
import pytest

from analysis_svc.adapters.text import redact
from analysis_svc.adapters.text.vocabulary import is_english


@pytest.mark.parametrize("text, expected", [
    ("In the end Wojciech replied on Friday", "In the end [NAME] replied on Friday"),
    ("Why did Siobhán close it?", "Why did [NAME] close it?"),
    ("Małgorzata picked it up at once", "[NAME] picked it up at once"),
    ("Tejaswini Kulkarni and Dave sorted the move", "[NAME] and [NAME] sorted the move"),
    ("cheers siobhán, all good", "cheers [NAME], all good"),
    ("thanks aoife", "thanks [NAME]"),
    ("I got Connor, who knew the fix", "I got [NAME], who knew the fix"),
    ("Big shout to Jack for this", "Big shout to [NAME] for this"),
    ("a note from Mr O'Dwyer", "a note from Mr [NAME]"),
])
def test_names_that_are_no_english_word_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Networks rang me back promptly",              # a team: an English plural
    "the Facilities people came at noon",
    "the Colour printer on the Programme floor",   # British spellings are English
    "Thankyou, Dont know what I'd do without IT",  # apostrophe-less chat words
    "the FooBar portal and the ZryVV link",        # capitals inside: brands, link text
    "it will work on Wed or Sep 3",
    "the new PCs and the Wifi in the Civic Centre",
    "cheers mate, thanks guys",
    "Outlook, Teams and Citrix all froze",
])
def test_english_and_product_words_are_left(text):
    assert redact(text) == text


def test_the_vocabulary_reads_british_spellings_as_english():
    assert all(map(is_english, ["colour", "centre", "organisation", "programme", "licence", "analyse"]))
    assert not any(map(is_english, ["siobhán", "wojciech", "tejaswini"]))
