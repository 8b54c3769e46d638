"""Real leinews items (../shared/corpus/seed-json/leinews) as the YiAPP RPC answers.

Each item becomes a row of PC_SearchNewsInfoList (`data.data[]`: NewsCode, NewsTitle,
NewsImage, CreateDate = the item's pub_date, which the old crawler copied verbatim) and a
PC_GetNewsInfo answer (`data.NewsContent` = the item's body with the site's reprint notice put
back where the old crawler cut it out: the empty element at its end). Every other detail
answer leaves out title, time and image, so both the detail's values and the row's serve.
"""

from __future__ import annotations

import json

LIST = ("https://www.leinews.com/Common/YiAPP.ashx?YiAPP_Method=uNews.PC_SearchNewsInfoList"
        "&YiAPP_Action=YiAPP.APP.SHOP&YiAPP_SIKW=true")
NOTICE = "雷递由媒体人雷建平创办，若转载请写明来源。"


def row(item: dict) -> dict:
    return {"NewsCode": item["id"], "NewsTitle": item["title"], "NewsImage": item.get("image") or "",
            "CreateDate": item["pub_date"], "ColumnCode": "", "ShopUser": "80889"}


def list_answer(items: list[dict]) -> bytes:
    return json.dumps({"code": 0, "msg": "ok", "data": {"data": [row(i) for i in items], "total": len(items)}},
                      ensure_ascii=False).encode("utf-8")


def with_notice(body: str) -> str:
    """The body with the reprint notice in its last empty element (where it was cut from)."""
    at = body.rfind('"></')
    return body[:at + 2] + NOTICE + body[at + 2:] if at >= 0 else body + f"<p>{NOTICE}</p>"


def detail_answer(item: dict, index: int) -> bytes:
    data = {"NewsCode": item["id"], "NewsContent": with_notice(item["description"])}
    if index % 2 == 0:
        data.update(NewsTitle=item["title"], CreateDate=item["pub_date"], NewsImage=item.get("image") or "")
    return json.dumps({"code": 0, "msg": "ok", "data": data}, ensure_ascii=False).encode("utf-8")
