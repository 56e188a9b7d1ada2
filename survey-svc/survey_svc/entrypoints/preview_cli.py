"""`survey-svc preview`: render the email and survey page for a language and sample ticket."""
import json
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import click

from chassis.cli import CliError


def fetch_page(url: str) -> str | None:
    """The survey page as ingest-svc serves it (None when it cannot be reached)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own URL)
            return response.read().decode("utf-8")
    except OSError:
        return None


def preview_command(make_bus):
    @click.command("preview")
    @click.option("--language", default="en", show_default=True, help="en, cy, ...")
    @click.option("--ticket", "ticket_file", type=click.Path(exists=True, dir_okay=False),
                  help="A sample ticket (JSON object of ticket fields).")
    @click.option("--send-to", help="Also send the email, marked as a test, to this address.")
    @click.option("--out", default="preview", show_default=True, type=click.Path(file_okay=False),
                  help="Folder for subject.txt, email.txt, email.html and page.html.")
    def preview(language, ticket_file, send_to, out):
        """Render the email (HTML, text) and survey page; optionally send a test email."""
        from survey_svc.service_layer.preview import PreviewError, preview as render, send_test
        ticket = json.loads(Path(ticket_file).read_text()) if ticket_file else {}
        if not isinstance(ticket, dict):
            raise CliError("--ticket: the file must hold a JSON object of ticket fields")
        bus = make_bus()
        try:
            now = datetime.now(timezone.utc)
            if send_to:
                parts = send_test(bus.renderer, bus.mailers[0], ticket, language, send_to, now)
            else:
                parts = render(bus.renderer, ticket, language, now)
        except PreviewError as err:
            raise CliError(str(err)) from None
        finally:
            bus.close()
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "subject.txt").write_text(parts["subject"] + "\n", encoding="utf-8")
        (folder / "email.txt").write_text(parts["text"], encoding="utf-8")
        (folder / "email.html").write_text(parts["html"], encoding="utf-8")
        page = fetch_page(parts["survey_url"])
        if page is not None:
            (folder / "page.html").write_text(page, encoding="utf-8")
        click.echo(json.dumps({"subject": parts["subject"], "language": parts["lang"],
                               "survey_url": parts["survey_url"], "out": str(folder),
                               "page": page is not None, "sent_to": send_to}))
    return preview
