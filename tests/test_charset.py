"""crawler.charset: a page's declared encoding checked against its bytes (own texts; the qq
cases, GBK under GB2312 and UTF-8 under a gb2312 meta, are in tests/test_qq_pages.py)."""

from __future__ import annotations

from scrapy.http import Response

from crawler.charset import decide_encoding, decode_page, html_response

_PAGE = "<html><head>{meta}<title>Café</title></head><body><p>Un café, naïve – “quoted”.</p></body></html>"


def test_a_latin1_declaration_on_utf8_bytes_is_read_as_utf8():
    body = _PAGE.format(meta='<meta charset="iso-8859-1">').encode("utf-8")
    assert decide_encoding(body) == "utf-8"
    assert "Un café, naïve – “quoted”." in html_response(Response("https://example.test/a", body=body)).text


def test_a_latin1_declaration_on_latin1_bytes_stays():
    body = _PAGE.format(meta="").replace("–", "-").replace("“", '"').replace("”", '"').encode("latin-1")
    assert decide_encoding(body, "text/html; charset=ISO-8859-1") == "cp1252"
    assert 'Un café, naïve - "quoted".' in decode_page(body, b"text/html; charset=ISO-8859-1")


def test_a_byte_order_mark_wins_over_the_declarations():
    body = "\ufeff".encode("utf-16-le") + _PAGE.format(meta='<meta charset="gb2312">').encode("utf-16-le")
    assert decide_encoding(body, "text/html; charset=gb2312") == "utf-16-le"
    assert "Un café, naïve – “quoted”." in decode_page(body, None)


def test_a_declaration_inside_a_comment_is_none():
    body = '<html><head><!-- <meta charset="iso-8859-1"> --><title>中文</title></head><body>中文内容</body></html>'
    assert decode_page(body.encode("gbk"), None) == body

