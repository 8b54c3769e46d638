"""Real fx168 items (../shared/corpus/seed-json/fx168) as the centerapi answers.

Only the `info.json` items (kind 1) are articles; the `live.json` flashes (kind 2, an empty
body) come from another API the site file does not read. Each article becomes an entry of
getNewsByChannel (`data.items[]`: newsId, urlCode = the link's last segment, newsTitle,
displayImage, firstPublishTime = the item's pub_date, which the old crawler copied verbatim)
and a getNewsDetail answer (`data.newsContent` = the item's body). Every other detail answer
leaves out title, time and image, so both the detail's values and the entry's serve.
"""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

LIST = "https://centerapi.fx168api.com/cms/api/cmsnews/news/getNewsByChannel?pageNo=1&pageSize=10&channelCodes=001001"


def articles(items: list[dict]) -> list[dict]:
    return [i for i in items if i["kind"] == 1]


def url_code(item: dict) -> str:
    return unquote(urlsplit(item["link"]).path.rsplit("/", 1)[1])


def entry(item: dict) -> dict:
    return {"newsId": item["id"], "urlCode": url_code(item), "newsTitle": item["title"],
            "displayImage": item.get("image") or "", "firstPublishTime": item["pub_date"],
            "channelCode": "001001", "isTop": 0}


def list_answer(items: list[dict]) -> bytes:
    data = {"items": [entry(i) for i in items], "total": len(items), "pageNo": 1, "pageSize": len(items)}
    return json.dumps({"code": 0, "msg": "success", "data": data}, ensure_ascii=False).encode("utf-8")


def detail_answer(item: dict, index: int) -> bytes:
    data = {"newsId": item["id"], "newsContent": item["description"]}
    if index % 2 == 0:
        data.update(newsTitle=item["title"], firstPublishTime=item["pub_date"], displayImage=item.get("image") or "")
    return json.dumps({"code": 0, "msg": "success", "data": data}, ensure_ascii=False).encode("utf-8")
