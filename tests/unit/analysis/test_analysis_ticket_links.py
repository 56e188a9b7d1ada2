"""TICKET_LINKS: the longest prefix wins, `*` takes the rest, ids are escaped, mistakes named."""
import pytest

from analysis_svc.config import Settings
from analysis_svc.domain.ticket_links import parse_ticket_links, ticket_link

LINKS = parse_ticket_links(
    "INC=https://snow.example/nav_to.do?uri=incident.do?sysparm_query=number={ticket_id} "
    "RT-=https://rt.example/Ticket/Display.html?id={id} "
    "RT-HOUS-=https://housing-rt.example/Ticket/Display.html?id={id} "
    "*=https://desk.example/tickets/{ticket_id}")


@pytest.mark.parametrize("ticket_id, link", [
    ("INC0010023", "https://snow.example/nav_to.do?uri=incident.do?sysparm_query=number=INC0010023"),
    ("RT-42", "https://rt.example/Ticket/Display.html?id=42"),
    ("RT-HOUS-7", "https://housing-rt.example/Ticket/Display.html?id=7"),
    ("SP 12/x?&", "https://desk.example/tickets/SP%2012%2Fx%3F%26"),
    (None, None),
])
def test_links(ticket_id, link):
    assert ticket_link(ticket_id, LINKS) == link


def test_no_match_no_link():
    assert ticket_link("SP-1", parse_ticket_links("INC=https://x/{ticket_id}")) is None


@pytest.mark.parametrize("raw, named", [
    ("INC", "expected PREFIX="), ("INC=ftp://x/{ticket_id}", "expected PREFIX="),
    ("INC=https://x/", "neither")])
def test_mistakes_are_named(raw, named):
    with pytest.raises(ValueError, match=named):
        parse_ticket_links(raw)


def test_read_from_the_environment():
    settings = Settings.from_env({"ADMIN_TOKEN": "a" * 32, "PRIVACY_MASTER_KEY": "k" * 48,
                                  "TICKET_LINKS": "INC=https://x/{ticket_id}"})
    assert settings.ticket_links == (("INC", "https://x/{ticket_id}"),)
