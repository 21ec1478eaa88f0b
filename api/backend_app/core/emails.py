"""One spelling per email address: what the UNIQUE constraint on `users.email` compares.

Without it, look-alikes made second accounts: `dup@example.com.`, a fullwidth `<U+FF44>up@example.com`
and `d<U+200B>up@example.com` each sat beside `dup@example.com`. So:

- NFKC first (fullwidth and other compatibility forms become their plain letters), then
  case-folded (Unicode's caseless match: `ß` is `ss`; ASCII is lower-cased as before);
- the domain in one form whether it came as Unicode or as `xn--` labels (IDNA, then back to
  Unicode, so the stored address reads as the user typed it);
- refused (`EmailError`, a 422 from the schemas) when it holds a control, format (zero-width,
  bidi), private-use, surrogate or unassigned character, another invisible or blank-looking one
  (Hangul fillers, variation selectors, the braille blank), whitespace, or ends in a dot (any of
  the dots IDNA reads as one: U+3002, U+FF0E, U+FF61, and U+FE12 through NFKC).

The stored form normalises to itself (`normalize_email` is idempotent, a property test checks it
over the whole code-point range): an address whose normal form would normalise to something else
is refused rather than stored, since the look-up normalises again.

Standard library only: `email-validator` and `idna` would add to every cold start. The migration
`0002_normalise_emails` and the SQLite start-up apply the same function to stored rows.
"""

from __future__ import annotations

import encodings.idna  # noqa: F401  (the codec `str.encode("idna")` would import on a request)
import unicodedata

# Categories never part of an address someone can read back: controls (NUL included), format
# characters (U+200B..U+200F, U+2060, U+FEFF, bidi overrides), surrogates, private use, unassigned,
# and separators (whitespace of any script).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# Invisible code points of other categories (Unicode's Default_Ignorable_Code_Point, less Cf), and
# symbols drawn as blank space: U+2800 braille pattern blank, U+1D159 musical null notehead.
_INVISIBLE = frozenset(
    {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164, 0xFFA0, 0x1D159}
)


class EmailError(ValueError):
    """Why an address is refused; the message never repeats the address."""


def _invisible(char: str) -> bool:
    point = ord(char)
    return (
        point in _INVISIBLE or 0xFE00 <= point <= 0xFE0F or 0xE0000 <= point <= 0xE0FFF  # variation selectors, tags
    )


def _check_characters(text: str) -> None:
    for char in text:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or _invisible(char):
            raise EmailError(f"must not contain control or invisible characters (found U+{ord(char):04X})")


def _domain(domain: str) -> str:
    try:
        # Python's IDNA codec (IDNA 2003 with nameprep) checks every label and gives the xn-- form;
        # decoding it back gives one Unicode spelling for both ways of writing the domain. It also
        # reads the ideographic full stops as dots, so the trailing dot is looked for afterwards.
        unicode = domain.encode("idna").decode("idna").casefold()
    except UnicodeError:
        raise EmailError("has a domain that is not a valid host name") from None
    if domain.endswith(".") or unicode.endswith("."):
        raise EmailError("must not end in a dot")
    return unicode


def _once(email: str) -> str:
    text = unicodedata.normalize("NFKC", email.strip())
    _check_characters(text)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise EmailError("must be an address such as name@example.com")
    domain = _domain(domain)
    _check_characters(domain)
    return f"{unicodedata.normalize('NFKC', local.casefold())}@{domain}"


def normalize_email(email: str) -> str:
    """The stored form of `email`; raises `EmailError` for an address that is refused."""
    address = _once(email)
    if _once(address) != address:  # casefold and NFKC do not always settle in one round
        raise EmailError("has no stable normal form")
    if len(address) > 254:
        raise EmailError("is longer than 254 characters once normalised")
    return address
