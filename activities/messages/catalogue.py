"""The per-locale gettext catalogues customer messages are written from.

Each language has one catalogue, `locales/<language>/LC_MESSAGES/messages.po`: the source
translators edit, committed as text. It is read with Babel and compiled in memory when first
used (no `.mo` file is kept), so what the repository holds is what customers read.

Messages are keyed (`ack.received`, `decline.window`), not English-keyed: the English text is
the `en` catalogue, a translation like the others. Placeholders are `str.format` fields
(`{deadline}`), the same in every language; plural entries are whole sentences with one form
per the language's plural rule (`msgstr[0]`, `msgstr[1]`, ...). An entry that is missing,
empty or marked fuzzy is a gap: looking it up raises `MissingTemplateError` rather than send a
half-translated message.
"""

from __future__ import annotations

import gettext
import string
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from schemas.intake import Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"

OPTIONAL_PLACEHOLDERS: dict[str, frozenset[str]] = {"greeting": frozenset({"name"})}
"""Placeholders a translation may leave out. Croatian and Latvian address a person in the
vocative, which we cannot form reliably from a name: their greeting is neutral."""


class MissingTemplateError(KeyError):
    """A message is missing for a language: a translation gap fails loudly, never sends junk."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else super().__str__()


def po_path(language: Language) -> Path:
    return LOCALES / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> frozenset[str]:
    """The `str.format` fields a text uses, e.g. {"deadline"}."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(text) if field)


class Catalogue:
    """One language's messages, looked up strictly and filled with `str.format`."""

    def __init__(self, language: Language, catalog: Catalog) -> None:
        self.language = language
        self.catalog = catalog
        compiled = BytesIO()
        write_mo(compiled, catalog)  # fuzzy entries are left out, as gettext does
        compiled.seek(0)
        self._translations = gettext.GNUTranslations(compiled)

    def entries(self) -> dict[str, Message]:
        """Every entry by key (the header left out)."""
        return {_key(m): m for m in self.catalog if m.id}

    def has(self, key: str) -> bool:
        return self._usable(key) is not None

    def text(self, key: str, /, **fields: object) -> str:
        message = self._require(key)
        if message.pluralizable:
            raise MissingTemplateError(f"{key!r} is a plural entry: give a count")
        return self._translations.gettext(key).format(**fields)

    def plural(self, key: str, count: int, /, **fields: object) -> str:
        """The form of a plural entry for `count` (also passed to it as `days`)."""
        message = self._require(key)
        if not message.pluralizable:
            raise MissingTemplateError(f"{key!r} has no plural forms")
        form = self._translations.ngettext(key, f"{key}.plural", count)
        return form.format(**({"days": count} | fields))

    def _usable(self, key: str) -> Message | None:
        message = self.catalog.get(key)
        if message is None or message.fuzzy:
            return None
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return message if forms and all(forms) else None

    def _require(self, key: str) -> Message:
        message = self._usable(key)
        if message is None:
            raise MissingTemplateError(
                f"no {key!r} message for language {self.language.value!r} "
                f"(missing, empty or fuzzy in {po_path(self.language).relative_to(LOCALES)})"
            )
        return message


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def read(path: Path, language: Language) -> Catalogue:
    with path.open("rb") as source:
        return Catalogue(language, read_po(source, locale=language.value, domain=DOMAIN))


@cache
def catalogue(language: Language) -> Catalogue:
    """The language's catalogue, read and compiled once per process."""
    language = Language(language)
    path = po_path(language)
    if not path.exists():
        raise MissingTemplateError(f"no catalogue for language {language.value!r} ({path})")
    return read(path, language)
