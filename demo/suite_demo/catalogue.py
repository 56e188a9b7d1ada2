"""The imaginary council: directorates, services, teams and how each service's quality moves."""
from dataclasses import dataclass

PRODUCER_SURVEY = "survey-svc"
PRODUCER_INGEST = "ingest-svc"


@dataclass(frozen=True)
class Directorate:
    name: str
    weekly_tickets: int
    response_rate: float


@dataclass(frozen=True)
class Service:
    name: str
    category: str
    team: str
    theme: str
    start_quality: float  # 0..1 at the start of the year
    end_quality: float  # 0..1 now; improving or worsening services differ here


DIRECTORATES = (
    Directorate("Adult Social Care", 70, 0.34),
    Directorate("Children's Services", 60, 0.29),
    Directorate("Environment and Transport", 45, 0.26),
    Directorate("Finance and Resources", 40, 0.38),
    Directorate("Public Health", 25, 0.31),
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

CHANNELS = ("portal", "phone", "email", "walk-in")

# Relative ticket volume by month (Jan..Dec): new-starter peaks in Jan and Sep, quiet Aug/Dec.
SEASON = (1.25, 1.05, 1.0, 0.95, 1.0, 0.95, 0.85, 0.7, 1.3, 1.1, 1.0, 0.75)

FIRST_NAMES = ("Sam", "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu", "Hannah", "Declan",
               "Fatima", "Joe", "Rhiannon", "Marek", "Grace", "Imran", "Lucy", "Kwame", "Ellie")
LAST_NAMES = ("Taylor", "Patel", "Jones", "Khan", "Evans", "Chen", "Adeyemi", "Wright",
              "Murphy", "Hussain", "Brown", "Price", "Nowak", "Okafor", "Walsh", "Hughes")
AGENTS = ("Dave", "Karen", "Mo", "Jess", "Rob", "Anita")
