"""The run history as one self-contained HTML page (`scrapy runs --html PATH`).

No script, no network, no external font: inline CSS and SVG only, and a Content-Security-
Policy that forbids loading anything, so a page opened from a file shows the same everywhere.
Every value taken from a report (a source name, an error line) is HTML-escaped here: the
folder's files are hostile text. What the page shows: docs/runs.md.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections import defaultdict

from crawler.run_history import Run

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Status colours: green healthy; amber for a run stopped from outside (interrupted, locked);
# reds and purples for a broken source. The code is always written beside the colour.
COLOURS = {0: "#2e7d32", 1: "#c62828", 2: "#6d4c41", 3: "#ad1457", 4: "#6a1b9a", 5: "#4527a0",
           6: "#ef8f00", 7: "#f9a825", 8: "#d84315"}
UNKNOWN_COLOUR = "#546e7a"
STATUS_NAMES = {0: "ok", 1: "errors", 2: "usage", 3: "extraction failure", 4: "discovery failure",
                5: "replay miss", 6: "interrupted", 7: "locked", 8: "coverage"}
FIELD_COLOURS = {"body": "#1565c0", "thumbnail": "#00838f", "author": "#ef6c00"}
OTHER_FIELD_COLOUR = "#455a64"
WRITTEN_COLOUR, DROPPED_COLOUR = "#43a047", "#9e9e9e"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;
margin:0 auto;max-width:1180px;padding:16px 20px;color:#212121;background:#fafafa}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:0 0 6px}h3{font-size:14px;margin:10px 0 4px}
.meta{color:#616161;margin:2px 0 14px}
table.grid{border-collapse:collapse;margin:6px 0}
table.grid th,table.grid td{border:1px solid #e0e0e0;padding:2px 6px;text-align:center;font-size:12px}
table.grid th.src{text-align:left;font-size:13px;max-width:260px;overflow-wrap:anywhere}
table.grid td.run{color:#fff;font-weight:600;min-width:34px}
table.grid td.none{color:#bdbdbd;background:#f5f5f5}
.legend span{display:inline-block;margin:2px 10px 2px 0;font-size:12px}
.legend i{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;border-radius:2px}
section.source{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px;margin:14px 0}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;flex:1 1 480px}figure.strip{flex-basis:100%}figcaption{font-size:12px;color:#616161}
figcaption i{display:inline-block;width:14px;height:3px;vertical-align:3px;margin:0 3px 0 8px}
svg{display:block;width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#424242}
ul.errors{margin:4px 0;padding-left:18px}ul.errors li{font:12px/1.4 ui-monospace,monospace;overflow-wrap:anywhere}
.reason{color:#b71c1c}.quiet{color:#757575}
"""


def e(value) -> str:
    # Control and format characters (a right-to-left override in a source name) are shown as
    # U+FFFD: they could make one source's text read as another's.
    text = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in str(value))
    return html.escape(text, quote=True)


def colour(code: int) -> str:
    return COLOURS.get(code, UNKNOWN_COLOUR)


def status_label(run: Run) -> str:
    name = run.status_name or STATUS_NAMES.get(run.status, "")
    return f"{run.status} {name}".strip()


def when(run: Run) -> str:
    return run.start.strftime("%Y-%m-%d %H:%M UTC")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def render(runs: list[Run], *, generated: dt.datetime, source_dir: str = "", problems: list[str] | None = None) -> str:
    by_source: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_source[run.source].append(run)
    nights = sorted({run.night for run in runs})
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        "<title>newsarchive: run history</title>", f"<style>{CSS}</style></head><body>",
        "<h1>newsarchive: run history</h1>",
        f'<p class="meta">{len(runs)} run(s) of {len(by_source)} source(s)'
        + (f", nights {e(nights[0])} to {e(nights[-1])} (UTC start dates)" if nights else "")
        + (f", from {e(source_dir)}" if source_dir else "")
        + f"; made {e(generated.astimezone(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))}</p>",
    ]
    if problems:
        parts.append(f'<p class="quiet">{len(problems)} file(s) left out: '
                     + "; ".join(e(p) for p in problems[:10]) + ("; …" if len(problems) > 10 else "") + "</p>")
    if not runs:
        parts.append("<p>No run in the history.</p></body></html>")
        return "\n".join(parts) + "\n"
    sources = sorted(by_source)
    ids = {name: f"source-{n}" for n, name in enumerate(sources, 1)}
    parts.append(_overview(sources, by_source, nights, ids))
    for name in sources:
        parts.append(_section(name, by_source[name], ids[name]))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _legend() -> str:
    items = "".join(f'<span><i style="background:{c}"></i>{code} {e(STATUS_NAMES[code])}</span>'
                    for code, c in COLOURS.items())
    return f'<p class="legend">{items}</p>'


