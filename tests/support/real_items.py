"""The real-item check shared by the tests of investing, hkej, simplywall, now, mingpao,
moneycontrol, jin10 and coinlive: each real item paired with the Article the site's spider
made of the responses the site serves for it, run through the project's pipelines (or
written by a real crawl: tests.support.site_pages.check_served_items), its file
checked (path, title, time, thumbnail, category, closing link, and the body's text against
what a person keeps of the item's real body), and one summary line printed."""

from __future__ import annotations

from collections import Counter

from tests.support.crawls import replay  # noqa: F401 - the sources' tests take it from here
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


def check_real_items(name: str, pairs, tmp_path, capsys, *, folder: str, language: str, want=expected,
                     removed: NotArticle = NotArticle(), strict: bool = False, quiet: bool = False) -> Counter:
    """`pairs`: (real item, the Article made of its responses), run through the pipelines into
    `tmp_path`, each outcome checked by `check_outcomes`."""
    chain = pipelines(tmp_path)
    outcomes = ((item, None if article is None else run(chain, article)) for item, article in pairs)
    return check_outcomes(name, outcomes, tmp_path, capsys, folder=folder, language=language, want=want,
                          removed=removed, strict=strict, quiet=quiet)


def check_outcomes(name: str, outcomes, archive, capsys, *, folder: str, language: str, want=expected,
                   removed: NotArticle = NotArticle(), strict: bool = False, quiet: bool = False) -> Counter:
    """`outcomes`: (real item, what became of it: None when no article was made, the written
    item (its `archive_path` under `archive`), else why it was not written (a DropArticle, a
    reason)). Counts written / dropped by reason / left_in (what `removed.left_in` names,
    unless `strict`) and fails on any problem. `want(item)` gives what the file must say
    (`expected`)."""
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
        w = want(item)
        found = check_file(archive, result, item=w["item"], folder=folder, language=w["language"] or language,
                           expected_title=w["title"], expected_date=w["date"], expected_thumbnail=w["thumbnail"],
                           body_html=item["description"], removed=removed, category=w["category"])
        found = set_aside_left_in(found, counts, strict)
        if found:
            problems[item["link"]] = found
    if not quiet:
        with capsys.disabled():
            dropped = {k: v for k, v in counts.items() if k.startswith("dropped")}
            print(f"\n{name}: {total} real items; files written and checked: {counts['written']}; "
                  f"dropped: {sum(dropped.values())} {dropped}; left in: {counts['left_in']}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    return counts
