"""The parser's 'Did you mean' matcher (engine.closematch) returns what
difflib.get_close_matches returns: the same matches, in the same order."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.engine.closematch import close_matches
from adventure.engine.parser import VERB_TABLE

PHRASES = [" ".join(seq) for seq, _ in VERB_TABLE]
texts = st.text("abcdeilnorst '-", max_size=24)
pools = st.lists(st.one_of(texts, st.sampled_from(PHRASES)), max_size=60)


@settings(max_examples=400, deadline=None)
@given(word=st.one_of(texts, st.sampled_from(PHRASES)), pool=pools,
       n=st.integers(1, 4), cutoff=st.sampled_from([0.0, 0.5, 0.6, 0.75, 1.0]))
def test_the_same_as_difflib(word, pool, n, cutoff):
    assert close_matches(word, pool, n, cutoff) == difflib.get_close_matches(
        word, pool, n, cutoff)


def test_the_verbs_against_slips_of_themselves():
    for phrase in PHRASES:
        for slip in (phrase[1:], phrase[:-1] + "x", phrase + "s", phrase[::-1]):
            assert close_matches(slip, PHRASES) == difflib.get_close_matches(slip, PHRASES)


def test_bad_arguments_as_difflib():
    with pytest.raises(ValueError):
        close_matches("a", ["a"], n=0)
    with pytest.raises(ValueError):
        close_matches("a", ["a"], cutoff=1.5)
