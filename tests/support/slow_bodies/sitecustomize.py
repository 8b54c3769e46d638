"""A genuinely slow body for the time limit's tests, without a test-only branch in the project.

Python imports `sitecustomize` at start-up from its path: a test puts this folder on the
PYTHONPATH of a crawl, whose worker processes inherit it. In a worker process (`python -m
crawler.workers`) only, a body holding SLOW_MARKER then takes SLOW_SECONDS to clean; every
other body, and every body in the crawl's own process, converts as usual.
"""

import importlib.abc
import importlib.util
import sys
import time

SLOW_MARKER = "这篇正文要转换很久"
SLOW_SECONDS = 120


class _SlowBodies(importlib.abc.MetaPathFinder):
    """When crawler.body is imported, wrap its clean_body_tree."""

    def find_spec(self, name, path=None, target=None):
        if name != "crawler.body":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            clean = module.clean_body_tree

            def slow_clean(html, base_url):
                if SLOW_MARKER in html:
                    time.sleep(SLOW_SECONDS)
                return clean(html, base_url)

            module.clean_body_tree = slow_clean

        spec.loader.exec_module = exec_module
        return spec


if sys.orig_argv[1:3] == ["-m", "crawler.workers"]:
    sys.meta_path.insert(0, _SlowBodies())
