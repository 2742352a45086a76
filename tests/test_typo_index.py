"""Typo correction through its index (engine.typos) suggests what a search of the whole
vocabulary would: the index only narrows which known words are measured."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.engine import typos
from adventure.engine.typos import MAX_TYPOS, NEVER_TYPOS, correct, edit_distance


def walked(ws: tuple[str, ...], vocabulary: frozenset[str]) -> tuple[str, ...]:
    """correct() as it was before the index: every known word measured."""
    unknown = [w for w in ws if w not in vocabulary and w[:1] != "@" and not w.isdecimal()
               and w not in NEVER_TYPOS]
    out = []
    for w in ws:
        if w not in unknown or len(unknown) > MAX_TYPOS:
            out.append(w)
            continue
        limit = 1 if len(w) <= 5 else 2
        best: list[str] = []
        best_d = limit + 1
        for known in vocabulary:
            d = edit_distance(w, known, limit)
            if d < best_d:
                best, best_d = [known], d
            elif d == best_d and d <= limit:
                best.append(known)
        out.append(best[0] if len(best) == 1 and best_d <= limit else w)
    return tuple(out)


LETTERS = "abcdefghijklmnopqrstuvwxyz'-"


@st.composite
def slipped(draw, vocabulary: list[str]) -> str:
    """A known word with up to three slips (an extra, missing, changed or swapped letter),
    or now and then a string of letters."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(LETTERS, min_size=1, max_size=30))
    w = draw(st.sampled_from(vocabulary))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(w)))
        op = draw(st.integers(0, 3))
        c = draw(st.sampled_from(LETTERS))
        if op == 0:
            w = w[:i] + c + w[i:]
        elif op == 1:
            w = w[:i] + w[i + 1:]
        elif op == 2:
            w = w[:i] + c + w[i + 1:]
        elif i + 1 < len(w):
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w or "x"


def _scenes(game) -> list[str]:
    return list(game.story.scenes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_index_suggests_what_the_whole_vocabulary_would(campaign_game, data):
    sid = data.draw(st.sampled_from(_scenes(campaign_game)))
    vocabulary = campaign_game.vocabulary(sid)
    known = sorted(vocabulary)
    ws = tuple(data.draw(st.lists(slipped(known), min_size=1, max_size=4)))
    assert correct(ws, vocabulary) == walked(ws, vocabulary)


def test_scenes_share_one_index_and_a_vocabulary_of_its_own_gets_one(campaign_game):
    for sid in _scenes(campaign_game):
        correct(("zzzzq",), campaign_game.vocabulary(sid))
    shared = {id(typos._index(campaign_game.vocabulary(sid)).base)
              for sid in _scenes(campaign_game)}
    assert len(shared) == 1  # a story's scenes mostly know the same words
    # another vocabulary, mostly of other words: an index of its own, and the story's
    # words it lacks are never suggested
    other = frozenset(f"{w}zq" for w in campaign_game.vocabulary(_scenes(campaign_game)[0]))
    assert typos._index(other).base.words == other
    slips = tuple(w[:-1] for w in sorted(other)[:3])
    assert correct(slips, other) == walked(slips, other)
    few = frozenset({"alpha", "bravo"})  # a few words: searched one by one
    assert correct(("alpah", "brvo", "take"), few) == ("alpha", "bravo", "take")


def test_a_word_longer_than_any_known_is_not_searched():
    vocabulary = frozenset({"take", "lamp"})
    assert correct(("x" * 900,), vocabulary) == ("x" * 900,)
    assert correct(("lampp",), vocabulary) == ("lamp",)