def _overview(sources, by_source, nights, ids) -> str:
    head = "".join(f'<th title="{e(n)}">{e(n.strftime("%m-%d"))}</th>' for n in nights)
    rows = []
    for name in sources:
        per_night: dict[dt.date, list[Run]] = defaultdict(list)
        for run in by_source[name]:
            per_night[run.night].append(run)
        cells = []
        for night in nights:
            night_runs = per_night.get(night)
            if not night_runs:
                cells.append(f'<td class="none" title="{e(night)}: no run">–</td>')
                continue
            # The night's worst-looking run gives the colour: any failure beats a healthy rerun.
            shown = max(night_runs, key=lambda r: (r.status != 0, r.start))
            title = "; ".join(f"{when(r)}: {status_label(r)}" + (f" ({r.reasons[0]})" if r.reasons else "")
                              for r in night_runs)
            more = f"+{len(night_runs) - 1}" if len(night_runs) > 1 else ""
            cells.append(f'<td class="run" style="background:{colour(shown.status)}" title="{e(title)}">'
                         f"{shown.status}{e(more)}</td>")
        rows.append(f'<tr><th class="src"><a href="#{ids[name]}">{e(name)}</a></th>{"".join(cells)}</tr>')
    return ('<section id="overview"><h2>Status by night</h2>'
            f'<table class="grid"><thead><tr><th class="src">source</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{_legend()}</section>')


def _section(name: str, runs: list[Run], anchor: str) -> str:
    latest = runs[-1]
    parts = [f'<section class="source" id="{anchor}"><h2>{e(name)}</h2>',
             f'<p>Latest run {e(when(latest))}: <span class="badge" style="background:{colour(latest.status)}">'
             f"{e(status_label(latest))}</span>, written {latest.written}, dropped {latest.dropped_total}, "
             f"errors {latest.errors}</p>",
             '<div class="charts">',
             f'<figure class="strip"><figcaption>Status per run ({len(runs)})</figcaption>{_status_strip(runs)}</figure>',
             "<figure><figcaption>Per run:" + _key([("written", WRITTEN_COLOUR), ("dropped", DROPPED_COLOUR)])
             + f"</figcaption>{_bars(runs)}</figure>",
             "<figure><figcaption>Field coverage per run (dashed: the threshold):"
             + _key([(f, FIELD_COLOURS.get(f, OTHER_FIELD_COLOUR)) for f in _fields(runs)])
             + f"</figcaption>{_coverage(runs)}</figure>",
             "</div>", _errors(runs), "</section>"]
    return "".join(parts)


# ------------ charts (SVG; the boxes are drawn at about their size on a wide screen)

W, H = 560, 190  # the two charts side by side
STRIP_W, STRIP_H = 1140, 62
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 24


def _key(entries) -> str:
    return "".join(f'<i style="background:{c}"></i>{e(name)}' for name, c in entries)


def _x(i: int, n: int, width: int = W) -> float:
    span = width - LEFT - RIGHT
    return LEFT + span * (i + 0.5) / max(n, 1)


