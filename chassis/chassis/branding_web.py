"""The organisation's branding served by a Flask app: its stylesheet and logo, and its own
templates (<templates_dir>/<folder>/) ahead of the packaged ones. `?org=<id>` serves that
organisation's section ([organisations.<id>]); none, or an unknown one, the top level."""
from flask import Response, current_app, request, send_file
from jinja2 import ChoiceLoader, FileSystemLoader

from chassis.branding import Branding, load_branding


def _branding() -> Branding:
    return current_app.extensions["branding"].for_organisation(request.args.get("org"))


def stylesheet():
    css = _branding().stylesheet()
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


def logo():
    branding = _branding()
    if not branding.logo:
        return Response(status=404)
    return send_file(branding.logo, mimetype=branding.logo_type, max_age=300)


def install_branding(app, branding: Branding | None, *, url_prefix: str, endpoint: str,
                     templates: str) -> Branding:
    """Load (and so check: a bad file or colour pair stops start-up) and serve the branding."""
    branding = branding or load_branding()
    app.extensions["branding"] = branding
    if branding.templates_dir:
        app.jinja_env.loader = ChoiceLoader([
            FileSystemLoader(f"{branding.templates_dir}/{templates}"),
            app.create_global_jinja_loader()])
    app.add_url_rule(f"{url_prefix}/style.css", f"{endpoint}_css", stylesheet)
    app.add_url_rule(f"{url_prefix}/logo", f"{endpoint}_logo", logo)
    return branding
