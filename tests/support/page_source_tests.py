"""The checks shared by the tests of the HTML-page sources without id (morningstar, stheadline):
every real item parsed, then written through the pipelines, its body checked against what a
person keeps of it (tests.support.reader); and the strict check of what the crawlers leave in."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.page_responses import md5_item, parsed_problems, time_form
from tests.support.reader import NotArticle, kept_text
from tests.support.source_pipeline import check_file, pipelines, run, set_aside_left_in


def articles(source, responses, items):
    entries = source.list_entries(responses.list_response(items))
    by_link = {e.link: e for e in entries}
    assert len(entries) == len(items) and set(by_link) == {i["link"] for i in items}
    for index, item in enumerate(items):
        yield index, item, source.parse_article(responses.page_response(item, index), by_link[item["link"]].to_meta())


def check_parsed(source, responses, items, name: str, removed: NotArticle, capsys) -> Counter:
    """Every item's list entry and page parsed; the body's text is what a person keeps of the
    item's real body (`removed`); bodies holding besides only what `removed.left_in` names
    are counted, not failed."""
    counts, problems = Counter(), {}
    for index, item, article in articles(source, responses, items):
        found = parsed_problems(article, item, removed)
        if found.get("text") == "left_in":
            counts["left_in"] += 1
            del found["text"]
        if found:
            problems[item["link"]] = found
        counts[f"time_from_{getattr(responses, 'time_form', time_form)(index)}"] += 1  # the form the page gave
    with capsys.disabled():
        print(f"\n{name}: {len(items)} real items parsed from list + page; {dict(counts)}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    return counts


def check_written(source, responses, items, name: str, removed: NotArticle, tmp_path, capsys, *,
                  strict=False) -> Counter:
    """Every item through the pipelines: the file's front matter and its whole rendered body
    text (what a person keeps of the real body, `removed`) are checked; unless `strict`, what
    `removed.left_in` names is counted, not failed."""
    chain = pipelines(tmp_path)
    counts, problems = Counter(), {}
    for _index, item, article in articles(source, responses, items):
        result = run(chain, article)
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            continue
        counts["written"] += 1
        found = check_file(tmp_path, result, item=md5_item(item), folder=source.FOLDER, language=source.LANGUAGE,
                           expected_title=item["title"], expected_date=item["pub_date"], expected_thumbnail="",
                           body_html=item["description"], removed=removed)
        found = set_aside_left_in(found, counts, strict)
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\n{name}: {len(items)} real items; files written and checked: {counts['written']}; "
              f"dropped: {sum(v for k, v in counts.items() if k.startswith('dropped'))} {dict(counts)}; "
              f"problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    return counts


def check_an_ad_left_in_fails(source, responses, items, removed: NotArticle, tmp_path, capsys, monkeypatch) -> None:
    """The checks compare the whole text: pages whose ad slot has a class the parser does not
    know (so the ad stays in the body) fail both, naming the ad's text."""
    monkeypatch.setattr(responses, "AD", '<div class="sponsor-box"><p>Invented sponsor paragraph</p></div>')
    with pytest.raises(AssertionError, match="Inventedsponsorparagraph"):
        check_parsed(source, responses, items, "ad left in", removed, capsys)
    with pytest.raises(AssertionError, match="Inventedsponsorparagraph"):
        check_written(source, responses, items, "ad left in", removed, tmp_path, capsys)


def check_nothing_left_in(items, removed: NotArticle, written_problems, tmp_path) -> None:
    """The items whose body holds what `removed.left_in` names, written by
    `written_problems(items, tmp_path, strict=True) -> (counts, problems)`: no problem (the
    strict xfail of a source whose crawler leaves something in)."""
    chosen = left_in_items(items, removed)
    assert chosen
    _counts, problems = written_problems(chosen, tmp_path, strict=True)
    assert not problems, dict(list(problems.items())[:5])


def left_in_items(items, removed: NotArticle) -> list[dict]:
    """The items whose body holds something `removed.left_in` names."""
    strict = removed.with_left_in()
    return [i for i in items if kept_text(i["description"], removed) != kept_text(i["description"], strict)]
