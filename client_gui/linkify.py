"""Message bodies as rich text: escaped, line breaks kept, links clickable.

Bodies are plain text from other people, so everything is escaped first;
only the links this module finds become markup.  The result is fed to
:class:`~PyQt6.QtGui.QTextDocument` in the text browser that opens over a
message to select part of it; :mod:`client_gui.message_text` lays out the
same text with the same links and line breaks to measure and paint it.
"""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = ["LINE_SEPARATOR", "body_html", "find_links"]

#: A line break within a paragraph: how a message's newlines are laid out.
LINE_SEPARATOR: Final = "\u2028"

# http(s) URLs and bare "www." addresses, up to white space or characters
# that cannot appear unescaped in a URL.
_LINK: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"'\u00a0]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the URL ("see x.org/a.").
_TRAILING: Final = ".,;:!?'\"»"


def _trim(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def find_links(text: str) -> list[tuple[int, int, str]]:
    """The links in ``text`` as (start, end, target URL), in order."""
    links = []
    for match in _LINK.finditer(text):
        url = _trim(match.group())
        if len(url) <= len("www."):
            continue
        target = url if "://" in url else "http://" + url
        links.append((match.start(), match.start() + len(url), target))
    return links


def body_html(text: str) -> str:
    """The HTML that shows ``text`` as typed, with its links as anchors."""
    parts: list[str] = []
    position = 0
    for start, end, target in find_links(text):
        parts.append(html.escape(text[position:start], quote=False))
        shown = html.escape(text[start:end], quote=False)
        parts.append(f'<a href="{html.escape(target)}">{shown}</a>')
        position = end
    parts.append(html.escape(text[position:], quote=False))
    # pre-wrap keeps runs of spaces yet still wraps long lines;
    # QTextDocument honours it on a block element.  Line breaks are line
    # separators, as in client_gui.message_text's layouts: HTML would drop
    # a newline at either end of the text.
    return ('<div style="white-space: pre-wrap">'
            + "".join(parts).replace("\n", LINE_SEPARATOR) + "</div>")
