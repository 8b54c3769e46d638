"""Spider arguments (`-a NAME=VALUE`), declared once per spider and read in one place.

A spider lists its arguments in `ARGUMENTS` (name, kind, help). Every value is read by its
kind here, so a typo (`-a page=3`) or an unreadable value (`-a hot=maybe`) is one line that
names the argument and lists the valid ones (`ArgumentError`, exit status 1), never a
traceback and never a silent no-op. `scrapy crawl` checks the arguments before the crawl
starts (`check`); `scrapy crawlall --list-arguments` prints them (`describe`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path


class ArgumentError(ValueError):
    """A spider argument that is unknown or cannot be read; the message is one line."""


def _count(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError("must be a positive integer")
    return number


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"must be one of {', '.join(_TRUE + _FALSE)}")


def _names(value) -> list[str]:
    parts = value if isinstance(value, (list, tuple)) else str(value).replace("\n", ",").split(",")
    return [str(p).strip() for p in parts if str(p).strip()]


def _day(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("must be YYYY-MM-DD") from None


def _text(value) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _lines(value) -> list[str]:
    """The non-blank, non-comment lines of the file named by the value."""
    path = Path(_text(value))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot be read: {exc}") from None
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _template(value) -> str:
    text = _text(value)
    if "{url}" not in text and "{path}" not in text:
        raise ValueError("must contain {url} or {path}")
    return text


# kind: (how the value is shown in help and messages, reader)
KINDS = {
    "count": ("N", _count),
    "switch": ("0|1", _switch),
    "names": ("A,B", _names),
    "day": ("YYYY-MM-DD", _day),
    "text": ("TEXT", _text),
    "file": ("PATH", _lines),
    "template": ("TEMPLATE", _template),
}


@dataclass(frozen=True)
class Argument:
    name: str
    kind: str  # a key of KINDS
    help: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise TypeError(f"argument {self.name}: unknown kind {self.kind!r}")

    @property
    def usage(self) -> str:
        return f"{self.name}={KINDS[self.kind][0]}"


LIMIT = Argument("limit", "count", "take at most N articles this run")


def declared(spidercls) -> tuple[Argument, ...] | None:
    """The spider's arguments, or None for a spider that declares none (it takes anything,
    as Scrapy's own spiders do)."""
    return getattr(spidercls, "ARGUMENTS", None)


def valid_list(arguments) -> str:
    return ", ".join(a.usage for a in arguments) or "none"


def read_setting(spider: str, name: str, kind: str, value):
    """A setting read as an argument of `kind` is (a key of KINDS); ArgumentError naming it."""
    try:
        return KINDS[kind][1](value)
    except ValueError as exc:
        raise ArgumentError(f"{spider} spider: {name} {exc}, got {value!r}") from None


def parse(spider: str, arguments, values: dict) -> dict:
    """{name: value read by its kind} for every declared argument (None when not given);
    ArgumentError for an unknown name or an unreadable value."""
    by_name = {a.name: a for a in arguments}
    for name in values:
        if name not in by_name:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ArgumentError(f"{spider} spider: unknown argument {name!r}{hint}; "
                                f"valid arguments: {valid_list(arguments)}")
    out = {}
    for name, argument in by_name.items():
        value = values.get(name)
        if value is None:
            out[name] = None
            continue
        try:
            out[name] = KINDS[argument.kind][1](value)
        except ValueError as exc:
            raise ArgumentError(f"{spider} spider: {name} {exc}, got {value!r}; "
                                f"valid arguments: {valid_list(arguments)}") from None
    return out


def check(spidercls, values: dict, settings) -> None:
    """Read the arguments of one crawl before it starts (ArgumentError), then let the spider
    check them against the settings (`check_arguments(values, settings)`, when it has one)."""
    arguments = declared(spidercls)
    if arguments is None:
        return
    parsed = parse(spidercls.name, arguments, values)
    hook = getattr(spidercls, "check_arguments", None)
    if hook is not None:
        hook(parsed, settings)


def for_source(spidercls, values: dict, others) -> dict:
    """The arguments one source of `crawlall` is given: those it declares, and those that
    none of the sources (`others`, their spider classes) declares, so that every source
    refuses a typo instead of all of them ignoring it."""
    mine = {a.name for a in declared(spidercls) or ()}
    anyone = {a.name for cls in others for a in declared(cls) or ()}
    return {k: v for k, v in values.items() if k in mine or k not in anyone}


def describe(spidercls, skip=()) -> list[str]:
    """One line per argument: `-a name=KIND  help`."""
    arguments = [a for a in declared(spidercls) or () if a.name not in skip]
    width = max((len(a.usage) for a in arguments), default=0)
    return [f"-a {a.usage.ljust(width)}  {a.help}" for a in arguments]
