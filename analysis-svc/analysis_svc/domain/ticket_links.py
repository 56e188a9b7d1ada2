"""Deep links from a detractor to its ticket in the service desk, by ticket-id prefix.

TICKET_LINKS="INC=https://council.service-now.com/nav_to.do?uri=incident.do?sysparm_query=number={ticket_id}
              RT-=https://rt.council.gov.uk/Ticket/Display.html?id={id}
              *=https://desk.council.gov.uk/tickets/{ticket_id}"
`{ticket_id}` is the whole id, `{id}` the id without its prefix; the longest prefix wins, `*`
takes any other id; without a match the page shows the id alone.
"""
from urllib.parse import quote

ANY = "*"


def parse_ticket_links(raw: str) -> tuple[tuple[str, str], ...]:
    """(prefix, template) pairs, longest prefix first; ValueError naming a bad entry."""
    links = []
    for entry in raw.split():
        prefix, sep, template = entry.partition("=")
        if not sep or not template.startswith(("https://", "http://")):
            raise ValueError(f"expected PREFIX=https://...{{ticket_id}}, got {entry!r}")
        if "{ticket_id}" not in template and "{id}" not in template:
            raise ValueError(f"{entry!r} has neither {{ticket_id}} nor {{id}}")
        links.append((prefix, template))
    return tuple(sorted(links, key=lambda link: (link[0] == ANY, -len(link[0]))))


def ticket_link(ticket_id: str | None, links) -> str | None:
    if not ticket_id:
        return None
    for prefix, template in links:
        if prefix == ANY or ticket_id.startswith(prefix):
            rest = ticket_id if prefix == ANY else ticket_id[len(prefix):]
            return (template.replace("{ticket_id}", quote(ticket_id, safe=""))
                    .replace("{id}", quote(rest, safe="")))
    return None
