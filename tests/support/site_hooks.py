"""A hook for tests/test_site_files.py (a site file names it as "tests.support.site_hooks:shout")."""


def shout(article, data, entry):
    article["title"] = article["title"].upper()
    return article
