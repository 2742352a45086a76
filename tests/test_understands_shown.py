"""Issue 18, 'The game understands what it shows': what a blind playtest typed about the
things and people a scene shows. Undo names the command it took back, 'oops' mends the
unknown word (never the verb), a warning is said to the person and takes no story act
that merely accepts 'talk to X'. Each story is written in the test."""

from __future__ import annotations

from pathlib import Path

from adventure.engine.game import Game
from adventure.engine.session import Session
from adventure.story.loader import load_story

DECK = """\
story:
  id: deck
  title: Deck
  start: deck
  state:
    sent_down: false
    unlatched: false
things:
  julian:
    name: Julian
    article: none
    pronoun: him
    location: following
    whereabouts: ${if sent_down}Down in ore processing, in a work line.${end}
  garak:
    name: Garak
    article: none
    pronoun: him
    location: nowhere
scenes:
  deck:
    title: The Deck
    text: Odo stands by the wall, under a mirror. The viewscreen shows Worf.
    sounds: The comm crackling with Klingon.
    things:
      odo:
        name: Odo
        article: none
        pronoun: him
        description: Odo, arms folded.
        talk: Odo grunts. "Well?"
      mirror:
        name: mirror
        description: Your own face, wrong.
      locker:
        name: weapons locker
        synonyms: [locker]
        holds: in
        closed: not unlatched
      medkit:
        name: medkit
        holds: in
        closed: false
      padd:
        name: padd
        portable: true
      panel:
        name: comm panel
        synonyms: [panel]
        description: An open channel.
      worf:
        name: Worf
        article: none
        pronoun: him
        description: The Regent, bored on his throne.
        talk: Worf does not hear Terrans.
    actions:
      - id: impersonate
        label: Step into the light and speak to the Regent as her
        commands: [speak to worf]
        text: You speak as her.
      - id: send
        label: Let them take Julian
        do: [set sent_down, remove julian]
        text: The guards take Julian away.
      - id: unlatch
        commands: [open locker, unlatch locker]
        do: [set unlatched]
        text: You unlatch the locker.
      - id: polish
        label: Polish the mirror
        text: You polish the mirror.
"""


def session(folder: Path, text: str, seed: int = 1) -> Session:
    root = folder / "story"
    root.mkdir()
    (root / "story.yaml").write_text(text, encoding="utf-8")
    return Session(Game(load_story(root)), seed=seed)


def test_undo_names_the_command_whose_turn_it_took_back(tmp_path):
    s = session(tmp_path, DECK)
    s.submit("polish the mirror")
    s.submit("x zzzz")  # refused: changes nothing
    said = s.submit("undo").text
    assert said.startswith("Undone: 'polish the mirror'."), said
    assert s.state.turn == 0
    s.submit("polish the mirror")
    s.submit("look")  # takes no turn
    said = s.submit("undo").text
    assert said.startswith("Undone: 'polish the mirror'."), said


def test_oops_replaces_the_unknown_word_not_the_verb(tmp_path):
    s = session(tmp_path, DECK)
    s.submit("x zzzz")
    assert s.submit("oops mirror").text == "Your own face, wrong."


def test_a_warning_is_said_to_the_person_not_a_story_act(tmp_path):
    s = session(tmp_path, DECK)
    assert s.submit("warn worf").text == "Worf does not hear Terrans."
    assert s.submit("warn worf about the rebels").text == "Worf does not hear Terrans."
    assert s.submit("warn odo").text == 'Odo grunts. "Well?"'
    assert s.submit("speak to worf").text == "You speak as her."


def test_a_prepositional_tail_is_where_not_what(tmp_path):
    s = session(tmp_path, DECK)
    assert s.submit("follow odo into his back room").text == "You keep close to Odo."
    assert s.submit("follow odo to the bar").text == "You keep close to Odo."
    said = s.submit("talk into the panel").text
    assert "into" not in said and "comm panel" in said, said
    assert s.submit("x the mirror on the wall").text == "Your own face, wrong."
    assert "can't see any 'bucket'" in s.submit("x bucket by the wall").text


def test_where_is_someone_gone_says_where_the_story_knows(tmp_path):
    s = session(tmp_path, DECK)
    assert s.submit("where is julian").text == "Julian is right here."
    assert s.submit("where is quark").text.startswith("You can't see any 'quark'")
    s.submit("let them take julian")
    said = s.submit("where is julian")
    assert said.text == "Down in ore processing, in a work line.", said.text
    assert s.submit("where is worf").text == "Worf is right here."
    # someone the story has put nowhere, and says nothing of
    assert s.submit("where is garak").text == "You don't know where Garak is now."


def test_the_first_screens_example_commands_work_in_the_first_scene(campaign_game):
    from adventure.play.plain import HOW_TO_PLAY
    from adventure.play.repl import FIRST_SCREEN

    first = HOW_TO_PLAY.split("\n")[0]
    assert FIRST_SCREEN.split("\n")[0] == first
    examples = first.split("command: ")[1].rstrip(".").split(", ")
    s = Session(campaign_game, seed=1)
    scene = campaign_game.story.scenes[s.state.scene]
    thing = " ".join(next(t for t in campaign_game.story.things.values()
                          if t.location == scene.id).name)
    for example in examples:
        result = s.submit(example.replace("THING", thing))
        assert not any(style == "error" for style, _ in result.paragraphs), example
        assert "You can't" not in result.text, example


