"""Headless Chromium for Playwright: the Debian `chromium` binary, no downloads."""
import os
import shutil

LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def launch_kwargs() -> dict:
    """Keyword arguments for playwright's `chromium.launch(**launch_kwargs())`."""
    return {"executable_path": chromium_path(), "args": list(LAUNCH_ARGS), "headless": True}
