"""The organisation's branding on the dashboard: name, logo, colours, font stack, own templates."""
from chassis.branding import Branding
from chassis.branding_web import install_branding


def install(app, branding: Branding | None = None) -> None:
    """Checked here, at start-up: a colour pair below AA contrast stops the service."""
    branding = install_branding(app, branding, url_prefix="/dashboard/brand",
                                endpoint="dashboard_brand", templates="dashboard")
    app.context_processor(lambda: {"brand": branding})
