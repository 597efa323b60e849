"""The message catalogs (mlp_core/i18n.py): every message the source marks has a Korean translation
with the same placeholders, the catalogs agree with each other and hold nothing stale, and the
machinery reads them as gettext does."""

from __future__ import annotations

import gettext
import io

import pytest

from mlp_core import i18n

LANGUAGES = [language for language in i18n.LANGUAGES if language != i18n.SOURCE_LANGUAGE]


@pytest.fixture(scope="module")
def marked():
    return i18n.marked_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(language, marked):
    catalog = i18n.read_catalog(language)
    missing = {key: where[0] for key, where in marked.items() if key not in catalog}
    assert not missing, f"{len(missing)} messages without a {language} translation, e.g. " + \
        "; ".join(f"{where}: {key!r}" for key, where in list(missing.items())[:8])


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for key, value in i18n.read_catalog(language).items():
        if key == "":
            continue
        originals = key if isinstance(key, tuple) else (key,)
        translations = value if isinstance(value, list) else [value]
        expected = set().union(*(i18n.placeholders(text) for text in originals))
        for text in translations:
            if i18n.placeholders(text) != expected:
                wrong.append((key, text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_hold_nothing_stale_and_agree(language, marked):
    seen: dict = {}
    conflicts, stale = [], []
    for path in i18n.catalog_files(language):
        for entry in i18n.parse_po(path.read_text(encoding="utf-8")):
            key = (entry["msgid"], entry["msgid_plural"]) if "msgid_plural" in entry else entry["msgid"]
            if key == "":
                continue
            value = entry.get("msgstr", [entry[k] for k in sorted(entry) if k.startswith("msgstr[")])
            if key in seen and seen[key][1] != value:
                conflicts.append((key, seen[key][0], path.name))
            seen[key] = (path.name, value)
            if key not in marked:
                stale.append((path.name, key))
    assert not conflicts, conflicts[:5]
    assert not stale, f"{len(stale)} catalog entries no source marks any more: {stale[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_declares_its_charset_and_plural_forms(language):
    for path in i18n.catalog_files(language):
        header = next(entry for entry in i18n.parse_po(path.read_text(encoding="utf-8")) if entry["msgid"] == "")
        assert "charset=UTF-8" in header["msgstr"] and "Plural-Forms:" in header["msgstr"], path.name


def test_messages_are_translated_in_the_current_context_only():
    i18n.use("ko")
    try:
        assert i18n.current() == "ko"
        i18n.use("xx")  # an unknown language reads in English
        assert i18n.current() == "en"
    finally:
        i18n.use("en")


def test_a_missing_translation_reads_in_english():
    i18n.use("ko")
    try:
        assert i18n._("A sentence no catalog holds, {n} times.", n=3) == "A sentence no catalog holds, 3 times."
        assert i18n.ngettext("{n} thing", "{n} things", 2, n=2) == "2 things"
    finally:
        i18n.use("en")


def test_po_files_compile_as_msgfmt_would():
    """The in-memory .mo is what Python's gettext reads: plurals, escapes, multi-line strings."""
    po = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#, fuzzy
msgid "Unsure"
msgstr "Nicht sicher"

msgid "Say \\"hi\\"\\n"
"twice"
msgstr "Sag \\"hallo\\"\\n"
"zweimal"

msgid "{n} run"
msgid_plural "{n} runs"
msgstr[0] "{n} Lauf"
msgstr[1] "{n} Läufe"
'''
    entries = i18n.parse_po(po)
    catalog = {}
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            continue
        if "msgid_plural" in entry:
            catalog[(entry["msgid"], entry["msgid_plural"])] = [entry["msgstr[0]"], entry["msgstr[1]"]]
        else:
            catalog[entry["msgid"]] = entry["msgstr"]
    translations = gettext.GNUTranslations(io.BytesIO(i18n._mo_bytes(catalog)))
    assert translations.gettext('Say "hi"\ntwice') == 'Sag "hallo"\nzweimal'
    assert translations.ngettext("{n} run", "{n} runs", 1) == "{n} Lauf"
    assert translations.ngettext("{n} run", "{n} runs", 5) == "{n} Läufe"
    assert translations.gettext("Unsure") == "Unsure"  # fuzzy: not used


def test_a_broken_po_line_is_named():
    with pytest.raises(ValueError, match="line 2"):
        i18n.parse_po('msgid "ok"\nmsgstr "unterminated\n')
