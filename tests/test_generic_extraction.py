"""The generic extraction (crawler.extract through generic.extract_article, then the archive's
Markdown): each kind of boilerplate a reader would cut stays out, captions come once next to
their image; on the real pages of ../shared/corpus/pages it beats trafilatura against the
pages' independent truth."""

from __future__ import annotations

import re

import pytest

from crawler import extract as extract_module
from crawler.body import body_markdown
from crawler.sources import generic
from tests.support.shared import shared_path

URL = "https://news.example.test/2026/03/story.html"

STORY = [
    "The river authority opened the new flood gates on Tuesday morning, after three years of work on the eastern bank.",
    "Engineers said the gates can hold back twice the water of the old ones, and that the town's lower streets should stay dry.",
    "Residents gathered on the bridge to watch the first test, which lasted a little under an hour and went without trouble.",
    "The authority will publish the full results of the test next month, together with the costs of the whole project.",
]
ZH_STORY = [
    "本市新建的河岸防洪闸于周二上午正式启用，工程历时三年，覆盖东岸全部低洼街区，共投入施工人员八百余名。",
    "工程师表示，新闸门的蓄水能力是旧闸门的两倍，今后即使遇到连续暴雨，城区的低洼街道也能够保持干燥。",
    "不少居民一早来到桥上观看首次试运行，整个过程持续将近一个小时，各项指标均符合设计要求，现场秩序良好。",
    "管理部门将在下个月公布试运行的完整结果，并同时公开整个项目的建设费用和后续维护计划，接受社会监督。",
]


def page(article: str, before: str = "", after: str = "", title: str = "Flood gates open on the eastern bank") -> str:
    return (f"<html><head><title>{title} | Example News</title></head><body>"
            f"<header class='site-header'><a href='/'>Example News</a> <a href='/world'>World</a></header>"
            f"{before}<div id='main'><article><h1>{title}</h1>{article}</article>{after}</div>"
            f"<footer class='site-footer'>All rights reserved, Example News</footer></body></html>")


def paragraphs(texts) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def extract(html: str, language: str = "en") -> str:
    config = generic.parse_site({"folder": "demo", "language": language,
                                 "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"}}, "demo")
    article = generic.extract_article(config, URL, html).article
    assert article["body_fallback"] == "extract"
    return body_markdown(article["body_html"], URL)


def assert_story(markdown: str, story=STORY) -> None:
    flat = re.sub(r"\s+", " ", markdown)
    for sentence in story:
        assert sentence in flat, (sentence, markdown)


def test_forum_chrome_breadcrumbs_and_signatures_stay_out():
    before = ("<div class='breadcrumbs'><a href='/'>Forum home</a> › <a href='/boards'>Boards</a> › "
              "<a href='/boards/rivers'>Rivers and canals board</a></div>"
              "<div class='forum-toolbar'><a href='/login'>Log in to reply</a> <a href='/new'>New topic</a></div>")
    article = (f"<div class='post'><div class='postauthor'><a href='/u/7'>gatekeeper77</a>"
               f"<p>Posts: 1,204 Joined: May 2019 Location: the river town</p></div>"
               f"<div class='postbody'>{paragraphs(STORY)}</div><div class='signature'>"
               f"<p>Keeping an eye on the water levels since the great spring of 1998, every single day.</p></div></div>")
    after = ("<div class='pagination'><a href='?p=1'>1</a> <a href='?p=2'>2</a> <a href='?p=3'>Next page</a></div>"
             "<div id='quick-reply'><p>Write your reply to this topic here and press send when you are done.</p></div>")
    markdown = extract(page(article, before, after))
    assert_story(markdown)
    for chrome in ("Forum home", "Rivers and canals board", "Log in to reply", "gatekeeper77", "Posts: 1,204",
                   "great spring of 1998",
                   "Next page", "Write your reply", "All rights reserved", "World"):
        assert chrome not in markdown, chrome


