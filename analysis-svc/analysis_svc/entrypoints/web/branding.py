"""The organisation's branding on the dashboard: name, logo, colours, font stack, own templates."""
from flask import Response, current_app, send_file
from jinja2 import ChoiceLoader, FileSystemLoader

from chassis.branding import Branding, load_branding


def stylesheet():
    css = current_app.extensions["branding"].stylesheet()
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


def logo():
    branding = current_app.extensions["branding"]
    if not branding.logo:
        return Response(status=404)
    return send_file(branding.logo, mimetype=branding.logo_type, max_age=300)


def install(app, branding: Branding | None = None) -> None:
    """Checked here, at start-up: a colour pair below AA contrast stops the service."""
    branding = branding or load_branding()
    app.extensions["branding"] = branding
    if branding.templates_dir:
        app.jinja_env.loader = ChoiceLoader([FileSystemLoader(f"{branding.templates_dir}/dashboard"),
                                             app.create_global_jinja_loader()])
    app.add_url_rule("/dashboard/brand/style.css", "dashboard_brand_css", stylesheet)
    app.add_url_rule("/dashboard/brand/logo", "dashboard_brand_logo", logo)
    app.context_processor(lambda: {"brand": branding})
