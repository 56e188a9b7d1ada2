"""The imaginary councils: one shared ICT service, its directorates, services, teams, how each
service's quality moves, and the year's reorganisation (the county's Adult Social Care split
between the two new councils on 1 April, by service)."""
from dataclasses import dataclass
from datetime import date

PRODUCER_SURVEY = "survey-svc"
PRODUCER_INGEST = "ingest-svc"


COUNTY, NORTH, SOUTH = "Wessex County Council", "North Wessex Council", "South Wessex Council"
ORGANISATIONS = (COUNTY, NORTH, SOUTH)


@dataclass(frozen=True)
class Directorate:
    name: str
    weekly_tickets: int
    response_rate: float
    organisation: str = COUNTY


@dataclass(frozen=True)
class Service:
    name: str
    category: str
    team: str
    theme: str
    start_quality: float  # 0..1 at the start of the year
    end_quality: float  # 0..1 now; improving or worsening services differ here


DIRECTORATES = (
    Directorate("Adult Social Care", 70, 0.34, COUNTY),
    Directorate("Children's Services", 60, 0.29, NORTH),
    Directorate("Environment and Transport", 45, 0.26, SOUTH),
    Directorate("Finance and Resources", 40, 0.38, NORTH),
    Directorate("Public Health", 25, 0.31, SOUTH),
)

SERVICES = (
    Service("Email and Calendar", "Software", "Service Desk", "communication", 0.74, 0.76),
    Service("Laptops and Devices", "Hardware", "Field Services", "equipment", 0.70, 0.71),
    Service("Remote Access (VPN)", "Network", "Infrastructure", "remote_access", 0.50, 0.84),
    Service("Accounts and Passwords", "Access", "Service Desk", "accounts", 0.58, 0.86),
    Service("Printing", "Hardware", "Field Services", "equipment", 0.80, 0.42),
    Service("Case Management System", "Software", "Applications", "resolution", 0.66, 0.68),
    Service("Self-service Portal", "Software", "Applications", "self_service", 0.62, 0.64),
)



@dataclass(frozen=True)
class Split:
    """One directorate split between others from `month`/`day` each year, by the ticket's service."""

    source: str
    targets: dict  # new directorate -> its organisation
    by_service: dict  # service -> new directorate
    month: int = 4
    day: int = 1

    def effective(self, today: date) -> date:
        """The latest split day on or before `today` (the demo's year always holds one)."""
        this_year = date(today.year, self.month, self.day)
        return this_year if this_year <= today else this_year.replace(year=today.year - 1)

    def name(self, directorate: str, service: str, day: date, split: date | None) -> str:
        """The directorate a ticket of `day` was raised under."""
        if split is None or day < split or directorate != self.source:
            return directorate
        return self.by_service[service]


NORTH_ASC, SOUTH_ASC = "North Wessex Adult Social Care", "South Wessex Adult Social Care"
SPLIT = Split("Adult Social Care", {NORTH_ASC: NORTH, SOUTH_ASC: SOUTH}, {
    "Email and Calendar": NORTH_ASC, "Accounts and Passwords": NORTH_ASC,
    "Case Management System": NORTH_ASC, "Self-service Portal": NORTH_ASC,
    "Laptops and Devices": SOUTH_ASC, "Remote Access (VPN)": SOUTH_ASC, "Printing": SOUTH_ASC})

CHANNELS = ("portal", "phone", "email", "walk-in")

# Relative ticket volume by month (Jan..Dec): new-starter peaks in Jan and Sep, quiet Aug/Dec.
SEASON = (1.25, 1.05, 1.0, 0.95, 1.0, 0.95, 0.85, 0.7, 1.3, 1.1, 1.0, 0.75)

FIRST_NAMES = ("Sam", "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu", "Hannah", "Declan",
               "Fatima", "Joe", "Rhiannon", "Marek", "Grace", "Imran", "Lucy", "Kwame", "Ellie")
LAST_NAMES = ("Taylor", "Patel", "Jones", "Khan", "Evans", "Chen", "Adeyemi", "Wright",
              "Murphy", "Hussain", "Brown", "Price", "Nowak", "Okafor", "Walsh", "Hughes")
AGENTS = ("Dave", "Karen", "Mo", "Jess", "Rob", "Anita")
