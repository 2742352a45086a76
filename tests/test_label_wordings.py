"""Choices in the player's own words (issue 18, blind playtest): verbs of one family, 'use X
on Y' and 'unlock Y with X', the player's voice for the label's, a for/to tail, leaving,
and a clause said during a conversation pick the listed choice they mean."""

from __future__ import annotations

import textwrap

import pytest
from conftest import STORY
from hypothesis import given
from hypothesis import strategies as st

from adventure.engine import labels
from adventure.engine.session import Game, Session
from adventure.story.loader import load_story
from adventure.story.model import Template
from adventure.story.vocab import synonym_index

ROOM = textwrap.dedent("""\
    story:
      id: wordings
      title: Wordings
      start: hall
    things:
      rod:
        name: access rod
        synonyms: [rod, key]
        portable: true
        location: player
        description: A slim gilded rod.
      mirror:
        name: hand mirror
        synonyms: [mirror]
        portable: true
        location: player
        description: A hand mirror.
    scenes:
      hall:
        title: Hall
        text: A sealed door with a slot. A lockout panel. Sisko waits. The Intendant bathes.
        things:
          door:
            name: door
            synonyms: [slot]
            description: A plain door with a slot beside it.
          lockout:
            name: master lockout
            synonyms: [lockout, panel]
            description: The grid's master lockout.
          sisko:
            name: Sisko
            article: none
            pronoun: him
            description: Sisko, arms folded.
          intendant:
            name: Intendant
            article: the
            pronoun: her
            description: The Intendant, in her bath.
        actions:
          - id: slide
            label: Slide the access rod into the master lockout
            text: The lockout chimes.
          - id: hand
            label: Hand Sisko the access rod
            text: Sisko turns the rod over in his fingers.
          - id: mirror
            label: Hold the hand mirror up for her
            text: She looks at herself a long time.
          - id: talk
            label: Talk to Sisko
            call: chat
        exits:
          study:
            to: study
            label: Open the study with the access rod
          out:
            to: study
            label: Leave her to her bath
      chat:
        title: Behind the Sacking
        conversation: true
        text: Sisko waits for you to say something.
        actions:
          - id: truth
            label: Tell him where you really come from
            text: You tell him about the other side.
          - id: wants
            label: Ask him what he wants
            text: '"Nothing you have," he says.'
          - id: bye
            label: Leave him to his lamp
            return: true
            text: You leave him.
      study:
        title: Study
        text: The study.
        ending: {kind: victory}
    """)


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    root = tmp_path_factory.mktemp("wordings")
    (root / "story.yaml").write_text(ROOM)
    return Game(load_story(root))


def said(game: Game, line: str, first: str = "") -> tuple[str, str]:
    s = Session(game, seed=1)
    if first:
        s.submit(first)
    r = s.submit(line)
    return r.text, s.state.scene


@pytest.mark.parametrize("line", ["put rod in lockout", "insert the key into the lockout",
                                  "set the access rod in the master lockout",
                                  "use rod on lockout", "use the access rod on the panel"])
def test_a_verb_of_the_family_or_use_x_on_y_picks_the_label(game, line):
    assert said(game, line)[0] == "The lockout chimes.", line


@pytest.mark.parametrize("line", ["put rod in slot", "unlock door with rod",
                                  "use rod on door", "use the key on the slot"])
def test_using_the_instrument_on_what_a_label_opens_with_it(game, line):
    assert said(game, line)[1] == "study", line


@pytest.mark.parametrize("line", ["give rod to sisko", "offer sisko the rod",
                                  "hand the access rod to him"])
def test_give_hand_offer_are_one_verb(game, line):
    assert "turns the rod over" in said(game, line)[0], line


@pytest.mark.parametrize("line", ["hold it up for her", "hold mirror up for the intendant",
                                  "hold the mirror up for her"])
def test_a_for_her_tail_and_a_stand_in_pronoun(game, line):
    assert said(game, line)[0] == "She looks at herself a long time.", line


@pytest.mark.parametrize("line", ["leave", "leave her", "go away", "walk away"])
def test_leaving_picks_the_one_way_out_listed(game, line):
    assert said(game, line)[1] == "study", line


