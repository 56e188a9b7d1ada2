"""Render HTML pages: never cached, always escaped (Jinja2 autoescape)."""
from flask import render_template

from ingest_svc.entrypoints.web.tokens import LinkProblem


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status, {"Cache-Control": "no-store"}


def message(title: str, paragraphs=(), status=200, **context):
    return page("message.html", status, title=title, paragraphs=list(paragraphs), **context)


def link_problem(err: LinkProblem):
    # str(): in this request's language, and escaped like any text (lazy strings are Markup).
    return message(str(err.title), [str(p) for p in err.paragraphs], err.status)
