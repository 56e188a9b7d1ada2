"""The board report on a schedule: the PDF to REPORT_RECIPIENTS, and to each partner with an
email a plain-text summary of their own directorates, once per scheduled moment.

The worker asks every half minute by the bus's clock; the moment is claimed in report_runs
first, so a restart (or a second worker) never sends it twice. A moment more than a day past
(the worker was down) is skipped, not sent late. The report covers the last whole month before
the moment, in the schedule's time zone. A run that cannot make the PDF (no Chromium) or send
the emails is recorded as failed with the reason and raises ScheduledReportFailed.
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from sqlalchemy import select

from chassis.mail import Mail, PermanentMailError, TransientMailError, plain_mail

from analysis_svc.adapters.orm import partner_tokens
from analysis_svc.adapters.report_runs import ReportRuns
from analysis_svc.domain.commands import SendScheduledReport
from analysis_svc.reports import board
from analysis_svc.reports.render import render_html

log = logging.getLogger(__name__)
GRACE = timedelta(days=1)


class ScheduledReportFailed(RuntimeError):
    """The run was recorded as failed; the message says why."""


@dataclass(frozen=True)
class ReportSent:
    scheduled_for: datetime
    period: board.Period
    recipients: tuple[str, ...]
    partners: tuple[str, ...]


def month_before(moment: datetime, zone) -> board.Period:
    """The last whole calendar month before the moment's local date."""
    first = moment.astimezone(zone).date().replace(day=1)
    end = first - timedelta(days=1)
    return board.Period(end.replace(day=1), end)


def send_scheduled_report(cmd: SendScheduledReport, settings, clock, sessions, pdf_printer,
                          report_mailer) -> ReportSent | None:
    """Send the due (or, with cmd.now, an immediate) run; None when nothing is due."""
    now, schedule = clock.now(), settings.schedule()
    if cmd.now:
        trigger, moment = "now", now
    else:
        moment = schedule.latest(now) if schedule else None
        if moment is None or now - moment > GRACE:
            return None
        trigger = "schedule"
    runs = ReportRuns(sessions)
    run_id = runs.claim(trigger, moment, now)
    if run_id is None:
        return None
    zone = schedule.tz if schedule else settings.zone
    try:
        sent = _send(settings, sessions, pdf_printer, report_mailer, moment, month_before(moment, zone))
    except Exception as err:
        reason = f"{type(err).__name__}: {err}"
        runs.finish(run_id, "failed", reason, clock.now())
        log.error("scheduled board report failed", extra={"scheduled_for": str(moment), "reason": reason})
        raise ScheduledReportFailed(f"board report for {moment:%Y-%m-%d %H:%M} UTC not sent: {err}") from err
    runs.finish(run_id, "sent", f"{len(sent.recipients)} report(s), {len(sent.partners)} summary(ies)",
                clock.now())
    return sent


def _send(settings, sessions, pdf_printer, mailer, moment: datetime, period: board.Period) -> ReportSent:
    with sessions() as session:
        partners = _partners(session) if settings.report_partner_summaries else []
        report = board.build(session, None, period, settings)
        summaries = [(email, board.build(session, set(dirs), period, settings))
                     for email, dirs in partners]
    recipients = tuple(settings.report_recipients)
    if recipients:
        pdf = pdf_printer(render_html(report, standalone=True))  # RenderError: no Chromium
        for to in recipients:
            _deliver(mailer, _pdf_mail(settings.mail_from, to, period, pdf, moment))
    for to, data in summaries:
        _deliver(mailer, plain_mail(settings.mail_from, to, _subject("summary", period),
                                    summary_text(data, period, settings.public_url),
                                    _message_id(moment, "summary", to)))
    return ReportSent(moment, period, recipients, tuple(to for to, _ in summaries))


def _deliver(mailer, mail: Mail) -> None:
    try:
        mailer.send(mail)
    except (TransientMailError, PermanentMailError) as err:
        raise RuntimeError(f"email to {', '.join(mail.recipients)} refused or not sent: {err}") from err


def _partners(session) -> list[tuple[str, list[str]]]:
    """(email, directorates) of each live partner token with an email, one per address."""
    found: dict[str, set] = {}
    for email, dirs in session.execute(select(partner_tokens.c.email, partner_tokens.c.directorates)
                                       .where(partner_tokens.c.email.is_not(None),
                                              partner_tokens.c.revoked_at.is_(None))):
        found.setdefault(email, set()).update(dirs)
    return [(email, sorted(dirs)) for email, dirs in sorted(found.items())]


def _subject(what: str, period: board.Period) -> str:
    month = period.start.strftime("%B %Y")
    return f"Customer satisfaction board report, {month}" if what == "report" else \
        f"Customer satisfaction summary for your directorates, {month}"


def _message_id(moment: datetime, what: str, to: str) -> str:
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, f'board/{moment.isoformat()}/{what}/{to}')}@analysis-svc>"


def _pdf_mail(sender: str, to: str, period: board.Period, pdf: bytes, moment: datetime) -> Mail:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"], message["To"] = sender, to
    message["Subject"] = _subject("report", period)
    message["Message-ID"] = _message_id(moment, "report", to)
    message.set_content(f"The board report for {period.start} to {period.end} is attached.\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=f"board-report-{period.start}-{period.end}.pdf")
    return Mail(sender, (to,), message.as_bytes(), smtputf8=not (sender + to).isascii())


def _pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def summary_text(report: dict, period: board.Period, dashboard_url: str) -> str:
    """The partner's directorates: CSAT, responses and detractors, each line; small cells hidden."""
    lines = [f"Customer satisfaction, {period.start} to {period.end}", ""]
    rows = [g for g in report["groups"] if g["level"] == 1] or []
    for row in rows:
        if row.get("suppressed"):
            lines.append(f"{row['name']}: too few responses to report")
            continue
        lines.append(f"{row['name']}: CSAT {_pct(row['csat'])} ({_pct(row['csat_low'])}–"
                     f"{_pct(row['csat_high'])}), {row['responses']} responses, "
                     f"{row['detractors']} detractors")
    if not rows:
        lines.append("No responses in this period.")
    lines += ["", f"Dashboard: {dashboard_url}/dashboard", ""]
    return "\n".join(lines)


def due_soon(settings, now: datetime) -> datetime | None:
    """The next scheduled moment (for `reports schedule show`)."""
    schedule = settings.schedule()
    return schedule.next_after(now) if schedule else None



