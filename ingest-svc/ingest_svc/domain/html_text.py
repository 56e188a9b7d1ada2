"""The words of an HTML email body, in one linear pass (no regex over the body, no html.parser:
CPython 3.11's parser is quadratic on unclosed tags such as a flood of "<a" or "<!--")."""
import re
from html import unescape

# Quoted history and what is not text: everything inside them is dropped.
_HIDDEN = frozenset({"blockquote", "head", "title"})
_RAW_TEXT = frozenset({"script", "style"})  # their content is not markup: skip to the end tag
_BLOCKS = frozenset({"br", "p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                     "hr", "pre", "ul", "ol"})
_NAME = re.compile(r"(/?)([a-zA-Z][a-zA-Z0-9]*)")  # matched inside one tag's span only


def html_text(html: str) -> str:
    """Text with a line break per block or <br>; blockquotes, head, scripts and styles dropped."""
    lower = html.lower()
    out, hidden, pos, end = [], 0, 0, len(html)
    while pos < end:
        lt = html.find("<", pos)
        if lt == -1:
            lt = end
        if not hidden:
            out.append(html[pos:lt])
        if lt == end:
            break
        if html.startswith("<!--", lt):
            close = html.find("-->", lt + 4)
            pos = end if close == -1 else close + 3
            continue
        gt = html.find(">", lt + 1)
        if gt == -1:  # an unclosed tag runs to the end, as browsers treat it
            break
        pos = gt + 1
        match = _NAME.match(html, lt + 1, gt)
        if match is None:
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name in _RAW_TEXT and not closing:
            close = lower.find(f"</{name}", pos)
            pos = end if close == -1 else close
        elif name in _HIDDEN:
            hidden = max(0, hidden - 1) if closing else hidden + 1
        elif name in _BLOCKS and not hidden:
            out.append("\n")
    return unescape("".join(out))
