"""pharmexec: the feed lists its articles under the group's sister host
(https://www.onclive.com/view/...); the article is pharmexec's (same path)."""

from urllib.parse import urlsplit, urlunsplit


def pharmexec_link(entry, item):
    parts = urlsplit(entry.link)
    if "onclive" in parts.netloc:
        entry.link = urlunsplit(parts._replace(netloc=parts.netloc.replace("onclive", "pharmexec")))
    return entry