def test_related_lists_and_you_may_also_like_stay_out():
    related = ("<div class='related-articles'><h3>Related articles</h3><ul>"
               "<li><a href='/a'>Dam inspection finds cracks in the old western wall</a></li>"
               "<li><a href='/b'>Council approves budget for the riverside park and its paths</a></li></ul></div>")
    # No class says what it is: only its heading and its links do.
    also = ("<section><h2>You may also like</h2>"
            "<p><a href='/c'>How the town prepared for the spring floods of the last decade</a></p>"
            "<p><a href='/d'>Ten bridges to walk across before the summer is over this year</a></p></section>")
    markdown = extract(page(paragraphs(STORY[:2]) + related + paragraphs(STORY[2:]) + also))
    assert_story(markdown)
    for other in ("Related articles", "western wall", "riverside park", "You may also like", "spring floods",
                  "Ten bridges"):
        assert other not in markdown, other


STREAMS = [
    # named as what it is
    "<div class='more-stories'>" + "".join(
        f"<div class='item'><h3><a href='/s/{n}'>Headline number {n} of the stream</a></h3><p>A teaser line for the "
        f"story number {n}, a sentence long enough to count as a paragraph here.</p></div>" for n in range(6)) + "</div>",
    # named as nothing: its links say it
    "<div class='box'>" + "".join(
        f"<div><a href='/story/{n}'><img src='/thumbs/{n}.jpg'><h3>Headline number {n} of the stream</h3></a>"
        f"<p><a href='/story/{n}'>A teaser line for the story number {n} in the stream below.</a></p></div>"
        for n in range(8)) + "</div>",
]


def test_teaser_streams_stay_out():
    for stream in STREAMS:
        markdown = extract(page(paragraphs(STORY), after=stream))
        assert_story(markdown)
        assert "Headline number" not in markdown and "teaser line" not in markdown and "thumbs/" not in markdown


COMMENTS = [
    ("en", STORY, "<section class='discussion'><h2>12 comments</h2>"
                  "<div class='reply'><p>Finally! We waited for these gates for such a long, long time, thank you all.</p></div>"
                  "<div class='reply'><p>I still think the money should have gone to the northern bridge instead of this.</p></div>"
                  "</section>"),
    ("zh-CN", ZH_STORY, "<div class='pinglun-list'><div class='item'><p>终于建好了，我们家住在河边，这下总算可以放心了，感谢所有施工人员。</p></div>"
                        "<div class='item'><p>希望后续维护能跟上，不要建好了就没人管了，明年汛期再看看效果如何。</p></div></div>"),
]


def test_comment_blocks_stay_out():
    for language, story, comments in COMMENTS:
        markdown = extract(page(paragraphs(story), after=comments), language)
        assert_story(markdown, story)
        for comment in ("12 comments", "Finally!", "northern bridge", "终于建好了", "希望后续维护"):
            assert comment not in markdown, comment


def visible(markdown: str) -> str:
    return re.sub(r"!\[[^\]]*\]", "!", markdown)  # an image's alt text is not shown


def test_a_caption_comes_once_next_to_its_image():
    figure = ("<figure><img src='/img/gates.jpg' alt='The new gates seen from the bridge'><figcaption>"
              "<span class='caption-desktop'>The new flood gates, seen from the old stone bridge at dawn.</span>"
              "<span class='caption-mobile'>The new flood gates, seen from the old stone bridge at dawn.</span>"
              "</figcaption></figure>"
              # the same caption in the mobile layout, hidden
              "<div class='caption-mobile' style='display:none'>The new flood gates, seen from the old stone bridge at dawn.</div>")
    slideshow = "<div class='gallery'>" + "".join(
        f"<div class='slide'><img src='/img/g{n}.jpg' alt='Gate number {n} of the new system'>"
        f"<p class='pic-desc'>Gate number {n} of the new system</p></div>" for n in range(3)) + "</div>"
    markdown = extract(page(paragraphs(STORY[:2]) + figure + paragraphs(STORY[2:3]) + slideshow + paragraphs(STORY[3:])))
    assert_story(markdown)
    shown = visible(markdown)
    assert shown.count("seen from the old stone bridge at dawn") == 1, markdown
    for image, caption in [("gates.jpg", "The new flood gates, seen from")] + [
            (f"g{n}.jpg", f"Gate number {n} of the new system") for n in range(3)]:
        assert shown.count(caption) == 1, (caption, markdown)
        # the caption right under its image: nothing of the story between them
        between = shown[shown.index(f"/img/{image})"):shown.index(caption)]
        assert not any(s[:30] in between for s in STORY) and "/img/" not in between[len(image) + 6:], markdown


