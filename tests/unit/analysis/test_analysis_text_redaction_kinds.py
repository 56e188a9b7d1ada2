"""Redaction of other people's names, secrets, machine identifiers and number plates."""
import pytest

from analysis_svc.adapters.text import redact
from analysis_svc.adapters.text.redaction import PLACEHOLDER, configure


@pytest.mark.parametrize("text, expected", [
    ("Dave Smith sorted it", "[NAME] sorted it"),
    ("Thanks to Priya on the desk", "Thanks to [NAME] on the desk"),
    ("Left a message for Mr Okonkwo", "Left a message for Mr [NAME]"),
    ("thanks dave, all good", "thanks [NAME], all good"),
    ("Big thanks to Sarah and Will", "Big thanks to [NAME] and [NAME]"),
    ("Engineer Łukasz replaced the dock", "Engineer [NAME] replaced the dock"),
    ("and then Aoife sorted it", "and then [NAME] sorted it"),
    ("Will Turner fixed Outlook", "[NAME] fixed Outlook"),
    ("Kemi was really patient with me", "[NAME] was really patient with me"),
])
def test_redacts_other_peoples_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Outlook and Teams crash when Windows updates",
    "Citrix, Excel, Word, Chrome, SharePoint, OneDrive and Zoom are all slow",
    "The Jabra headset on the Dell dock works but the HP printer jams",
    "Will the migration happen in May?",
    "Mark as resolved please",
    "The Service Desk at the Town Hall were helpful",
    "Adult Social Care cannot open Sage",
    "my Paris number is down",
])
def test_leaves_product_and_ordinary_words(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("my password is Hunter2!", "my password is [SECRET]"),
    ("pwd: Summer2024 - locked out", "pwd: [SECRET] - locked out"),
    ("password was reset to Welcome1.", "password was reset to [SECRET]."),
    ("PIN 1234 for the door", "PIN [SECRET] for the door"),
    ("the API key sk-4f9XbQ2LmP7rT8wZ1yK3nV6c is in the script",
     "the API key [SECRET] is in the script"),
    ("pasted ghp_a8Kd93JfLq02MzXv71NbQw5RtYp6 in", "pasted [SECRET] in"),
])
def test_redacts_secrets(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "my password is expired",
    "password reset was quick",
    "my password is not working again",
    "see Q3_budget_report_final_v2.xlsx on the drive",
    "Why does it ask for my PIN every time?",
])
def test_leaves_ordinary_password_talk(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("ping 192.168.10.24 fails", "ping [IP ADDRESS] fails"),
    ("range 10.0.0.0/24 blocked", "range [IP ADDRESS] blocked"),
    ("from fe80::1ff:fe23:4567:890a today", "from [IP ADDRESS] today"),
    ("v6 2001:db8:85a3::8a2e:370:7334.", "v6 [IP ADDRESS]."),
    ("MAC 00:1A:2B:3C:4D:5E", "MAC [MAC ADDRESS]"),
    ("mac 00-1a-2b-3c-4d-5e and 001a.2b3c.4d5e", "mac [MAC ADDRESS] and [MAC ADDRESS]"),
    ("my laptop LT-104512 is cracked", "my laptop [DEVICE ID] is cracked"),
    ("asset tag: PC004512", "asset tag: [DEVICE ID]"),
    ("pool car AB12 CDE is out", "pool car [VEHICLE REG] is out"),
    ("parked AB12CDE there", "parked [VEHICLE REG] there"),
    ("my van reg P123 ABC", "my van reg [VEHICLE REG]"),
    ("car ABC 123D", "car [VEHICLE REG]"),
])
def test_redacts_identifiers(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Ticket INC0012345 raised at 10:30",
    "Windows 11 build 10.0.22631 and version 1.2.3.4",
    "part ABC 123D in the catalogue",
    "meeting 10:30:00 to 11:00",
])
def test_leaves_references_and_versions(text):
    assert redact(text) == text


def test_asset_tag_pattern_is_configurable():
    try:
        configure(asset_tag=r"ASSET\d{6}")
        assert redact("laptop ASSET123456 and laptop LT-104512") == "laptop [DEVICE ID] and laptop LT-104512"
    finally:
        configure()


def test_placeholder_pattern_names_every_placeholder():
    text = redact("Dave rang from 10.1.2.3, MAC 00:1A:2B:3C:4D:5E, laptop LT-104512, car AB12 CDE, pin 4321")
    assert text.count("[") == 6 and "[" not in PLACEHOLDER.sub("", text)
