"""The checks shared by the tests of the HTML-page sources without id (morningstar, stheadline):
every real item parsed, then written through the pipelines, its body checked against what a
person keeps of it (tests.support.reader); and the strict check of what the crawlers leave in
(`left_in_tests`, for sina, thehill, wallstreetcn and stheadline too)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.page_responses import parsed_problems, time_form
from tests.support.reader import NotArticle, kept_text
from tests.support.real_items import check_real_items, expected, summary


def articles(source, responses, items):
    entries = source.list_entries(responses.list_response(items))
    by_link = {e.link: e for e in entries}
    assert len(entries) == len(items) and set(by_link) == {i["link"] for i in items}
    for index, item in enumerate(items):
        yield index, item, source.parse_article(responses.page_response(item, index), by_link[item["link"]].to_meta())


def check_parsed(source, responses, items, name: str, removed: NotArticle, capsys) -> Counter:
    """Every item's list entry and page parsed (`check_parsed_articles`), counted by the time
    form its page gave."""
    form = getattr(responses, "time_form", time_form)
    return check_parsed_articles(f"{name}: {len(items)} real items parsed from list + page",
                                 articles(source, responses, items), removed, capsys,
                                 tally=lambda index: [f"time_from_{form(index)}"])


def check_parsed_articles(line: str, parsed, removed: NotArticle, capsys, *, tally, ids: bool = False) -> Counter:
    """`parsed`: (index, real item, the Article parsed of its responses). Each Article says what
    the item does (tests.support.page_responses.parsed_problems: the body's text is what a
    person keeps of the item's real body, `removed`; `ids`: and its id); bodies holding besides
    only what `removed.left_in` names are counted, not failed. The counts (`tally(index)`: what
    to count an item under), after `line` with them."""
    counts, problems = Counter(), {}
    for index, item, article in parsed:
        found = parsed_problems(article, item, removed)
        if ids and article["id"] != item["id"]:
            found["id"] = (article["id"], item["id"])
        if found.get("text") == "left_in":
            counts["left_in"] += 1
            del found["text"]
        if found:
            problems[item["link"]] = found
        counts.update(tally(index))
    summary(capsys, f"{line}; {dict(counts)}", problems)
    return counts


def check_written(source, responses, items, name: str, removed: NotArticle, tmp_path, capsys, *,
                  strict=False) -> Counter:
    """Every item through the pipelines: the file's front matter and its whole rendered body
    text (what a person keeps of the real body, `removed`) are checked
    (tests.support.real_items.check_real_items); unless `strict`, what `removed.left_in` names
    is counted, not failed."""
    pairs = ((item, article) for _index, item, article in articles(source, responses, items))
    return check_real_items(name, pairs, tmp_path, capsys, folder=source.FOLDER, language=source.LANGUAGE,
                            want=lambda item: expected(item, thumbnail=False, named_by_id=False), removed=removed,
                            strict=strict)


def left_in_tests(site: str, check, removed: NotArticle):
    """The two tests of a source whose crawler once kept what `removed.left_in` names, for its
    module to take as its own: every real item makes its file and none keeps such a part, and
    the items that hold one are written without it, strictly. `check(items, tmp_path, capsys,
    strict=False)`: the source's check of the items' files (check_real_items)."""
    from tests.support.shared import seed_items

    def test_every_real_item(tmp_path, capsys):
        items = seed_items(site)
        counts = check(items, tmp_path, capsys)
        assert counts["written"] == len(items) and counts["left_in"] == 0

    def test_nothing_a_person_removes_is_left_in(tmp_path, capsys):
        items = left_in_items(seed_items(site), removed)
        # Every one written: a dropped item is no file to find the part in.
        assert check(items, tmp_path, capsys, strict=True)["written"] == len(items)

    return test_every_real_item, test_nothing_a_person_removes_is_left_in


def page_tests(source, responses, removed: NotArticle):
    """The three tests of an HTML-page source without id, for its module to take as its own:
    every real item parsed (`check_parsed`), every one written (`check_written`), and an ad
    of a class the parser does not know failing both (`check_an_ad_left_in_fails`)."""
    from tests.support.shared import seed_items

    site = source.config.name

    def test_every_real_item_parsed(capsys):
        check_parsed(source, responses, seed_items(site), site, removed, capsys)

    def test_every_real_item_written(tmp_path, capsys):
        items = seed_items(site)
        assert check_written(source, responses, items, site, removed, tmp_path, capsys)["written"] == len(items)

    def test_an_ad_left_in_fails_the_checks(tmp_path, capsys, monkeypatch):
        check_an_ad_left_in_fails(source, responses, seed_items(site)[:3], removed, tmp_path, capsys, monkeypatch)

    return test_every_real_item_parsed, test_every_real_item_written, test_an_ad_left_in_fails_the_checks


def check_an_ad_left_in_fails(source, responses, items, removed: NotArticle, tmp_path, capsys, monkeypatch) -> None:
    """The checks compare the whole text: pages whose ad slot has a class the parser does not
    know (so the ad stays in the body) fail both, naming the ad's text."""
    monkeypatch.setattr(responses, "AD", '<div class="sponsor-box"><p>Invented sponsor paragraph</p></div>')
    with pytest.raises(AssertionError, match="Inventedsponsorparagraph"):
        check_parsed(source, responses, items, "ad left in", removed, capsys)
    with pytest.raises(AssertionError, match="Inventedsponsorparagraph"):
        check_written(source, responses, items, "ad left in", removed, tmp_path, capsys)


def left_in_items(items, removed: NotArticle) -> list[dict]:
    """The items whose body holds something `removed.left_in` names (there are some: the strict
    check of what the crawler leaves in checks something)."""
    strict = removed.with_left_in()
    chosen = [i for i in items if kept_text(i["description"], removed) != kept_text(i["description"], strict)]
    assert chosen
    return chosen
