"""Profile summaries (pyinstrument sessions): where the time of a benchmark variant goes.

Two views, each as shares of the profiled total:
  inclusive  time spent in a function and everything it calls (outermost call only, so
             recursion is not counted twice); frames holding 90 % or more (the entry points)
             are left out
  self       time spent in the function's own code (summed over all its call sites)
"""

from __future__ import annotations

import os


def _key(frame) -> str:
    path = frame.file_path or ""
    short = path
    for marker in ("site-packages" + os.sep, os.sep + "lib" + os.sep + "python"):
        if marker in path:
            short = path.split(marker, 1)[1]
            break
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        if path.startswith(root):
            short = os.path.relpath(path, root)
    return f"{frame.function} ({short}:{frame.line_no})"


def summarise(session, top: int = 15) -> dict:
    root = session.root_frame()
    if root is None:
        return {"total_s": 0.0, "inclusive": [], "self": []}
    total = root.time or 1e-12
    inclusive: dict[str, float] = {}
    own: dict[str, float] = {}

    groups: dict[str, float] = {}

    def walk(frame, active: frozenset, group: str | None):
        if frame.is_synthetic:  # pyinstrument's "[self]" etc.: already in the parent's self time
            return
        key = _key(frame)
        if key not in active:
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
        own[key] = own.get(key, 0.0) + frame.total_self_time
        mine = _group(frame.file_path or "")
        if mine and group is None:
            groups[mine] = groups.get(mine, 0.0) + frame.time
        for child in frame.children:
            walk(child, active | {key}, group or mine)

    walk(root, frozenset(), None)

    def ranked(table, skip_wrappers=False):
        rows = sorted(table.items(), key=lambda kv: -kv[1])
        if skip_wrappers:  # frames that hold (nearly) everything say nothing
            rows = [kv for kv in rows if kv[1] / total < 0.9]
        return [{"function": k, "s": round(v, 4), "share": round(v / total, 4)} for k, v in rows[:top]]

    return {"total_s": round(total, 4), "inclusive": ranked(inclusive, True), "self": ranked(own),
            "groups": {k: {"s": round(v, 4), "share": round(v / total, 4)} for k, v in sorted(groups.items())}}


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GROUPS = {os.path.join(_ROOT, "pipelines") + os.sep: "pipelines/ (item pipelines, outermost calls)",
           os.path.join(_ROOT, "crawler", "sources") + os.sep: "crawler/sources/ (page parsing, outermost calls)"}


def _group(path: str) -> str | None:
    for prefix, name in _GROUPS.items():
        if path.startswith(prefix):
            return name
    return None


def format_summary(summary: dict, title: str, top: int = 15) -> str:
    lines = [f"{title}: {summary['total_s']:.2f} s profiled"]
    for name, g in (summary.get("groups") or {}).items():
        lines.append(f"  {g['share'] * 100:5.1f}%  {g['s']:7.3f} s  in {name}")
    for view in ("inclusive", "self"):
        lines.append(f"  {view} time:")
        for row in summary[view][:top]:
            lines.append(f"    {row['share'] * 100:5.1f}%  {row['s']:7.3f} s  {row['function']}")
    return "\n".join(lines)
