"""sina (sites/sina.toml): the link to a topic page ("专题：…") above the text stands in the
template's topic slot, which only HTML comments mark (`<!-- 相关专题top start-->` … `<!--
相关专题top end-->`); what lies between them is left out of the page."""

import re

_TOPIC_SLOT = re.compile(r"<!--\s*相关专题top start\s*-->.*?<!--\s*相关专题top end\s*-->", re.S)


def without_topic_slot(html: str, entry) -> str:
    return _TOPIC_SLOT.sub("", html)
