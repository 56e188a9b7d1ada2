"""The `tokens` subcommands: options checked here, then a command on the bus."""
from chassis.cli import CliError

from analysis_svc.domain.commands import IssueToken, RevokeToken

MAX_DIRECTORATE = 100


def create(bus, directorates, label, email) -> str:
    cleaned = [d.strip() for d in directorates]
    if any(not d or len(d) > MAX_DIRECTORATE for d in cleaned):
        raise CliError(f"--directorate must be 1 to {MAX_DIRECTORATE} characters")
    if email is not None and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        raise CliError(f"--email is not an email address: {email!r}")
    return bus.handle(IssueToken(tuple(cleaned), label, email))


def listing(bus) -> list[str]:
    rows = bus.tokens.listing()
    return [f"{r['id']}\t{','.join(r['directorates'])}\t{r['label'] or ''}\t"
            f"{'revoked' if r['revoked_at'] else 'active'}" for r in rows] or ["no partner tokens"]


def revoke(bus, token_id: int) -> None:
    if not bus.handle(RevokeToken(token_id)):
        raise CliError(f"no active token with id {token_id}")