def test_nothing_goes_into_a_shut_container_and_an_open_one_is_open(tmp_path):
    s = session(tmp_path, DECK)
    s.submit("take padd")
    assert s.submit("put padd in locker").text == "The weapons locker is closed."
    assert s.submit("i").text == "You are carrying a padd."
    assert s.submit("open locker").text == "You unlatch the locker."
    assert s.submit("drop padd into the locker").text == \
        "You put the padd in the weapons locker."
    assert s.submit("open medkit").text == "The medkit is already open."


def test_tear_is_a_verb_not_a_typo_for_wear(tmp_path):
    s = session(tmp_path, DECK)
    assert s.submit("tear the mirror").text == "Tearing the mirror would do no good."
    assert s.submit("rip odo").text == "Odo would not thank you for that."
    s.submit("take padd")
    assert s.submit("tear up the padd").text == "You would rather keep the padd in one piece."
    assert "wear" not in s.submit("tear sleeve").text


SMOKE = """\
story:
  id: smoke
  title: Smoke
  start: cockpit
scenes:
  cockpit:
    title: Cockpit
    text: Smoke pours from the aft hatch.
    exits:
      aft: hold
  hold:
    title: The Hold
    text: Smoke, thick and oily. Anything you try in here, you try blind.
    scenery:
      smoke: Grey smoke.
    fallback:
      text: You stumble back the way you came.
      to: cockpit
"""


def test_look_never_falls_to_a_scenes_fallback(tmp_path):
    s = session(tmp_path, SMOKE)
    s.submit("aft")
    for line in ("look", "l"):
        said = s.submit(line).text
        assert "stumble" not in said and s.state.scene == "hold", line
    assert "Smoke, thick and oily" in s.submit("look").text
    assert "stumble" in s.submit("x smoke").text and s.state.scene == "cockpit"


HOPPER = """\
story:
  id: hopper
  title: Hopper
  start: hopper
things:
  kira:
    name: Kira
    article: none
    pronoun: her
    location: following
    talk: Kira shakes her head. "Later."
scenes:
  hopper:
    title: The Hopper
    text: Sisko waits in the dark. O'Brien works on a lock.
    things:
      sisko:
        name: Sisko
        article: none
        pronoun: him
      obrien:
        name: O'Brien
        article: none
        pronoun: him
    actions:
      - id: aside
        label: Draw Sisko aside
        commands: [talk to sisko]
        call: dark
  dark:
    title: Sisko, in the Dark
    conversation: true
    text: Sisko stands close.
    actions:
      - id: take
        label: Ask what it would take
        text: '"The grid," Sisko says.'
      - id: back
        label: Step back
        return: true
"""


def test_in_a_conversation_others_are_not_whom_you_talk_with(tmp_path):
    s = session(tmp_path, HOPPER)
    s.submit("talk to sisko")
    said = s.submit("talk to sisko").text
    assert said.startswith("You are already talking with Sisko."), said
    said = s.submit("talk to obrien").text
    assert "talking with Sisko" in said and "talking with O'Brien" not in said, said
    # asked of the companion, free-form: her own answer, not Sisko's choice
    assert s.submit("ask kira why she is quiet").text == 'Kira shakes her head. "Later."'
    assert s.submit("ask him what it would take").text == '"The grid," Sisko says.'
    # 'talk to X about Y' asks X about Y: her answer, not 'already talking'
    assert s.submit("talk to kira about the grid").text == 'Kira shakes her head. "Later."'


def test_asked_free_form_the_one_you_talk_with_answers_for_himself(tmp_path):
    s = session(tmp_path, HOPPER.replace("        pronoun: him\n      obrien:",
                                         "        pronoun: him\n        talk: Sisko waits."
                                         "\n      obrien:"))
    s.submit("talk to sisko")
    assert s.submit("tell sisko i am ready").text == "Sisko waits."


def test_listening_to_a_thing_the_sounds_name_hears_them(tmp_path):
    s = session(tmp_path, DECK)
    assert s.submit("listen to the comm panel").text == "The comm crackling with Klingon."
    assert s.submit("listen to the mirror").text == "You hear nothing unexpected from the mirror."


def test_a_real_verb_is_never_corrected_into_another(tmp_path):
    from adventure.engine.realverbs import REAL_VERBS
    from adventure.story.vocab import VERB_TABLE

    assert REAL_VERBS.isdisjoint(w for seq, _ in VERB_TABLE for w in seq)
    s = session(tmp_path, DECK)
    for line, other in (("pray", "pry"), ("shout", "shut"), ("sleep", "scale")):
        said = s.submit(line).text
        assert said.startswith(f"That isn't a command I know here: '{line}'."), said
        assert other not in said.replace(line, ""), said
    assert s.submit("exmaine mirror").text.endswith("Your own face, wrong.")
