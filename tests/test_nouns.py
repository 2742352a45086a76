"""check's rule for the nouns a text names (author/nouns.py): nouns, not the adjectives
before them, the verbs after them, what people say or what a thing is compared to."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adventure.author.nouns import nouns_named


@pytest.mark.parametrize(("text", "nouns"), [
    ("two seats before a sloping console", {"seats", "console"}),
    ("The deck bucks. Your shoulder meets the console.", {"deck", "console"}),
    ("the guards find the rifle", {"guards", "rifle"}),
    ("the runabout's hatch opened", {"runabout", "hatch"}),
    ("the far end of the hall", {"hall"}),
    ("a woman who spent her youth fighting", {"woman"}),
    ('"The Federation! I have a gift," she says by the couch.', {"couch"}),
    ("he holds it like a dog's lead, and the chain swings", {"chain"}),
    ("the Alliance and the Rio Grande", set()),
    ("for a moment, the time and the truth", set()),
    ("the ${companion} and the ${if x}lamp${end}", {"lamp"}),
])
def test_the_nouns_a_text_names(text, nouns):
    assert nouns_named(text) == nouns


@given(st.text(max_size=300))
def test_any_text_gives_lower_case_words_that_it_contains(text):
    for noun in nouns_named(text):
        assert noun == noun.lower() and noun in text.lower().replace("\u2019", "'")


def test_the_campaign_names_no_noun_that_nothing_answers():
    """Every noun the campaign's scenes name has scenery, a thing or a person to answer
    it (the rule above, over the story as it is: no list of nouns written here)."""
    from conftest import STORY

    from adventure.author.nouns import unanswered
    from adventure.story.loader import load_story

    assert unanswered(load_story(STORY)) == {}


def test_shared_scenery_serves_a_noun_named_as_someones(tmp_path):
    from adventure.engine.session import Game, Session
    from adventure.story.loader import load_story

    (tmp_path / "story.yaml").write_text(
        "story: {id: s, title: S, start: deck}\n"
        "scenery:\n  co-pilot: The co-pilot's seat, empty.\n"
        "scenes:\n  deck:\n    title: Deck\n    text: The co-pilot's seat is empty.\n")
    s = Session(Game(load_story(tmp_path)), seed=1)
    assert "The co-pilot's seat, empty." in s.submit("x co-pilot").text

