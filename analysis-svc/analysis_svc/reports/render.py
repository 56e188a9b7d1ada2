"""Render the board report to HTML (Jinja2, autoescaped) and to PDF (headless Chromium)."""
import base64
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from jinja2 import Environment, PackageLoader, select_autoescape

from chassis.branding import Branding, load_branding

from analysis_svc.entrypoints.web.presenters import pct, theme_name

STATIC = Path(__file__).resolve().parent.parent / "entrypoints" / "web" / "static"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--no-pdf-header-footer"]


class RenderError(RuntimeError):
    """The PDF could not be produced; the message says why."""


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("analysis_svc.reports", "templates"),
                      autoescape=select_autoescape(default=True))
    env.globals.update(pct=pct, theme_name=theme_name)
    return env


def _inline_assets() -> dict:
    """Chart.js and the chart script, for a file opened without the server (CLI, PDF)."""
    from chassis.web import assets_dir
    root = assets_dir()
    chart = root / "chart.js" / "dist" / "chart.umd.min.js" if root else None
    return {"chart_js": chart.read_text() if chart and chart.exists() else "",
            "dashboard_js": (STATIC / "dashboard.js").read_text(),
            "report_css": (STATIC / "report.css").read_text()}


@cache
def _own_branding() -> Branding:
    return load_branding()


def branding() -> Branding:
    """The dashboard's (checked at its start-up), or BRANDING_FILE's for the CLI and schedule."""
    if has_app_context() and "branding" in current_app.extensions:
        return current_app.extensions["branding"]
    return _own_branding()


def render_html(report: dict, standalone: bool = False) -> str:
    """The report page; standalone inlines its scripts so the file works on its own."""
    assets = _inline_assets() if standalone else {}
    brand = branding()
    return _env().get_template("board.html").render(r=report, standalone=standalone, brand=brand,
                                                    brand_css=brand.stylesheet(),
                                                    logo_src=_logo_src(brand, standalone), **assets)


def _logo_src(brand: Branding, standalone: bool) -> str:
    """The served logo, or inlined (data: URI) for a file that must work on its own."""
    if not brand.logo:
        return ""
    if not standalone:
        return "/dashboard/brand/logo"
    return f"data:{brand.logo_type};base64,{base64.b64encode(Path(brand.logo).read_bytes()).decode()}"


def chromium(configured: str | None = None) -> str:
    """CHROMIUM_PATH (settings.chromium_path) when set, else chromium on the PATH."""
    path = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RenderError("Chromium is not installed (apt-get install chromium), so no PDF can be made")
    return path


def html_to_pdf(html: str, out: Path, chromium_path: str | None = None,
                timeout_s: float = 120) -> Path:
    """Print the HTML to PDF with headless Chromium, after its charts have drawn."""
    with tempfile.TemporaryDirectory(prefix="board-report-") as tmp:
        page, profile = Path(tmp) / "report.html", Path(tmp) / "profile"
        page.write_text(html, encoding="utf-8")
        cmd = [chromium(chromium_path), *CHROMIUM_ARGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
               f"--print-to-pdf={out.resolve()}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError("Chromium took too long to print the report") from None
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise RenderError(f"Chromium could not print the report (exit {done.returncode})")
    return out
