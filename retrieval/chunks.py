"""Splitting an article into the sentences that get their own dense vectors.

An article's dense score is the best of its sentence vectors and its whole-text vector, so a
question about one clause of a long article is not diluted by the rest of it.

Example::

    >>> split_sentences("会议每周召开一次。材料提前3天报送;特殊情况除外。")
    ['会议每周召开一次。', '材料提前3天报送;', '特殊情况除外。']
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^。;；!！?？\n]+[。;；!！?？]?")
_MIN_CHARS = 6  # fragments shorter than this (e.g. a bare "(一)") join the next sentence


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    carry = ""
    for match in _SENTENCE.finditer(text):
        piece = carry + match.group(0).strip()
        if len(piece) < _MIN_CHARS:
            carry = piece
            continue
        sentences.append(piece)
        carry = ""
    if carry:
        if sentences:
            sentences[-1] += carry
        else:
            sentences.append(carry)
    return sentences

