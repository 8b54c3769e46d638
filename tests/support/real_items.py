"""The real-item check shared by the tests of investing, hkej, simplywall, now, mingpao,
moneycontrol, jin10 and coinlive: each real item paired with the Article the site's spider
made of the responses the site serves for it, run through the project's pipelines (or
written by a real crawl: tests.support.site_pages.check_served_items), its file
checked (path, title, time, thumbnail, category, closing link, and the body's text against
what a person keeps of the item's real body), and one summary line printed."""

from __future__ import annotations

from collections import Counter

from tests.support.page_responses import md5_item
from tests.support.reader import NotArticle
from tests.support.source_pipeline import check_file, pipelines, run, set_aside_left_in


def expected(item: dict, *, thumbnail: bool = True, category: str = "", named_by_id: bool = True,
             language: str = "") -> dict:
    """What the file of a real item must say: its id (the md5 name's stem for a source without
    id), title, time as written (Beijing), cover, category (default: the folder), language
    (default: the source's)."""
    return {"item": item if named_by_id else md5_item(item), "title": item["title"], "date": item["pub_date"],
            "thumbnail": (item.get("image") or "") if thumbnail else "", "category": category,
            "language": language}


def entry_articles(entries, items: list[dict], article):
    """(item, `article(item, entry, index)`) for every item and the list entry the spider made
    of it: the entries are the items', in order, each with its item's id, link and title."""
    assert [e.id for e in entries] == [str(i["id"]) for i in items]
    for index, (item, entry) in enumerate(zip(items, entries)):
        assert (entry.link, entry.title) == (item["link"], item["title"].strip()), (entry, item["link"])
        yield item, article(item, entry, index)


def check_real_items(name: str, pairs, tmp_path, capsys, **checks) -> Counter:
    """`pairs`: (real item, the Article made of its responses), run through the pipelines into
    `tmp_path`, each outcome checked by `check_outcomes` (`checks`: its keyword arguments)."""
    chain = pipelines(tmp_path)
    outcomes = ((item, None if article is None else run(chain, article)) for item, article in pairs)
    return check_outcomes(name, outcomes, tmp_path, capsys, **checks)


def check_outcomes(name: str, outcomes, archive, capsys, *, folder: str, language: str, want=expected,
                   removed: NotArticle = NotArticle(), strict: bool = False, quiet: bool = False,
                   kind=None) -> Counter:
    """`outcomes`: (real item, what became of it: None when no article was made, the written
    item (its `archive_path` under `archive`), else why it was not written (a DropArticle, a
    reason)). Counts written (and, given `kind(item)`, written/<kind>) / dropped by reason /
    left_in (what `removed.left_in` names, unless `strict`) and fails on any problem.
    `want(item)` gives what the file must say (`expected`; a "body" key: the real body HTML
    the file's text is what a person keeps of, default the item's)."""
    counts, problems = Counter(), {}
    total = 0
    for item, result in outcomes:
        total += 1
        if result is None:
            counts["no_article"] += 1
            continue
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            continue
        counts["written"] += 1
        if kind:
            counts[f"written/{kind(item)}"] += 1
        w = want(item)
        found = check_file(archive, result, item=w["item"], folder=folder, language=w["language"] or language,
                           expected_title=w["title"], expected_date=w["date"], expected_thumbnail=w["thumbnail"],
                           body_html=w.get("body", item["description"]), removed=removed, category=w["category"])
        found = set_aside_left_in(found, counts, strict)
        if found:
            problems[item["link"]] = found
    dropped = {k: v for k, v in counts.items() if k.startswith("dropped")}
    kinds = {k: v for k, v in counts.items() if k.startswith("written/")}
    summary(capsys, "" if quiet else f"{name}: {total} real items; files written and checked: {counts['written']}"
            f"{f' {kinds}' if kinds else ''}; dropped: {sum(dropped.values())} {dropped}; left in: {counts['left_in']}",
            problems)
    return counts


def summary(capsys, line: str, problems: dict) -> None:
    """`line` (unless empty) and the number of problems printed past pytest's capture; fails on
    any problem, naming the first five."""
    if line:
        with capsys.disabled():
            print(f"\n{line}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
