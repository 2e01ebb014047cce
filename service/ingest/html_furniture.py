"""Page furniture: what a saved web page holds besides its article (a cookie notice, menus,
share buttons, related stories, a newsletter box), told as text-extraction tools do
(Mozilla's Readability among them) from an element's attributes and a block's text.
Measured on 990 real pages by bench/html_text.py (bench/README.md)."""

from __future__ import annotations

import re

REGIONS = ("article", "main")  # the elements that hold a page's article, preferred in this order
# Words of class and id values that name page furniture, and words that name content.
# Chosen on half of trafilatura's 990 evaluation pages (bench/html_text.py): a word stays
# unless there it took out article text at more than half the rate it took out furniture
# ("sidebar", "header", "nav", "banner", "ad" did: layouts wrap articles in them).
FURNITURE_WORDS = {
    "advert", "adverts", "advertisement", "advertising", "breadcrumb", "breadcrumbs",
    "comment", "comments", "consent", "cookie", "cookies", "footer", "gdpr", "masthead", "menu",
    "modal", "navbar", "newsletter", "popup", "promo", "promotion", "recommended", "related",
    "share", "sharing", "signup", "social", "sponsor", "sponsored", "subscribe", "subscription",
    "toolbar",
}  # fmt: skip
CONTENT_WORDS = {"article", "body", "content", "entry", "main", "post", "story", "text"}
FURNITURE_ROLES = {
    "alertdialog", "banner", "complementary", "contentinfo", "dialog", "menu", "menubar",
    "navigation", "search",
}  # fmt: skip
# A block that is only one of these is furniture wherever it stands.
FURNITURE_LINES = {
    "advertisement", "advertising", "skip to content", "skip to main content", "share",
    "share this article", "continue reading", "story continues below advertisement",
}  # fmt: skip
MAX_LINK_SHARE = 0.5  # a block more than half of whose text is link text is navigation
_ATTR_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def furniture_block(text: str, link_text: str) -> bool:
    """Whether a block of text is furniture: mostly link text, or a lone furniture line."""
    return len(link_text) > MAX_LINK_SHARE * len(text) or text.lower() in FURNITURE_LINES


def furniture_element(tag: str, attributes: dict[str, str]) -> bool:
    """Whether an element is page furniture by its attributes (see the module's docstring)."""
    if tag in ("body", "html", *REGIONS):
        return False
    if "hidden" in attributes or attributes.get("aria-hidden", "").lower() == "true":
        return True
    if attributes.get("role", "").lower() in FURNITURE_ROLES:
        return True
    if "display:none" in attributes.get("style", "").replace(" ", "").lower():
        return True
    named = " ".join(_CAMEL.sub(" ", attributes.get(key, "")) for key in ("class", "id"))
    words = set(_ATTR_WORD.findall(named.lower()))
    return bool(words & FURNITURE_WORDS) and not words & CONTENT_WORDS