def _labels(runs: list[Run], width: int = W, height: int = H) -> str:
    n = len(runs)
    step = max(1, -(-n // (width // 56)))  # labels 56 units apart at least
    return "".join(f'<text x="{_x(i, n, width):.1f}" y="{height - 6}" text-anchor="middle">'
                   f'{e(r.start.strftime("%m-%d"))}</text>'
                   for i, r in enumerate(runs) if i % step == 0 or i == n - 1)


def _svg(body: str, label: str, width: int = W, height: int = H) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}" '
            f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _status_strip(runs: list[Run]) -> str:
    n = len(runs)
    span = (STRIP_W - LEFT - RIGHT) / max(n, 1)
    cells = []
    for i, run in enumerate(runs):
        x = LEFT + span * i
        tip = f"{when(run)}: {status_label(run)}" + (f": {run.reasons[0]}" if run.reasons else "")
        cells.append(f'<rect x="{x + 1:.1f}" y="2" width="{max(span - 2, 1):.1f}" height="34" rx="3" '
                     f'fill="{colour(run.status)}"><title>{e(tip)}</title></rect>')
        if span >= 16:
            cells.append(f'<text x="{x + span / 2:.1f}" y="24" text-anchor="middle" '
                         f'style="fill:#fff;font-weight:600;font-size:13px">{run.status}</text>')
    return _svg("".join(cells) + _labels(runs, STRIP_W, STRIP_H), "status per run", STRIP_W, STRIP_H)


def _axis(top_label: str, bottom_label: str) -> str:
    return (f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="#9e9e9e"/>'
            f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#9e9e9e"/>'
            f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{e(top_label)}</text>'
            f'<text x="{LEFT - 4}" y="{H - BOTTOM}" text-anchor="end">{e(bottom_label)}</text>')


def _bars(runs: list[Run]) -> str:
    n = len(runs)
    top = max([max(r.written, r.dropped_total) for r in runs] + [1])
    height = H - TOP - BOTTOM
    width = min(18.0, (W - LEFT - RIGHT) / max(n, 1) / 2.5)
    body = [_axis(str(top), "0")]
    for i, run in enumerate(runs):
        x = _x(i, n)
        for offset, value, fill, what in ((-width, run.written, WRITTEN_COLOUR, "written"),
                                          (0.0, run.dropped_total, DROPPED_COLOUR, "dropped")):
            h = height * value / top
            tip = f"{when(run)}: {what} {value}"
            if what == "dropped" and run.dropped:
                tip += " (" + ", ".join(f"{k} {v}" for k, v in sorted(run.dropped.items())) + ")"
            body.append(f'<rect x="{x + offset:.1f}" y="{TOP + height - h:.1f}" width="{width:.1f}" '
                        f'height="{max(h, 0.5):.1f}" fill="{fill}"><title>{e(tip)}</title></rect>')
    return _svg("".join(body) + _labels(runs), "written and dropped per run")


def _fields(runs: list[Run]) -> list[str]:
    """Fields with a share or a threshold in these runs: body, thumbnail, author first."""
    names = {f for r in runs for f, share in r.coverage.items() if share is not None} | {
        f for r in runs for f in r.thresholds}
    known = [f for f in FIELD_COLOURS if f in names]
    return known + sorted(names - set(known))


def _coverage(runs: list[Run]) -> str:
    n = len(runs)
    height = H - TOP - BOTTOM
    fields = _fields(runs)
    body = [_axis("100%", "0%"),
            f'<line x1="{LEFT}" y1="{TOP + height / 2:.1f}" x2="{W - RIGHT}" y2="{TOP + height / 2:.1f}" '
            'stroke="#eeeeee"/>']
    for field_name in fields:
        stroke = FIELD_COLOURS.get(field_name, OTHER_FIELD_COLOUR)
        thresholds = {r.thresholds.get(field_name) for r in runs} - {None}
        for threshold in sorted(thresholds):
            y = TOP + height * (1 - min(max(threshold, 0.0), 1.0))
            body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="{stroke}" '
                        f'stroke-dasharray="6 4" stroke-width="1.3"><title>{e(field_name)} threshold '
                        f"{e(percent(threshold))}</title></line>")
        segments, segment = [], []
        for i, run in enumerate(runs):
            share = run.coverage.get(field_name)
            if share is None:  # no article to judge the field by that night: a gap in the line
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = _x(i, n), TOP + height * (1 - min(max(share, 0.0), 1.0))
            segment.append(f"{x:.1f},{y:.1f}")
            judged = "" if run.judged else ", not judged (too few articles)"
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{stroke}"><title>{e(when(run))}: '
                        f"{e(field_name)} {e(percent(share))}{e(judged)}</title></circle>")
        if segment:
            segments.append(segment)
        for points in segments:
            body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{stroke}" stroke-width="2"/>')
    if not fields:
        body.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle">no article written</text>')
    return _svg("".join(body) + _labels(runs), "field coverage per run")


def _errors(runs: list[Run]) -> str:
    for run in reversed(runs):
        if run.reasons or run.last_errors or run.errors:
            lines = [f'<li class="reason">{e(reason)}</li>' for reason in run.reasons]
            if run.errors_by_kind:
                lines.append("<li>errors by kind: " + e(", ".join(f"{k} {v}" for k, v in
                                                               sorted(run.errors_by_kind.items()))) + "</li>")
            lines += [f"<li>{e(err['at'])} {e(err['line'])}</li>" for err in run.last_errors]
            latest = " (the latest run)" if run is runs[-1] else ""
            return (f"<h3>Last error lines: run of {e(when(run))}{e(latest)}, {e(status_label(run))}</h3>"
                    f'<ul class="errors">{"".join(lines)}</ul>')
    return '<h3>Last error lines</h3><p class="quiet">None in these runs.</p>'
