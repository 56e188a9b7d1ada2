"""HTML error pages for the dashboard and the report."""
from flask import render_template


def page_error(err):
    """Errors on pages are pages too (the JSON shape is for the API)."""
    code = getattr(err, "code", 400) or 400
    return render_template("dashboard_error.html", code=code, message=getattr(err, "description", "")), code
