"""Names people give things (segments, initiatives, saved scenarios): text that shows exactly as typed,
cannot pass for another name, and fits where it goes.

One check for every entrance (a link, a file, the page, the command line): :func:`check_name`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Characters that change the direction text is drawn in (overrides, embeddings, isolates, marks):
#: "Base\u202egnp.exe" reads as "Baseexe.png". They are removed from names.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Invisible characters with no use in a name (zero-width space, word joiner, byte-order mark, soft
#: hyphen, invisible operators, the Mongolian vowel separator): "Pl\u200ban" would pass for "Plan".
#: Zero-width joiners and non-joiners stay: emoji sequences and some scripts need them.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff")
#: Letters that draw nothing (Hangul fillers, the braille blank): a name of them looks empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadNameError(ValueError):
    """A name that cannot be used; the message says why and how to fix it."""


def check_name(value: Any, *, what: str, most: int) -> str:
    """``value`` as a name: direction controls and useless invisible characters removed, line breaks
    and runs of spaces made one space; raises :class:`BadNameError` when it is not text, holds a broken
    character, shows nothing, or is longer than ``most`` characters.

    >>> check_name("  Plan\\u200b B ", what="a scenario name", most=40)
    'Plan B'
    >>> check_name("\\u200b", what="a segment name", most=40)
    Traceback (most recent call last):
    ...
    simulator.names.BadNameError: a segment name needs a visible character; '\\u200b' shows nothing
    """
    if not isinstance(value, str):
        raise BadNameError(f"{what} is text, not {_kind(value)}")
    broken = _SURROGATE.search(value)
    if broken:
        raise BadNameError(
            f"{what} holds a broken character (a lone surrogate, {_escaped(broken.group())}) that no page "
            "or file can show; retype the name"
        )
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in value
        if ch not in BIDI_CONTROLS and ch not in INVISIBLE
    )
    tidy = " ".join(kept.split())
    if not any(_visible(ch) for ch in tidy):
        raise BadNameError(f"{what} needs a visible character; '{_escaped(value)}' shows nothing")
    if len(tidy) > most:
        raise BadNameError(f"{what} is {len(tidy)} characters; a name has at most {most} ('{tidy[:20]}…')")
    return tidy


def _visible(ch: str) -> bool:
    """Whether a character draws something (a lone surrogate draws nothing: it is no character)."""
    return not (
        ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Mn", "Me", "Cc", "Cs")
    )


def _escaped(text: str) -> str:
    """Text with what cannot be seen written as escapes (``\\u200b``), for a message."""
    return "".join(ch if _visible(ch) or ch == " " else f"\\u{ord(ch):04x}" for ch in text[:40])


def _kind(value: Any) -> str:
    return "nothing (null)" if value is None else type(value).__name__


def fit_names(names: list[str], *, most: int, fallback: str) -> list[str]:
    """Names from data (an export's segments) made names the engine takes: cleaned as
    :func:`check_name` cleans them (a name that shows nothing becomes ``fallback`` and its
    position), cut to ``most`` characters with an ellipsis, and all different.

    >>> fit_names(["x" * 12, "x" * 11, "SMB", "\u200b"], most=10, fallback="Segment")
    ['xxxxxxxxx…', 'xxxxxxx… 2', 'SMB', 'Segment 4']
    """
    fitted: list[str] = []
    for position, raw in enumerate(names, start=1):
        try:
            name = check_name(raw, what="a name", most=10**9)
        except BadNameError:
            name = f"{fallback} {position}"
        short = name if len(name) <= most else name[: most - 1] + "…"
        number = 2
        while short in fitted:
            suffix = f" {number}"
            short = name[: most - 1 - len(suffix)] + "…" + suffix
            number += 1
        fitted.append(short)
    return fitted
