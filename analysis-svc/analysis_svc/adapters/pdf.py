"""The board report's PDF printer, with a cap on how many print at once in this process."""
import threading
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Callable


class PrinterBusy(RuntimeError):
    """Every print slot is taken: try again shortly."""


class PdfPrinter:
    """printer(html) -> PDF bytes; at most `slots` at once, one more is refused (never queued:
    a queue of Chromium runs only moves the pile-up into memory)."""

    def __init__(self, print_pdf: Callable[[str], bytes], slots: int = 2):
        self.print_pdf = print_pdf
        self._slots = threading.BoundedSemaphore(max(1, slots))

    def __call__(self, html: str) -> bytes:
        if not self._slots.acquire(blocking=False):
            raise PrinterBusy("Too many board reports are being printed; try again in a minute.")
        try:
            return self.print_pdf(html)
        finally:
            self._slots.release()


def chromium_pdf(html: str, chromium_path: str | None = None) -> bytes:
    """Print with headless Chromium (reports.render raises RenderError when it cannot)."""
    from analysis_svc.reports.render import html_to_pdf
    with TemporaryDirectory() as tmp:
        return html_to_pdf(html, Path(tmp) / "board.pdf", chromium_path).read_bytes()
