"""Text as people search it: Vietnamese names without regard to case or diacritics."""
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """"Đặng Kim Cường" → "dang kim cuong": diacritics removed (đ/Đ → d), case-folded, spaces collapsed.
    Stored beside names (Party.name_folded) and applied to queries, so a search matches on SQLite and
    PostgreSQL alike without database extensions."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())
