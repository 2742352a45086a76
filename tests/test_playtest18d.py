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


SHIP = """\
story:
  id: ship
  title: Ship
  start: deck
things:
  kira:
    name: Kira
    article: none
    pronoun: her
    location: deck
    description: Kira, at your side.
    talk: Kira nods. "Go on."
    treat: You seal the cut over Kira's eye.
  port:
    name: port
    adjectives: [round]
    location: deck
    description: A round port on the stars.
  bench:
    name: bench
    location: deck
scenes:
  deck:
    title: The Upper Deck
    text: A deck with a round port and a bench. Kira waits. A ladder goes down.
    actions:
      - id: dine
        label: Go in to dine with her
        text: You dine.
      - id: wait
        label: Wait for the tide
        text: You wait.
    exits:
      down: hold
  hold:
    title: The Hold
    text: A bare hold. A ladder goes up.
    exits:
      up: deck
"""


def test_climbing_and_going_back_are_going(tmp_path):
    s = session(tmp_path, SHIP)
    assert "A bare hold" in s.submit("climb down").text
    assert "A deck with a round port" in s.submit("climb up").text
    s.submit("d")
    assert "A deck with a round port" in s.submit("back to the upper deck").text
    s.submit("d")
    assert "A deck with a round port" in s.submit("go back to upper deck").text
    s.submit("d")
    assert "A deck with a round port" in s.submit("return to the upper deck").text
    assert s.submit("climb out").text.startswith("You can't go that way.")


def test_looking_through_something_examines_it(tmp_path):
    s = session(tmp_path, SHIP)
    for line in ("look through the port", "look out of the port", "peer through port",
                 "look out port"):
        assert s.submit(line).text == "A round port on the stars.", line


def test_the_verbs_a_playtester_typed_have_answers(tmp_path):
    s = session(tmp_path, SHIP)
    assert "hum" in s.submit("hum").text
    assert s.submit("follow kira").text == "You keep close to Kira."
    assert s.submit("where is kira").text == "Kira is right here."
    assert s.submit("inject kira").text == "You seal the cut over Kira's eye."
    assert s.submit("warn kira").text == 'Kira nods. "Go on."'
    assert s.submit("warn kira about the guards").text == 'Kira nods. "Go on."'
    assert s.submit("unscrew the bench").text == "You can't undo the bench with your bare hands."
    for line in ("follow the sky", "where is odo"):
        said = s.submit(line).text
        assert "can't see" in said and "Traceback" not in said, line


def test_a_verb_said_of_her_picks_the_one_choice_that_does_it(tmp_path):
    # she is not in view: the label says whom 'her' means
    s = session(tmp_path, SHIP.replace("    location: deck\n    description: Kira",
                                       "    location: hold\n    description: Kira"))
    assert s.submit("dine with her").text == "You dine."
    assert "dine" not in s.submit("wait with her").text.lower()


HANDS = """\
story:
  id: hands
  title: Hands
  start: bunks
things:
  hesper:
    name: Hesper
    article: none
    pronoun: her
    synonyms: [hands, burns]
    location: bunks
    description: Slag burned both her hands.
  mirror:
    name: hand mirror
    synonyms: [hand, hands, mirror]
    location: bunks
    portable: true
  box:
    name: box
    holds: in
    location: bunks
    description: A tin box.
  coin:
    name: coin
    location: box
    portable: true
  collar:
    name: collar
    location: bunks
    description: A grey band round the worker's throat.
scenes:
  bunks:
    title: The Bunks
    text: Hesper sits on a bunk. A hand mirror lies by her. A collar hangs on a hook.
    exits:
      out: floor
  floor:
    title: The Floor
    text: The floor.
"""


def test_her_hands_are_hers_and_help_shows_a_thing_to_take(tmp_path):
    s = session(tmp_path, HANDS)
    assert s.submit("x her hands").text == "Slag burned both her hands."
    assert "Which do you mean" in s.submit("x hands").text
    assert s.submit("remove his collar").text == "You can't take the collar off."
    help_text = s.submit("help").text
    assert "take hand mirror" in help_text and "Hesper" not in help_text
    assert "'x hand mirror. take it'" in help_text


def test_did_you_mean_offers_no_bare_go_for_an_unknown_verb(tmp_path):
    s = session(tmp_path, HANDS)
    for line in ("back floor", "frobnicate out", "unscrew bunks"):
        said = s.submit(line).text
        assert "'go " not in said, (line, said)
