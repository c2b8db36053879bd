"""English words, to tell a misspelling from a word.

The list is pyspellchecker's English word-frequency table (about 160,000
words with how often each occurs in a large English corpus), read from the
installed package: a maintained list, plain data, no network.  Two
questions are asked of it:

* is this a word at all (:func:`is_word`), and
* is it a common one (:func:`frequency`): a third of the table sits at the
  table's floor count, words seen so rarely (``yest``, ``unpin``) that a
  misspelling of a common word is the likelier reading.
"""
from __future__ import annotations

import functools
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict

# The table's floor: the count pyspellchecker gives its rarest words.
RARE = 50


@functools.lru_cache(maxsize=1)
def _table() -> Dict[str, int]:
    from spellchecker import SpellChecker
    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def frequency(word: str) -> int:
    """How often ``word`` (any case) occurs in the corpus; 0 if never."""
    return _table().get(word.lower(), 0)


def is_word(word: str) -> bool:
    return frequency(word) > 0


def is_common(word: str) -> bool:
    return frequency(word) > RARE
