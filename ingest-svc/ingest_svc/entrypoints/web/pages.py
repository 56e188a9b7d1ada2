"""The survey page, its thank-you page, the provisional rating and the opt-out pages."""
import hashlib
import uuid

from flask import current_app, g, redirect, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ingest_svc import views
from ingest_svc.domain import commands
from ingest_svc.domain.model import (MAX_COMMENT, RESOLVED_LABELS, SCORE_LABELS, InvalidAnswer,
                                     parse_score)
from ingest_svc.entrypoints.web import errors, guards, questions
from ingest_svc.entrypoints.web.render import message, page
from ingest_svc.entrypoints.web.tokens import CLOSED, invitation_from_token

blp = Blueprint("pages", __name__, url_prefix="/s", description="Survey pages (HTML)",
                template_folder="templates", static_folder="static", static_url_path="/static")
# Pages answer every outcome, errors included, with an HTML page (never the API's JSON shape).
HTML_PAGE = {"description": "An HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
HTML = {"200": HTML_PAGE, "default": HTML_PAGE}
_ANCHORS = {"score": "score-1", "resolved": "resolved-yes", "comment": "comment"}
PERSON_EVENTS = frozenset({"pointerdown", "touchstart", "keydown"})


def _bus():
    return current_app.extensions["bus"]


def _invitation(token: str, with_state: bool = False):
    invitation = invitation_from_token(current_app.config["SETTINGS"].survey_verify_key, token)
    closed, answered = views.invitation_state(invitation.invitation_id, _bus().uow_factory())
    if closed:
        raise CLOSED
    return (invitation, answered) if with_state else invitation


def _test_only():
    """The answer to a preview's test email: shown like the real page, never recorded."""
    return message(_("This was a test"), [_("This survey was sent as a test. Nothing was recorded.")])


def survey_form(token: str, invitation, form: dict, errors=None, status=200, amending=False):
    extra = questions.for_page(invitation)
    return page("survey.html", status, title=_("How did we do?"), form=form, errors=errors or {},
                has_errors=bool(errors), anchors={**_ANCHORS, **questions.anchors(extra)},
                questions=extra, ticket_id=invitation.ticket_id,
                scores=list(SCORE_LABELS.items()), resolved_options=list(RESOLVED_LABELS.items()),
                max_comment=MAX_COMMENT, submission_id=uuid.uuid4().hex,
                action=url_for("pages.Survey", token=token),
                provisional_url=url_for("pages.Provisional", token=token),
                unsubscribe_url=url_for("pages.Unsubscribe", token=token), amending=amending)


@blp.route("/<token>")
class Survey(MethodView):
    @blp.doc(responses=HTML)
    def get(self, token):
        """Show the survey form; never records anything (mail scanners fetch every link)."""
        invitation, answered = _invitation(token, with_state=True)
        score = parse_score(request.args.get("score", ""))
        return survey_form(token, invitation, {"score": str(score) if score else None},
                           amending=answered)

    @blp.doc(responses=HTML)
    def post(self, token):
        """Record (or amend) the answer, then show the thank-you page."""
        invitation = _invitation(token)
        form = guards.utf8_form()
        guards.protect_csrf()
        if g.test_send:
            return _test_only()
        try:
            answer = questions.answer_from(form, invitation)
        except InvalidAnswer as err:
            return survey_form(token, invitation, form, err.errors, 400)
        digest = hashlib.sha256(repr(answer).encode()).hexdigest()[:16]
        submission = form.get("submission_id", "")
        key = f"form:{submission[:40]}:{digest}" if submission else None
        _bus().handle(commands.SubmitAnswer(invitation, answer, "email_link", "survey-page", key))
        return redirect(url_for("pages.Thanks", token=token), 303)


@blp.route("/<token>/thanks")
class Thanks(MethodView):
    @blp.doc(responses=HTML)
    def get(self, token):
        """The thank-you page."""
        _invitation(token)
        return message(_("Thank you for your feedback"), panel=True,
                       panel_body=_("We have your answer"),
                       paragraphs=[_("We read every comment and use them to improve our service."),
                                   _("You can change your answer with the link in the email until it expires.")])


@blp.route("/<token>/provisional")
class Provisional(MethodView):
    @blp.doc(responses={"204": {"description": "Kept provisionally"}, "default": HTML_PAGE})
    def post(self, token):
        """Keep a rating a person chose in a real browser until they press Send (or leave)."""
        invitation = _invitation(token)
        form = guards.utf8_form()
        score = parse_score(form.get("score"))
        guards.protect_csrf()
        if g.test_send:
            return "", 204
        if score is None:
            return message(_("Choose a rating"), status=400)
        # Set by the page script only after a trusted pointer, touch or key event; a scanner
        # posting here directly could forge it, so the script's own check is the real guard.
        if form.get("interaction") not in PERSON_EVENTS:
            return message(_("Nothing was kept"), [_("Choose a rating and press Send.")], status=400)
        _bus().handle(commands.RecordProvisionalRating(invitation, score))
        return "", 204


@blp.route("/<token>/unsubscribe")
class Unsubscribe(MethodView):
    @blp.doc(responses=HTML)
    def get(self, token):
        """Ask the person to confirm they want no more surveys."""
        invitation = _invitation(token)
        return page("unsubscribe.html", title=_("Stop these surveys"),
                    action=url_for("pages.Unsubscribe", token=token))

    @blp.doc(responses=HTML)
    def post(self, token):
        """Opt out: the confirmation button, or RFC 8058 one-click from the mail client."""
        invitation = _invitation(token)
        one_click = guards.utf8_form().get("List-Unsubscribe") == "One-Click"
        if not one_click:
            guards.protect_csrf()
        if g.test_send:
            return _test_only()
        channel = "list_unsubscribe_post" if one_click else "survey_page"
        _bus().handle(commands.RequestOptOut(invitation.invitation_id, channel))
        return message(_("You will not get these surveys again"), panel=True)


errors.install(blp)
guards.limit(blp)
