"""Admin preview: the email (HTML and text) and the survey page link for a language and sample
ticket, and a test send. Behind the ADMIN_TOKEN; nothing here stores or publishes anything."""
from datetime import datetime, timezone

from flask import current_app, render_template_string
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from chassis import auth
from chassis.mail import PermanentMailError, TransientMailError
from contracts.events.common import text
from contracts.organisations import organisation_field
from survey_svc.adapters.email import languages
from survey_svc.service_layer.preview import PreviewError, preview, send_test

blp = Blueprint("preview", __name__, url_prefix="/v1/preview",
                description="Preview the survey email and page; send a test email")
# The email's own inline styles and remote logo, shown in a sandboxed frame with no scripts.
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
               "frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
TICKET_FIELDS = ("ticket_id", "requester_name", "service", "category", "team", "directorate",
                 "organisation")


class PreviewArgs(Schema):
    # The languages the email is written in (its template folders), in the OpenAPI document too.
    language = fields.String(load_default="en", validate=validate.OneOf(sorted(languages())))
    # The contracts' names: one line, no control characters (they would break the headers).
    ticket_id = text(100)
    requester_name = text(200)
    service = text(100)
    category = text(100)
    team = text(100)
    directorate = text(100)
    # #17: the email in that organisation's branding ([organisations.<id>] of the branding file).
    organisation = organisation_field()


class SendArgs(PreviewArgs):
    send_to = fields.Email(required=True)


class SentSchema(Schema):
    subject = fields.String()
    sent_to = fields.String()
    survey_url = fields.String()


@blp.before_request
def require_admin():
    auth.require_admin(current_app.extensions["bus"].settings.admin_token)


def _ticket(args: dict) -> dict:
    return {name: args[name] for name in TICKET_FIELDS if args.get(name)}


@blp.route("")
class Preview(MethodView):
    @blp.arguments(PreviewArgs, location="query")
    @blp.doc(responses={"200": {"description": "An HTML page",
                                "content": {"text/html": {"schema": {"type": "string"}}}}})
    def get(self, args):
        """Show the email (subject, HTML, text) and a test link to the survey page."""
        bus = current_app.extensions["bus"]
        try:
            parts = preview(bus.renderer, _ticket(args), args["language"], datetime.now(timezone.utc))
        except PreviewError as err:
            abort(400, message=str(err))
        body = render_template_string(_PAGE, **parts)
        return body, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                           "Content-Security-Policy": PREVIEW_CSP}


@blp.route("/send")
class SendTest(MethodView):
    @blp.arguments(SendArgs)
    @blp.response(200, SentSchema)
    def post(self, args):
        """Send the email, marked as a test, to one address: no invitation, excluded from figures."""
        bus = current_app.extensions["bus"]
        try:
            parts = send_test(bus.renderer, bus.mailers[0], _ticket(args), args["language"],
                              args["send_to"], datetime.now(timezone.utc))
        except (PreviewError, PermanentMailError) as err:
            abort(400, message=str(err))
        except TransientMailError as err:
            abort(503, message=f"The mail server did not take it: {err}")
        return {"subject": parts["subject"], "sent_to": args["send_to"],
                "survey_url": parts["survey_url"]}


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Preview: {{ subject }}</title></head>
<body style="font-family:arial,sans-serif;margin:20px;">
<h1>Preview ({{ lang }}) - test only, nothing is stored or counted</h1>
<h2>Subject</h2><p lang="{{ lang }}">{{ subject }}</p>
<h2>Survey page</h2><p><a href="{{ survey_url }}">Open the survey page as this email's link does</a>
(a test link: answers on it are not recorded)</p>
<h2>HTML email</h2>
<iframe title="HTML email" sandbox srcdoc="{{ html }}" style="width:100%;height:900px;border:1px solid #505a5f;"></iframe>
<h2>Text email</h2><pre lang="{{ lang }}" style="white-space:pre-wrap;">{{ text }}</pre>
</body></html>"""
