"""Profile files: a newsletter's vocabulary written down in TOML.

A profile file holds some of the :class:`~reportparse.profile.Profile` field names as keys;
keys left out keep the defaults. :func:`load_profile` reads and checks one,
:func:`profile_toml` writes the effective profile back as a commented template that
:func:`load_profile` reads to the same profile, and :func:`profile_from_env` honours
``REPORTPARSE_PROFILE=FILE``.

Every mistake in a file is a :class:`~reportparse.errors.UsageError` (exit status 2) with
one line naming the file, the key and what the key expects.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import regex

from .errors import UsageError
from .profile import DEFAULT_PROFILE, Profile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ENV_VAR = "REPORTPARSE_PROFILE"

# The keys holding a regular expression (compiled with the ``regex`` module, as the parser
# does).
PATTERN_KEYS = frozenset({"publisher_pattern", "commentary_pattern"})
# Keys holding labels a line starts with: the parser adds the colon itself.
LABEL_KEYS = frozenset(
    {
        "date_labels",
        "source_labels",
        "link_labels",
        "summary_labels",
        "commentary_labels",
        "back_matter_markers",
        "editors_labels",
        "executive_editors_labels",
    }
)
MAX_TITLE_LINES = 20

# What each key means, written above it in the template (profile_toml).
KEY_HELP: dict[str, str] = {
    "name": "Name of this profile; recorded in every issue parsed with it (issue.profile).",
    "sections": (
        "Section names in the order an issue prints them. A heading line naming one\n"
        "opens that section; without headings or outline, the numbering restarting\n"
        "at 1 moves on to the next name."
    ),
    "date_labels": "Labels before an entry's date ('LABEL：2025年3月7日').",
    "source_labels": "Labels before an entry's source (the medium or authority).",
    "link_labels": "Labels before an entry's links (one URL per line below, or on the line).",
    "summary_labels": "Labels before an entry's summary paragraphs.",
    "commentary_labels": "Headings of the firm's commentary block inside an entry.",
    "back_matter_markers": (
        "The first line after the last entry starting with one of these opens the\n"
        "back matter (disclaimer, editors), which belongs to the issue, not to an entry."
    ),
    "editors_labels": "Labels before the editorial board's names in the back matter.",
    "executive_editors_labels": "Labels before the names of this issue's editors.",
    "publisher_pattern": (
        "Regular expression (Python 'regex' module, \\p{Han} etc.) finding the\n"
        "publishing firm's name in the back matter, else the cover."
    ),
    "publisher_prefixes": (
        "Words a sentence puts right before the firm's name ('非经', '本刊由');\n"
        "stripped from what publisher_pattern found."
    ),
    "commentary_pattern": (
        "Regular expression: a whole short line matching it also heads a commentary block."
    ),
    "max_title_lines": "How many lines a title may wrap over before its first field label.",
}


def _field_types() -> dict[str, Any]:
    return typing.get_type_hints(Profile)


FIELD_TYPES: dict[str, Any] = _field_types()
KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Profile))


def _expected(key: str) -> str:
    kind = FIELD_TYPES[key]
    if kind is int:
        return f"an integer from 1 to {MAX_TITLE_LINES}"
    if kind is str:
        return "a regular expression" if key in PATTERN_KEYS else "a non-empty string"
    return "a list of strings"


def toml_type(value: object) -> str:
    """Given a value read from TOML, return the TOML name of its type ("integer", "array")."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__.replace("datetime", "date-time")


class _KeyError(Exception):
    """A value that does not fit its key; load_profile adds the file and the key."""