def test_more_and_less_toggles_stay_out():
    article = (paragraphs(STORY[:2]) + "<p><a href='#' class='expand'>Show more</a></p>"
               + paragraphs(STORY[2:]) + "<p><span class='collapse'>Show less</span></p>"
               + "<div class='toggle'><a href='javascript:void(0)'>展开全文</a></div>"
               + "<p><a href='/full'>Read more</a></p>")
    markdown = extract(page(article))
    assert_story(markdown)
    for toggle in ("Show more", "Show less", "展开全文", "Read more"):
        assert toggle not in markdown, toggle


def test_ad_images_and_tracking_pixels_stay_out_and_the_article_images_stay_in():
    article = (paragraphs(STORY[:2])
               + "<p><img src='/img/gates-closed.jpg' alt='The gates closed'></p>"
               + "<div class='advert'><a href='https://click.example.test/x'><img src='/media/spring-sale.jpg'></a></div>"
               + "<p><a href='https://click.example.test/y'><img src='https://ads.example.test/banner/728x90.gif'></a></p>"
               + "<img src='/t/pixel.gif' width='1' height='1'>"
               + paragraphs(STORY[2:]))
    markdown = extract(page(article))
    assert_story(markdown)
    assert "gates-closed.jpg" in markdown
    for ad in ("spring-sale", "728x90", "pixel.gif", "click.example.test"):
        assert ad not in markdown, ad


def test_the_headline_is_not_repeated_in_the_body():
    markdown = extract(page(paragraphs(STORY)))
    assert "Flood gates open on the eastern bank" not in markdown


def test_a_quoted_tweet_and_a_list_of_links_in_the_text_stay_in():
    # The quote's class names a tweet and the list is all links: both are the author's text.
    quote = ("<blockquote class='twitter-tweet'><p>Water levels on the eastern bank are the lowest in a decade, "
             "say the gauges this morning.</p>— River Watch (@riverwatch)</blockquote>")
    links = ("<p>The authority's earlier reports on the project:</p><ul>"
             "<li><a href='/r/2024'>Eastern bank survey of the old walls</a></li>"
             "<li><a href='/r/2025'>Gate design and its water tests</a></li>"
             "<li><a href='/r/2026'>Costs of the first two building years</a></li></ul>")
    markdown = extract(page(paragraphs(STORY[:2]) + quote + paragraphs(STORY[2:]) + links))
    assert_story(markdown)
    for kept in ("lowest in a decade", "River Watch", "Eastern bank survey of the old walls",
                 "Gate design and its water tests", "Costs of the first two building years"):
        assert kept in markdown, kept


def test_breadcrumbs_and_the_metadata_line_above_the_text_stay_out():
    # Inside the article's box, with names that say nothing.
    article = ("<div class='where'>当前位置：<a href='/'>首页</a> &gt; <a href='/city'>本地新闻</a> &gt; "
               "<a href='/city/water'>水利</a></div>"
               "<div class='line'>2026-03-17 09:30<span>来源：示例日报</span><span>作者：王小河</span></div>"
               + paragraphs(ZH_STORY) + "<p>来源：示例日报</p>")
    markdown = extract(page(article, title="河岸防洪闸正式启用"), language="zh-CN")
    assert_story(markdown, ZH_STORY)
    for chrome in ("当前位置", "本地新闻", "2026-03-17", "王小河"):
        assert chrome not in markdown, chrome
    assert "来源：示例日报" in markdown  # a source line after the text is the article's


def test_short_lines_linked_subheadings_and_data_tables_stay_in():
    # Readability cuts a short block only when it has links, and a heading only for its name:
    # a one-line note in a box of its own, a subheading that links to its source and a small
    # table of figures (a header row) are the article's, the table even though its gates link
    # to their pages (as many links would cut a table of layout).
    note = "<div class='note'><p>Updated at noon.</p></div>"
    subheading = "<h3><a href='/reports/gates'>The gate report</a></h3>"
    table = ("<table><tr><th>Gate</th><th>Width</th></tr><tr><td><a href='/gates/north'>North</a></td><td>12 m</td></tr>"
             "<tr><td><a href='/gates/south'>South</a></td><td>9 m</td></tr></table>")
    markdown = extract(page(paragraphs(STORY[:2]) + note + subheading + paragraphs(STORY[2:]) + table))
    assert_story(markdown)
    for kept in ("Updated at noon.", "The gate report", "North", "12 m", "South", "9 m"):
        assert kept in markdown, kept


