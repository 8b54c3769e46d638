"""Downloader middleware: a `Cookie` header set by a spider reaches the site.

Spiders send the cookie a site may need (QQ_COOKIE, THEHILL_COOKIE, ... from settings or the
environment) as the raw `Cookie` header users copy from a browser. Scrapy's CookiesMiddleware
removes every Cookie header it did not write itself and sends its jar instead, so such a
header would silently never be sent. Placed just before CookiesMiddleware (700), this moves
the header's pairs into `request.cookies`, which the jar then sends (and keeps for the
domain's later requests), together with what the site sets itself.
"""

from __future__ import annotations


def cookie_pairs(header: str) -> dict[str, str]:
    """`a=1; b=2` as {"a": "1", "b": "2"} (pairs without `=` are ignored)."""
    pairs = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip():
            pairs[name.strip()] = value.strip()
    return pairs


class CookieHeaderToJar:
    def process_request(self, request, spider=None):
        if request.meta.get("dont_merge_cookies") or b"Cookie" not in request.headers:
            return None
        pairs = {}
        for raw in request.headers.getlist(b"Cookie"):
            pairs.update(cookie_pairs(raw.decode("latin-1")))
        del request.headers[b"Cookie"]
        if pairs:
            # The site's cookie, for every path: without "path" the jar would keep one copy per
            # request path and send two (`sid=a; sid=a`) to a path below both.
            given = request.cookies or []
            if isinstance(given, dict):
                given = [{"name": k, "value": v} for k, v in given.items()]
            own = {c.get("name") for c in given}  # the request's own cookies win
            request.cookies = [*({"name": k, "value": v, "path": "/"} for k, v in pairs.items() if k not in own),
                               *given]
        return None