@pytest.mark.parametrize("line", ["tell him where i come from",
                                  "tell sisko where you come from", "tell him who he is",
                                  "say where i really come from"])
def test_a_clause_said_in_a_conversation_picks_its_label(game, line):
    out = said(game, line, first="talk to sisko")[0]
    assert out == "You tell him about the other side.", line


def test_what_fits_no_label_is_still_not_a_choice(game):
    for line in ("put mirror in door", "give mirror to sisko", "leave rod"):
        out, scene = said(game, line)
        assert scene == "hall" and "chimes" not in out and "turns the rod" not in out, line
    out = said(game, "ask him why he is here", first="talk to sisko")[0]
    assert "Nothing you have" in out  # the one 'ask' label with a clause


# --- derived from the campaign: every label of the form VERB X into/in/on Y ----------

def _campaign_labels() -> list[tuple[str, list[str]]]:
    story = load_story(STORY)
    out = []
    for sid, scene in story.scenes.items():
        texts = [x.label.source for x in (*scene.actions, *scene.exits)
                 if isinstance(x.label, Template) and x.label.static]
        if texts:
            out.append((sid, texts))
    return out


CAMPAIGN = _campaign_labels()
SYN = synonym_index(load_story(STORY).synonyms)
PUTS = {"put", "set", "slide", "insert", "place", "fit", "slip"}


def _fits(line: str, texts: list[str]) -> list[int]:
    ws = [labels.label_words(t, SYN) for t in texts]
    return labels.fits(labels.label_words(line, SYN), ws, lambda w: frozenset())


def test_put_and_use_pick_every_campaign_label_that_puts_something_in_something():
    tried = 0
    for sid, texts in CAMPAIGN:
        for i, text in enumerate(texts):
            lw = labels.label_words(text, SYN)
            at = next((j for j, w in enumerate(lw) if w in ("into", "in", "on", "onto")), 0)
            if not (lw and lw[0] in PUTS and 1 < at < len(lw) - 1) or "and" in lw \
                    or lw[at - 1] in labels.PEOPLE:
                continue  # not one thing put into another: 'slip past him and ...'
            thing, other = lw[at - 1], lw[-1]
            for line in (f"put {thing} in {other}", f"use {thing} on {other}"):
                tried += 1
                hits = _fits(line, texts)
                assert i in hits, (sid, text, line, hits)
                # any other label it fits equally names both too: then the game asks
                assert all({thing, other} <= set(labels.label_words(texts[j], SYN))
                           for j in hits), (sid, line, hits)
    assert tried


def test_the_family_head_picks_every_campaign_label_its_verb_begins():
    for sid, texts in CAMPAIGN:
        for i, text in enumerate(texts):
            lw = labels.label_words(text, SYN)
            head = labels.FAMILY.get(lw[0]) if lw else None
            if head is None or head == lw[0] or len(lw) < 2:
                continue
            line = " ".join((head, *lw[1:]))
            assert i in _fits(line, texts), (sid, text, line)


def test_leave_picks_the_one_leaving_label_of_a_scene():
    tried = 0
    for sid, texts in CAMPAIGN:
        leaving = [i for i, t in enumerate(texts)
                   if labels._leaving(labels.label_words(t, SYN))]
        if len(leaving) == 1:
            tried += 1
            assert _fits("leave", texts) == leaving, (sid, texts)
    assert tried


@given(st.sampled_from([t for _, texts in CAMPAIGN for t in texts]),
       st.sampled_from(["i", "me", "him", "it", "her"]))
def test_a_stand_in_word_never_makes_a_fitting_command_fit_worse(text, standin):
    # the player's voice for the label's: a pronoun added after the verb keeps the fit
    lw = labels.label_words(text, SYN)
    if len(lw) < 2 or lw[0] in labels.SPEECH or lw[1] in labels.LINKS:
        return  # (not between a verb and its particle: 'back away')
    before = _fits(" ".join(lw), [text])
    after = _fits(" ".join((lw[0], standin, *lw[1:])), [text])
    assert not before or after == before