def test_the_byline_stays_out():
    markdown = extract(page("<div class='byline'>By Ada Marsh, river correspondent</div>" + paragraphs(STORY)))
    assert_story(markdown)
    assert "Ada Marsh" not in markdown


def test_a_page_without_a_paragraph_gives_its_main_element_or_nothing():
    # Not one paragraph of 25 characters: what the page marks as its main content, never its
    # banner, byline or footer; nothing at all when it marks none (the source drops it).
    # The banner is a <header> by its tag alone, with a line long enough to be a paragraph
    # (which would otherwise be the best text of the page).
    html = ("<html><body><header><a href='/'>Example News</a><p>The town's own daily paper, every morning since "
            "1921</p></header><main><p>Gone.</p></main><footer><a href='/about'>About us</a></footer></body></html>")
    for main in ("main", "article"):
        body = body_html(html.replace("main>", f"{main}>"))
        assert "Gone." in body
        for chrome in ("Example News", "since 1921", "About us"):
            assert chrome not in body, chrome
    bare = html.replace("<main>", "<div class='info'><span>By the desk</span></div>").replace("</main>", "")
    assert body_html(bare) == ""


def body_html(html: str) -> str:
    config = generic.parse_site({"folder": "demo", "language": "en",
                                 "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"}}, "demo")
    return generic.extract_article(config, URL, html).article["body_html"]


def test_without_a_paragraph_the_main_element_wins_and_the_text_after_it_stays_out():
    # A teaser card marked <article> before the page's <main>; the page's own line after
    # </main> (no element of its own) is not the main element's.
    html = ("<html><body><div class='promo'><article><a href='/other'>Another story</a></article></div>"
            "<main><p>Gone.</p><img src='/img/gone.jpg'></main>Printed from the town's website"
            "</body></html>")
    body = body_html(html)
    assert "Gone." in body and "gone.jpg" in body
    assert "Another story" not in body and "Printed from" not in body
    # the extraction's own HTML (which the source then makes absolute) holds no more
    assert "Printed from" not in extract_module.article_body(html)


def test_the_byline_is_found_among_what_stays():
    # An author's name in a hidden template and in the page's chrome come first: Readability
    # never sees them (they went), the byline it takes is the visible one.
    before = ("<div hidden><span class='author-name'>Staff writer</span></div>"
              "<div class='sidebar'><a rel='author' href='/staff'>Our staff</a></div>")
    markdown = extract(page("<div class='byline'>By Ada Marsh, river correspondent</div>" + paragraphs(STORY),
                            before=before))
    assert_story(markdown)
    assert "Ada Marsh" not in markdown


def test_chrome_by_name_goes_deep_inside_a_layout_table():
    # A page laid out in a table: Readability keeps a named block only in a table's nearest
    # levels (a cell's own parts), not anywhere below it.
    newsletter = ("<div class='newsletter'><p>Sign up for our morning letter and get the river news in your "
                  "inbox every day.</p></div>")
    article = "<div><div><div><div>" + paragraphs(STORY) + newsletter + "</div></div></div></div>"
    markdown = extract(page(f"<table><tr><td>{article}</td></tr></table>"))
    assert_story(markdown)
    assert "morning letter" not in markdown


def test_links_inside_a_table_of_data_stay_in():
    # Readability's conditional cleaning spares what is inside a data table (a cell's list of
    # sources) and counts a cell's colspan as columns: a table spanning five columns is data.
    sources = "<div><p><a href='/s/1'>Survey</a> <a href='/s/2'>Tests</a></p></div>"
    table = (f"<table><tr><th>Gate</th><th>Sources</th></tr><tr><td>North</td><td>{sources}</td></tr></table>"
             f"<table><tr><td colspan='5'><a href='/gates/all'>All gates</a></td></tr>"
             f"<tr><td><a href='/gates/map'>Gate map</a></td></tr></table>")
    markdown = extract(page(paragraphs(STORY[:2]) + table + paragraphs(STORY[2:])))
    assert_story(markdown)
    for kept in ("Survey", "Tests", "All gates", "Gate map"):
        assert kept in markdown, kept
    # a span of thousands of digits is a wide span, not an error
    wide = table.replace("colspan='5'", f"colspan='{'9' * 5000}'")
    assert "All gates" in body_html(page(paragraphs(STORY[:2]) + wide + paragraphs(STORY[2:])))


