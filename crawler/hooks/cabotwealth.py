"""cabotwealth: the author box's placeholder paragraph ("[author_ad]", filled in by the site's
script) is no text of the article."""

import re

_SPACE = r"(?:\s|&nbsp;|<br\s*/?>)*"
_PLACEHOLDER = re.compile(rf"<p[^>]*>{_SPACE}\[author_ad\]{_SPACE}</p>")


def without_placeholders(html: str, entry) -> str:
    return _PLACEHOLDER.sub("", html)