def _check_string(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise _KeyError(f"expected {_expected(key)}, got {toml_type(value)}")
    if not value.strip():
        raise _KeyError(f"expected {_expected(key)}, got an empty string")
    if key in PATTERN_KEYS:
        try:
            compiled = regex.compile(value)
        except regex.error as exc:
            raise _KeyError(f"expected a regular expression, got {value!r}: {exc}") from None
        if compiled.fullmatch("") is not None:
            raise _KeyError(
                f"expected a regular expression that needs some text, got {value!r} "
                "(it matches empty text)"
            )
    return value


def _check_list(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _KeyError(f"expected a list of strings, got {toml_type(value)}")
    if not value:
        raise _KeyError("expected a list of strings, got an empty list")
    items: list[str] = []
    for position, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise _KeyError(f"expected a list of strings, got {toml_type(item)} as item {position}")
        if not item.strip():
            raise _KeyError(f"expected a list of strings, got an empty string as item {position}")
        if key in LABEL_KEYS and item.rstrip().endswith((":", "：")):
            raise _KeyError(
                f"expected labels without their colon, got {item!r} as item {position} "
                "(the colon is matched on its own)"
            )
        items.append(item)
    twice = [item for item in dict.fromkeys(items) if items.count(item) > 1]
    if twice:
        raise _KeyError(f"expected a list of distinct strings, got {twice[0]!r} twice")
    return tuple(items)


def _check_int(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _KeyError(f"expected {_expected(key)}, got {toml_type(value)}")
    if not 1 <= value <= MAX_TITLE_LINES:
        raise _KeyError(f"expected {_expected(key)}, got {value}")
    return value


def _check_value(key: str, value: object) -> object:
    kind = FIELD_TYPES[key]
    if kind is str:
        return _check_string(key, value)
    if kind is int:
        return _check_int(key, value)
    if typing.get_origin(kind) is tuple:
        return _check_list(key, value)
    raise NotImplementedError(f"profile files cannot set {key} ({kind})")


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; the keys are {', '.join(KEYS)}"


def profile_from_mapping(data: Mapping[str, object], *, source: str) -> Profile:
    """Given the keys of a profile file (as TOML gives them), return the profile.

    Starts from the default profile; ``source`` names the file in error messages.
    """
    changes: dict[str, object] = {}
    for key, value in data.items():
        if key not in FIELD_TYPES:
            raise UsageError(_unknown_key(key), path=source)
        try:
            changes[key] = _check_value(key, value)
        except _KeyError as exc:
            raise UsageError(f"{key}: {exc}", path=source) from None
    if "name" not in changes:
        # A file that does not name itself is not the default profile either: the output
        # records the file's stem.
        changes["name"] = Path(source).stem or DEFAULT_PROFILE.name
    return dataclasses.replace(DEFAULT_PROFILE, **changes)  # type: ignore[arg-type]


def _decode(raw: bytes, source: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"not UTF-8 text (byte {exc.start}); save the profile file as UTF-8", path=source
        ) from None
    return text.removeprefix("\ufeff")  # a byte-order mark some editors write


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Given a profile file (TOML), return the default profile with the file's keys applied.

    Raises UsageError (one line: the file, the key, what it expects) for an unreadable
    file, invalid TOML, an unknown key, a wrong type, an empty list or a bad regex.
    """
    source = os.fspath(path)
    file_path = Path(source)
    if file_path.is_dir():
        raise UsageError("cannot read the profile file: it is a folder", path=source)
    try:
        raw = file_path.read_bytes()
    except FileNotFoundError:
        raise UsageError("cannot read the profile file: no such file", path=source) from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise UsageError(f"cannot read the profile file: {reason}", path=source) from None
    try:
        data = tomllib.loads(_decode(raw, source))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "cannot read it"
        raise UsageError(f"invalid TOML: {message}", path=source) from None
    return profile_from_mapping(data, source=source)


def profile_path(
    path: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """Given a ``--profile`` option (None if not given), return the profile file in use:
    the option's, else the one ``REPORTPARSE_PROFILE`` names, else None (the default)."""
    if path is not None and os.fspath(path) != "":
        return os.fspath(path)
    env = os.environ if environ is None else environ
    return env.get(ENV_VAR, "").strip() or None


def profile_from_env(environ: Mapping[str, str] | None = None) -> Profile:
    """Given the environment (os.environ by default), return the profile that
    ``REPORTPARSE_PROFILE=FILE`` names, or the default profile when it is unset or empty."""
    path = profile_path(None, environ)
    if path is None:
        return DEFAULT_PROFILE
    try:
        return load_profile(path)
    except UsageError as exc:
        raise UsageError(f"{exc.message} (the file {ENV_VAR} names)", path=exc.path) from None


def resolve_profile(
    path: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Profile:
    """Given a ``--profile`` option (None if not given), return the profile to use: the
    option's file, else the file ``REPORTPARSE_PROFILE`` names, else the default."""
    given = profile_path(path, {})
    return load_profile(given) if given is not None else profile_from_env(environ)


# --------------------------------------------------------------------------- writing TOML

_BASIC_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_BASIC_ESCAPES.update({"\f": "\\f", "\r": "\\r"})


def _is_control(char: str) -> bool:
    return char < " " or char == "\x7f"


def toml_string(text: str) -> str:
    """Given a string, return it as a TOML string: a literal string ('...') when it holds
    backslashes and can be one (regular expressions stay readable), else a basic one."""
    if "\\" in text and "'" not in text and not any(_is_control(c) for c in text):
        return f"'{text}'"
    out = []
    for char in text:
        if char in _BASIC_ESCAPES:
            out.append(_BASIC_ESCAPES[char])
        elif _is_control(char):
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):  # not a Profile type; kept for completeness
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    items = [toml_string(str(item)) for item in typing.cast("tuple[object, ...]", value)]
    one_line = "[" + ", ".join(items) + "]"
    if len(one_line) <= 76:
        return one_line
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"


def profile_toml(profile: Profile = DEFAULT_PROFILE) -> str:
    """Given a profile, return it as a commented TOML profile file.

    The text is a template to copy and edit; :func:`load_profile` reads it back to the
    same profile.
    """
    lines = [
        "# reportparse profile: what one newsletter calls things.",
        "# Use it with --profile FILE.toml, or set REPORTPARSE_PROFILE=FILE.toml.",
        "# Keys left out keep the defaults; labels are written without their colon",
        "# (both '：' and ':' are matched after them).",
    ]
    for key in KEYS:
        lines.append("")
        lines += [f"# {row}" if row else "#" for row in KEY_HELP.get(key, "").splitlines()]
        lines.append(f"{key} = {_toml_value(getattr(profile, key))}")
    return "\n".join(lines) + "\n"


__all__ = [
    "ENV_VAR",
    "load_profile",
    "profile_from_env",
    "profile_from_mapping",
    "profile_toml",
    "resolve_profile",
    "toml_string",
]
