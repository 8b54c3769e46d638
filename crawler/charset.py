"""The encoding a page is read with: its declaration (w3lib, as Scrapy reads it: byte order
mark, Content-Type header, `<meta>`) checked against the bytes, because Chinese sites serve
GBK declared as GB2312 and saved pages are UTF-8 whose meta still says gb2312."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Response
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

# What w3lib reads GB2312/GBK and ASCII/Latin-1 declarations as (their supersets): such a
# declaration on bytes that are valid UTF-8 is a wrong one (GBK or Windows-1252 text with
# characters beyond ASCII is practically never valid UTF-8).
_WEAK = ("gb18030", "cp1252")


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_encoding(body: bytes, content_type: str | bytes | None = None) -> str | None:
    """The encoding the byte order mark, else the header, else the page declares, or None."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return read_bom(body)[0] or http_content_type_encoding(content_type) or html_body_declared_encoding(body)


def decide_encoding(body: bytes, content_type: str | bytes | None = None) -> str:
    """The declared encoding, verified against the bytes: valid UTF-8 under a GB or ASCII/
    Latin-1 declaration (or none) is UTF-8; no declaration on other bytes is gb18030; a UTF-8
    declaration on bytes that are not UTF-8 but GB ones is gb18030."""
    declared = declared_encoding(body, content_type)
    utf8 = _valid_utf8(body)
    if declared is None or (declared in _WEAK and utf8):
        return "utf-8" if utf8 else "gb18030"
    if declared == "utf-8" and not utf8:
        try:
            body.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            return "utf-8"
    return declared


def html_response(response: Response) -> HtmlResponse:
    """The response as an HtmlResponse whose text is read with decide_encoding's encoding."""
    encoding = decide_encoding(response.body, response.headers.get(b"Content-Type"))
    if isinstance(response, HtmlResponse) and response.encoding == encoding:
        return response
    return HtmlResponse(
        url=response.url, status=response.status, headers=response.headers, body=response.body,
        encoding=encoding, request=response.request, flags=list(response.flags),
        protocol=getattr(response, "protocol", None),
    )


def decode_page(body: bytes, content_type: bytes | str | None, encoding: str = "") -> str:
    """The page's text: read with `encoding` when given (gbk and gb2312 as gb18030, their
    superset), else with decide_encoding's."""
    encoding = (resolve_encoding(encoding) or encoding) if encoding else decide_encoding(body, content_type)
    return body.decode(encoding, "replace")
