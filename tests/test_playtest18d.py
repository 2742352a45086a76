"""The fourth blind playtest of issue 18: examine never takes a choice, and tell/ask
him/her with a short form of a conversation's choice picks it. Each story is written in
the test."""

from __future__ import annotations

from pathlib import Path

from adventure.engine.game import Game
from adventure.engine.session import Session
from adventure.story.loader import load_story

PROMENADE = """\
story:
  id: prom
  title: Promenade
  start: prom
  max_score: 10
things:
  worker:
    name: Terran worker
    synonyms: [worker]
    pronoun: him
    location: prom
    description: His hands are raw from the cart handles.
  intendant:
    name: Intendant
    synonyms: [intendant_aud_self]
    pronoun: her
    location: talk
scenes:
  prom:
    title: Promenade
    text: A Terran worker watches you.
    actions:
      - id: meet
        label: Meet the eyes of the Terran worker
        commands: [meet eyes, look at worker, meet his eyes]
        once: true
        do: [score += 5]
        text: You hold his gaze.
      - id: go
        label: Talk to the Intendant
        to: talk
  talk:
    title: Her Questions
    text: The Intendant waits.
    conversation: true
    actions:
      - id: truth
        label: Tell her the truth about your universe
        text: You tell her everything.
      - id: lie
        label: Spin her a pretty story
        text: You lie.
      - id: wasted
        commands: [tell intendant she is wasted]
        text: She laughs.
"""


def session(folder: Path, text: str) -> Session:
    root = folder / "story"
    root.mkdir()
    (root / "story.yaml").write_text(text, encoding="utf-8")
    return Session(Game(load_story(root)), seed=1)


def test_examine_describes_and_never_takes_a_choice(tmp_path):
    s = session(tmp_path, PROMENADE)
    for line in ("x worker", "look at worker", "examine the terran worker"):
        said = s.submit(line).text
        assert said == "His hands are raw from the cart handles.", line
    assert s.state.score == 0
    assert s.submit("meet his eyes").text == "You hold his gaze."
    assert s.state.score == 5


def test_tell_her_with_a_short_form_of_a_conversation_choice_picks_it(tmp_path):
    s = session(tmp_path, PROMENADE)
    s.submit("2")
    assert s.submit("tell her the truth").text == "You tell her everything."
    assert s.submit("tell her she is wasted").text == "She laughs."


PEOPLE_WORDS = frozenset({"man", "woman", "officer", "overseer", "technician", "musician",
                          "worker"})


def test_the_campaigns_people_are_people():
    """A thing the campaign names a man, a woman, an officer or a worker is someone: 'him'
    and 'her' reach it, and 'tell X ...' speaks to it (the glinn on the docking ring)."""
    from adventure.story.cache import load

    story = load(Path(__file__).resolve().parent.parent / "story")
    things = [t for t in story.things.values() if not t.id.startswith("scenery.")]
    people = [t for t in things
              if PEOPLE_WORDS.intersection(t.name)]
    assert people
    assert [t.id for t in people if not t.person and not t.plural] == []