def test_an_outer_block_is_judged_on_what_is_left_in_it():
    # Readability judges a block after the blocks inside it went: the widget goes (its name),
    # then the note around it is mostly a link.
    note = ("<div class='note'><p>See <a href='/r/gates'>the full report on the gates</a> too.</p>"
            "<div class='widget'><p>The weather widget shows the forecast for the river town, with the wind "
            "and the rain of the next five days, hour by hour, all week long.</p></div></div>")
    markdown = extract(page(paragraphs(STORY[:2]) + note + paragraphs(STORY[2:])))
    assert_story(markdown)
    assert "weather widget" not in markdown
    assert "full report" not in markdown


def test_teaser_cards_with_their_dates_stay_out_and_a_gallery_stays_in():
    # Cards of other posts (an image, a title that is no link, a line with a date alone) under
    # a one-word heading; a gallery's captions are sentences, their dates inside them.
    cards = ("<div id='members'><h4><img src='/img/crown.gif'><a href='/members'>Members</a></h4>" + "".join(
        f"<div class='member-card'><img src='/img/m{n}.jpg'><div class='member-title'><span>Club talk {n}: what members said of the walls"
        f"</span><a href='/club'>Club</a></div><span>2026-03-1{n}</span></div>" for n in range(3)) + "</div>")
    gallery = "<div class='gallery'>" + "".join(
        f"<div class='shot'><img src='/img/g{n}.jpg'><p>Gate {n} on 2026-03-1{n}.</p></div>" for n in range(3)) + "</div>"
    markdown = extract(page(paragraphs(STORY[:2]) + gallery + paragraphs(STORY[2:]) + cards))
    assert_story(markdown)
    for n in range(3):
        assert f"Gate {n} on 2026-03-1{n}." in markdown and f"/img/g{n}.jpg" in markdown
        assert f"Club talk {n}" not in markdown and f"/img/m{n}.jpg" not in markdown
    assert "Members" not in markdown


def test_links_to_nowhere_weigh_as_links():
    # href="#" is a script's button, not a footnote: only a link to a place in the page
    # (#name) weighs 0.3 (Readability's rule), so a row of such buttons is mostly links.
    buttons = "<div class='bar'><p>Pass this story on to a friend: <a href='#'>Facebook</a> <a href='#'>Twitter</a> <a href='#'>Email</a></p></div>"
    markdown = extract(page(paragraphs(STORY[:2]) + buttons + paragraphs(STORY[2:])))
    assert_story(markdown)
    assert "Facebook" not in markdown and "Pass this story" not in markdown


def test_a_page_nested_two_thousand_deep_keeps_its_text():
    # libxml2 nests up to 2048 elements: no rule may walk the tree by recursion.
    deep = "<div>" * 1800 + "<p>The bottom of a very deep pile of boxes.</p>" + "</div>" * 1800
    markdown = extract(page(paragraphs(STORY) + deep))
    assert_story(markdown)


# ------------ real pages: at least trafilatura's score + 0.01 against the independent truth


@pytest.fixture(scope="module")
def real_figures():
    from benchmarks import generic_extraction as bench

    root = shared_path("corpus", "pages")
    pages = bench.readability_pages(root / "readability") + bench.gne_pages(root / "gne")[0]
    results = bench.run(pages, ("ours", "trafilatura"))
    lines, figures = bench.table(results, ("ours", "trafilatura"), ("dev", "held-out"))
    print("\n" + "\n".join(lines))
    return figures


@pytest.mark.parametrize("set_name, half", [(s, h) for s in ("en-news", "mixed", "zh") for h in ("dev", "held-out")])
def test_real_pages_beat_trafilatura_against_the_truth(real_figures, set_name, half):
    s = real_figures[f"{set_name}/{half}"]
    assert s["ours"]["f1"] >= s["trafilatura"]["f1"] + 0.01, s
    if set_name == "zh":  # and character by character, in order
        assert s["ours"]["rouge_l"] >= s["trafilatura"]["rouge_l"] + 0.01, s
