"""The detractor page shows each case's ticket, linked into the service desk (TICKET_LINKS)."""
from dataclasses import replace

import pytest

from analysis_svc.domain.ticket_links import parse_ticket_links
from dashboard_seed import PARTNER
from test_dashboard_pages import signed_in

pytestmark = pytest.mark.integration
LINKS = parse_ticket_links(
    "INC=https://council.service-now.com/nav_to.do?uri=incident.do?sysparm_query=number={ticket_id}")


def test_a_detractor_links_to_its_ticket_when_its_prefix_is_configured(app, seeded):
    settings = seeded.dependencies["settings"]
    client = signed_in(app, PARTNER)
    plain = client.get("/dashboard/detractors").get_data(as_text=True)
    assert "Ticket INC9999999</p>" in plain  # no TICKET_LINKS: the id alone
    seeded.dependencies["settings"] = replace(settings, ticket_links=LINKS)
    try:
        page = client.get("/dashboard/detractors").get_data(as_text=True)
    finally:
        seeded.dependencies["settings"] = settings
    assert ('<a class="govuk-link" href="https://council.service-now.com/nav_to.do?uri='
            'incident.do?sysparm_query=number=INC9999999" rel="noreferrer noopener"') in page
