"""The `tokens` subcommands: thin wrappers over the token store."""
from chassis.cli import CliError
from chassis.clock import utcnow

from analysis_svc.service_layer.auth import hash_token, new_token

MAX_DIRECTORATE = 100


def create(services, directorates, label, email) -> str:
    cleaned = [d.strip() for d in directorates]
    if any(not d or len(d) > MAX_DIRECTORATE for d in cleaned):
        raise CliError(f"--directorate must be 1 to {MAX_DIRECTORATE} characters")
    if email is not None and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        raise CliError(f"--email is not an email address: {email!r}")
    token = new_token()
    services.tokens.add(hash_token(token), cleaned, label, email, utcnow())
    return token


def listing(services) -> list[str]:
    rows = services.tokens.listing()
    return [f"{r['id']}\t{','.join(r['directorates'])}\t{r['label'] or ''}\t"
            f"{'revoked' if r['revoked_at'] else 'active'}" for r in rows] or ["no partner tokens"]


def revoke(services, token_id: int) -> None:
    if not services.tokens.revoke(token_id, utcnow()):
        raise CliError(f"no active token with id {token_id}")
