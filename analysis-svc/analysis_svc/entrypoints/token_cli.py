"""The `tokens` subcommands: options checked here, then a command on the bus."""
from chassis.cli import CliError

from analysis_svc.domain.commands import IssueToken, RevokeToken

MAX_DIRECTORATE = 100


def create(bus, directorates, label, email, organisations=()) -> str:
    cleaned = [d.strip() for d in directorates]
    if not cleaned and not organisations:
        raise CliError("give at least one --directorate or --organisation")
    if any(not d or len(d) > MAX_DIRECTORATE for d in cleaned):
        raise CliError(f"--directorate must be 1 to {MAX_DIRECTORATE} characters")
    if email is not None and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        raise CliError(f"--email is not an email address: {email!r}")
    organisations = [o.strip() for o in organisations]
    unknown = sorted(set(organisations) - bus.tokens.organisation_ids())
    if unknown:  # a typo would make a token that sees nothing, silently
        raise CliError(f"no organisation with id {', '.join(unknown)} "
                       "(see GET /v1/organisations for the ids)")
    return bus.handle(IssueToken(tuple(cleaned), label, email, organisations=tuple(organisations)))


def listing(bus) -> list[str]:
    rows = bus.tokens.listing()
    return [f"{r['id']}\t{','.join(r['directorates'])}"
            f"{''.join(f',org:{o}' for o in r['organisations'] or ())}\t{r['label'] or ''}\t"
            f"{'revoked' if r['revoked_at'] else 'active'}" for r in rows] or ["no partner tokens"]


def revoke(bus, token_id: int) -> None:
    if not bus.handle(RevokeToken(token_id)):
        raise CliError(f"no active token with id {token_id}")
