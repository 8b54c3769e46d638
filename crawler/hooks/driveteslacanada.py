"""driveteslacanada: the "You might also like:" paragraph (links to other stories, written
into the article's own text) is left out."""

import re

_MORE_STORIES = re.compile(r"<p>(?:(?!</p>).)*?You might also like:.*?</p>", re.S | re.I)


def without_more_stories(html: str, entry) -> str:
    return _MORE_STORIES.sub("", html)
