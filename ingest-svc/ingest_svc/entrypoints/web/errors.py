"""Friendly HTML pages, with the right status, for everything that can go wrong on a page."""
import logging

from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, TooManyRequests

from chassis.web import RETRY_AFTER_S, unavailable_errors

from ingest_svc.entrypoints.web.render import link_problem, message
from ingest_svc.entrypoints.web.tokens import LinkProblem

log = logging.getLogger(__name__)


def csrf_failed(_err):
    return message(_("Your form has timed out"),
                   [_("Open the link in the email again and send your answer.")], 400)


def too_large(_err):
    return message(_("Your answer is too long"), [_("Please shorten your comment and try again.")], 413)


def too_many(_err):
    return message(_("Too many attempts"), [_("Please wait a minute and try again.")], 429)


def bad_request(err):
    return message(_("Sorry, we could not read your answer"),
                   [err.description or _("Please go back and try again.")], 400)


def unavailable(err):
    """The broker, database or disk is away (chassis.web answers the API with JSON)."""
    log.warning("dependency unavailable", extra={"error": type(err).__name__})
    body, status, headers = message(_("Sorry, there is a problem with the service"),
                                    [_("Nothing was saved. Please try again in a few minutes.")], 503)
    return body, status, {**headers, "Retry-After": str(RETRY_AFTER_S)}


def install(blueprint) -> None:
    blueprint.register_error_handler(LinkProblem, link_problem)
    blueprint.register_error_handler(CSRFError, csrf_failed)
    blueprint.register_error_handler(RequestEntityTooLarge, too_large)
    blueprint.register_error_handler(TooManyRequests, too_many)
    blueprint.register_error_handler(BadRequest, bad_request)
    for error in unavailable_errors():
        blueprint.register_error_handler(error, unavailable)
