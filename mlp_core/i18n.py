"""Messages in the reader's language: gettext catalogs, and no Streamlit (the core's texts too).

English is the source language: a message is its English text, written where it is used, with
named placeholders for values, and translated at run time into the language of the current
context (ui/language.py sets it at the top of every script run; a thread starts in English):

    from mlp_core.i18n import _, N_, ngettext
    _("Trained {epochs:,} epochs in {seconds} s.", epochs=10_001, seconds="0.42")
    ngettext("{n} run ahead", "{n} runs ahead", n, n=n)
    LABEL = N_("Learning rate")   # marked for the catalog where it is defined; _(LABEL) where shown

The catalogs are ordinary gettext `.po` files, one folder per language
(`locale/<lang>/LC_MESSAGES/*.po`, one file per part of the app so that parts can be translated
apart), edited with any PO editor and compiled here in memory into Python's own
`gettext.GNUTranslations` (plural rules from each file's `Plural-Forms` header). A message missing
from a catalog reads in English (and fails `tests/test_i18n.py`). `python -m mlp_core.i18n` lists
every message the source marks, with the file that marks it, and the messages each catalog lacks.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
import struct
import sys
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = {"ko": "한국어", "en": "English"}  # the language switch shows them in this order
SOURCE_LANGUAGE = "en"

_language: ContextVar[str] = ContextVar("mlp_lab_language", default=SOURCE_LANGUAGE)


def use(language: str) -> None:
    """Make `language` the current one for this thread's context (unknown codes mean English)."""
    _language.set(language if language in LANGUAGES else SOURCE_LANGUAGE)


def current() -> str:
    return _language.get()


def _(message: str, /, **values) -> str:
    """`message` in the current language, its {placeholders} filled from `values`."""
    text = translations(current()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values) -> str:
    """The singular or plural `message` for count `n` in the current language, filled from `values`."""
    text = translations(current()).ngettext(singular, plural, n)
    return text.format(**values) if values else text


def spoken_now(function):
    """`function` speaking the language current now, wherever it is called later: for a widget's
    `format_func`, which Streamlit (and AppTest) may call outside this script run's context."""
    language = current()

    def call(*args, **kwargs):
        token = _language.set(language)
        try:
            return function(*args, **kwargs)
        finally:
            _language.reset(token)

    return call


def N_(message: str) -> str:
    """Mark a message for the catalogs where it is defined; translate it with `_()` where it is shown."""
    return message


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the messages themselves)."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    catalog = read_catalog(language)
    if not catalog:
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(_mo_bytes(catalog)))


# --- .po files ----------------------------------------------------------------------------------

def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALE / language / "LC_MESSAGES").glob("*.po"))


def read_catalog(language: str) -> dict[str | tuple[str, str], str | list[str]]:
    """Every entry of a language's .po files: msgid (or (msgid, msgid_plural)) -> msgstr (or the
    plural forms); the header entry "" holds the metadata. Untranslated and fuzzy entries are left
    out, so they read in English."""
    entries: dict = {}
    for path in catalog_files(language):
        for entry in parse_po(path.read_text(encoding="utf-8")):
            if "fuzzy" in entry["flags"]:
                continue
            if "msgid_plural" in entry:
                forms = [entry[key] for key in sorted(k for k in entry if k.startswith("msgstr["))]
                if all(forms):
                    entries[(entry["msgid"], entry["msgid_plural"])] = forms
            elif entry["msgid"] == "":  # the header: the first file's (charset, Plural-Forms)
                entries.setdefault("", entry.get("msgstr", ""))
            elif entry.get("msgstr"):
                entries[entry["msgid"]] = entry["msgstr"]
    if len(entries) > ("" in entries) and "charset=" not in entries.get("", ""):
        entries[""] = "Content-Type: text/plain; charset=UTF-8\n" + entries.get("", "")
    return entries


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file: msgctxt-free gettext, multi-line strings, #, flags."""
    entries, entry, key = [], None, None

    def finish() -> None:
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#") and not line.startswith("#,"):
            continue
        if line.startswith("#,"):
            finish()
            entry, key = {"flags": {flag.strip() for flag in line[2:].split(",")}}, None
            continue
        match = re.match(r'(msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(".*")$', line)
        if match:
            if match.group(1) == "msgid" and (entry is None or "msgid" in entry):
                finish()
                entry = {"flags": set()}
            key = match.group(1)
            entry[key] = _unquote(match.group(2), number)
        elif line.startswith('"') and entry is not None and key is not None:
            entry[key] += _unquote(line, number)
        else:
            raise ValueError(f"line {number} of a .po file is not gettext: {line[:60]!r}")
    finish()
    return entries


def _unquote(quoted: str, number: int) -> str:
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError) as error:
        raise ValueError(f"line {number} of a .po file has a bad string: {quoted[:60]!r}") from error
    if not isinstance(value, str):
        raise ValueError(f"line {number} of a .po file has a bad string: {quoted[:60]!r}")
    return value


def _mo_bytes(catalog: dict) -> bytes:
    """A GNU .mo file of these entries (the format msgfmt writes), for `gettext.GNUTranslations`."""
    pairs = []
    for key, value in catalog.items():
        if isinstance(key, tuple):
            pairs.append(("\0".join(key).encode(), "\0".join(value).encode()))
        else:
            pairs.append((key.encode(), value.encode()))
    pairs.sort()
    ids = b"".join(k + b"\0" for k, _ in pairs)
    strs = b"".join(v + b"\0" for _, v in pairs)
    header = 7 * 4
    key_table, value_table = header, header + len(pairs) * 8
    ids_start = value_table + len(pairs) * 8
    strs_start = ids_start + len(ids)
    offsets, position_k, position_v = [], 0, 0
    for k, v in pairs:
        offsets.append((len(k), ids_start + position_k, len(v), strs_start + position_v))
        position_k += len(k) + 1
        position_v += len(v) + 1
    output = struct.pack("Iiiiiii", 0x950412DE, 0, len(pairs), key_table, value_table, 0, 0)
    output += b"".join(struct.pack("ii", length, start) for length, start, _, _ in offsets)
    output += b"".join(struct.pack("ii", length, start) for _, _, length, start in offsets)
    return output + ids + strs


# --- what the source marks --------------------------------------------------------------------

SOURCES = ("streamlit_app.py", "pages", "lessons", "ui", "mlp_core")


def marked_messages(root: Path = ROOT) -> dict[str | tuple[str, str], list[str]]:
    """Every literal message passed to _(), N_() or ngettext() in the app's source -> where."""
    found: dict = {}
    paths = []
    for name in SOURCES:
        path = root / name
        paths += [path] if path.is_file() else sorted(path.rglob("*.py"))
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = node.args
            if node.func.id in ("_", "N_") and args and _literal(args[0]):
                key = args[0].value
            elif node.func.id == "ngettext" and len(args) >= 2 and _literal(args[0]) and _literal(args[1]):
                key = (args[0].value, args[1].value)
            else:
                continue
            found.setdefault(key, []).append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def placeholders(message: str) -> set[str]:
    """The names of a message's {placeholders} (format specs aside)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(message) if name}


def main() -> None:
    marked = marked_messages()
    print(f"{len(marked)} messages marked in the source")
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        catalog = read_catalog(language)
        missing = [key for key in marked if key not in catalog]
        print(f"{language}: {len(catalog) - ('' in catalog)} translated, {len(missing)} missing")
        for key in missing:
            print(f"  {marked[key][0]}: {key!r}")


if __name__ == "__main__":
    sys.exit(main())
