"""`check` warns where two quotations meet in what the player reads, located at the
second one in the files (adventure/author/quotes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import game_of
from hypothesis import given
from hypothesis import strategies as st

from adventure.author.checks import random_play
from adventure.author.quotes import MEETING, QuoteWatch
from adventure.engine.game import Game
from adventure.story.cache import load

ROOT = Path(__file__).resolve().parent.parent

# Two quotations that meet only when the flag is set: each text alone is fine.
TALK = """\
story:
  id: talk
  title: Talk
  start: door
  state: {warned: false}
scenes:
  door:
    title: Door
    text: A door.
    actions:
      - id: warn
        label: Be warned
        commands: [be warned]
        do: [set warned]
        text: Somebody coughs.
        to: room
      - id: enter
        label: Go in
        commands: [go in]
        to: room
  room:
    title: Room
    text: >-
      "Sit," says the clerk.${if warned} "You were told once."${end}
      "Nobody waits here," she says. "Not long."
    actions:
      - id: leave
        label: Leave
        commands: [leave]
        to: end
  end:
    title: End
    text: ""
    ending: {kind: victory, title: Done}
"""



def test_quotations_that_meet_are_warned_of_where_the_second_is_written(tmp_path):
    game = game_of(tmp_path, TALK)
    report = random_play(game, games=20, seed=0)
    warned = [str(w) for w in report.quotes.warnings(game.story)]
    assert len(warned) == 1, warned
    # the clerk's words, set only when warned, run into hers on the next line
    lines = TALK.splitlines()
    line = next(i for i, t in enumerate(lines) if '"Nobody waits' in t)
    col = lines[line].index('"Nobody') + 2  # its first word
    assert warned[0].startswith(f"{tmp_path / 'story' / 'story.yaml'}:{line + 1}:{col}: warning:")
    assert "'room'" in warned[0] and '"You were told once." "Nobody waits here,"' in warned[0]
    # '..." she says. "Not long."': a beat between one speaker's words is not warned of


def test_a_story_whose_quotations_never_meet_gets_no_warning(tmp_path):
    game = game_of(tmp_path, TALK.replace('${if warned} "You were told once."${end}', ""))
    report = random_play(game, games=20, seed=0)
    assert report.quotes.warnings(game.story) == []


@given(st.text(alphabet='ab .,!?"\n', max_size=60))
def test_the_watch_takes_any_text_and_remembers_a_bounded_number(text):
    class R:  # a Result as the watch reads it
        paragraphs = [("text", text), ("system", '"a." "b."')]

        class state:
            scene = "s"

    watch = QuoteWatch()
    for _ in range(3):
        watch.seen(R)  # type: ignore[arg-type]
    meetings = len(MEETING.findall(text))
    assert sum(watch.found.values()) == 3 * meetings  # system lines are the game's own
    assert len(watch.found) <= meetings


@pytest.mark.parametrize("games", [150])
def test_the_campaign_has_no_quotations_that_meet(games):
    game = Game(load(ROOT / "story"))
    report = random_play(game, games=games, seed=0)
    assert not report.quotes.found, dict(report.quotes.shown)
