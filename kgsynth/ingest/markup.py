"""Plain text out of HTML and Markdown, with boilerplate and markup dropped and paragraphs kept.

HTML goes through selectolax (lexbor, an HTML5 parser), so broken real-world pages parse the
way a browser would; script, style, navigation, header, footer and aside elements are removed
with their content. Block elements end in a paragraph break so the chunker sees paragraphs.
Markdown gets a light, line-based cleanup (headings, emphasis, links, code fences, list
bullets) rather than a full renderer: the goal is sentences a parser can read, not layout.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

#: Elements whose content is never document text.
BOILERPLATE_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg",
)
_BLOCK_SELECTOR = ",".join(
    (
        "p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th",
        "section", "article", "blockquote", "pre", "table", "ul", "ol", "dl", "figcaption", "main",
    )
)


def html_to_text(html: str) -> tuple[str, str]:
    """The visible text of ``html`` (paragraphs separated by blank lines) and its ``<title>``."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else ""
    tree.strip_tags(list(BOILERPLATE_TAGS))
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return "", title
    for node in root.css(_BLOCK_SELECTOR):
        node.insert_after("\n\n")
    return root.text(separator="", deep=True), title


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|(?<!\w)__|(?<!\w)_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def markdown_to_text(markdown: str) -> str:
    """``markdown`` as plain text: headings and list items become their own paragraphs."""
    markdown = _HTML_COMMENT.sub("", _FRONT_MATTER.sub("", markdown.replace("\r\n", "\n")))
    out: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence or _RULE.match(line):
            out.append("" if not in_fence else line)
            continue
        heading = _HEADING.match(line)
        if heading:
            out += ["", _inline(heading.group(1)), ""]
        elif _BULLET.match(line):
            out += ["", _inline(_BULLET.sub("", line, count=1))]
        else:
            out.append(_inline(_QUOTE.sub("", line)))
    return "\n".join(out)


def _inline(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    previous = None
    while previous != line:  # nested emphasis: ***bold italic***
        previous, line = line, _EMPHASIS.sub(r"\2", line)
    return line
