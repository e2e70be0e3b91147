# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Longest-prefix match on E.164 numbers, in memory.

A digit trie of nested dicts: one lookup walks the number's digits once, so it
costs O(number length) dict look-ups whatever the table size (thousands of
prefixes), and never touches the database. The table is built once per tariff
version and reused for every record.
"""

_VALUE = ""  # key of a node's value: never a digit
_MISSING = object()


def prefix_digits(prefix):
    """The digits of a prefix written ``+3247``, ``003247`` or ``3247``."""
    text = str(prefix).strip().replace(" ", "")
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    if not text or not text.isdigit() or not text.isascii() or text[0] == "0":
        raise ValueError(
            f"a prefix is a country code and more digits after an optional '+', not {prefix!r}"
        )
    return text


class PrefixTable:
    """Map prefixes to values; :meth:`lookup` returns the longest match.

    The answer for a number only depends on its first ``depth`` digits (the length
    of the longest prefix), so answers are also memoised by those digits: numbers
    to the same destinations (most of the traffic) cost one dict look-up.
    """

    __slots__ = ("_depth", "_memo", "_root", "_size")

    def __init__(self, items=()):
        self._root = {}
        self._size = 0
        self._depth = 0
        self._memo = {}
        for prefix, value in items:
            self.add(prefix, value)

    def __len__(self):
        return self._size

    def add(self, prefix, value):
        """Add (or replace) ``prefix``; a later add of the same prefix wins."""
        node = self._root
        digits = prefix_digits(prefix)
        for digit in digits:
            node = node.setdefault(digit, {})
        if _VALUE not in node:
            self._size += 1
        node[_VALUE] = value
        self._depth = max(self._depth, len(digits))
        self._memo = {}

    def lookup(self, number):
        """Value of the longest prefix of ``number`` (``+`` and digits), or None."""
        key = number[: self._depth + 1]
        memo = self._memo
        value = memo.get(key, _MISSING)
        if value is _MISSING:
            if len(memo) > 1_000_000:
                memo.clear()
            value = memo[key] = self._walk(key)
        return value

    def _walk(self, number):
        node = self._root
        found = node.get(_VALUE)
        for digit in number[1:] if number[:1] == "+" else number:
            node = node.get(digit)
            if node is None:
                break
            value = node.get(_VALUE)
            if value is not None:
                found = value
        return found

    def lookup_prefix(self, number):
        """``(prefix, value)`` of the longest match, or ``(None, None)`` (for explanations)."""
        node = self._root
        digits = number[1:] if number[:1] == "+" else number
        best = (None, None)
        for index, digit in enumerate(digits):
            node = node.get(digit)
            if node is None:
                break
            if _VALUE in node:
                best = ("+" + digits[: index + 1], node[_VALUE])
        return best
