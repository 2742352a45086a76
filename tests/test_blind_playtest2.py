"""Issue 18, second blind playtest: commands about what a scene shows that the game
refused or misread. Each story is written in the test."""

from __future__ import annotations

from pathlib import Path

from adventure.engine.game import Game
from adventure.engine.session import Session
from adventure.story.loader import load_story

COMM = """\
story:
  id: comm
  title: Comm
  start: comm
  state:
    taken: false
scenes:
  comm:
    title: Her Voice
    text: The Intendant's voice purrs from the speaker. A hatch in the deck leads down.
    things:
      intendant:
        name: intendant
        synonyms: [mirror kira]
        article: the
        pronoun: her
        description: Your friend's face, painted brighter.
      workers:
        name: workers
        plural: true
        pronoun: them
        description: Tired Terrans.
      men:
        name: men
        plural: true
        pronoun: them
        description: Men with rifles.
        talk: The men look at their boots.
        topics:
          rifles: '"Ours," says the nearest, and nothing else.'
      rifle:
        name: rifle
        portable: true
      access_rod:
        name: access rod
        synonyms: [rod]
        portable: true
      data_rod:
        name: data rod
        synonyms: [rod]
        portable: true
    actions:
      - id: hail_men
        verbs: [ask]
        thing: men
        once: true
        text: The men tell you the rising starts at the shift bell.
    exits:
      hatch:
        to: junction
        names: [maintenance hatch, down hatch, junction, into crawlway]
        label: Drop into the maintenance junction
  junction:
    title: The Junction
    text: Dark, and dripping. A worker crouches by the pipes.
    things:
      worker:
        name: worker
        pronoun: him
        description: A Terran, thin as a rail.
        talk: The worker shakes his head, eyes on the pipes.
        whereabouts: ${if taken}Dragged off down the stair by the guards.${end}
    actions:
      - id: guards
        label: Let the guards take the worker
        do: [set taken]
        text: The guards drag him off down the stair.
things:
  julian:
    name: Julian
    article: none
    pronoun: him
    location: nowhere
    whereabouts: Down in ore processing, in a work line.
  odo:
    name: Odo
    article: none
    pronoun: him
    location: self
"""


def session(folder: Path, text: str, seed: int = 1) -> Session:
    root = folder / "story"
    root.mkdir(parents=True)
    (root / "story.yaml").write_text(text, encoding="utf-8")
    return Session(Game(load_story(root)), seed=seed)


def test_giving_what_you_lack_names_the_thing_not_the_person(tmp_path):
    s = session(tmp_path, COMM)
    said = s.submit("give mirror to her").text
    assert said == "You aren't carrying any 'mirror'.", said
    assert s.state.turn == 0


def test_dropping_or_climbing_into_a_way_down_takes_it(tmp_path):
    for command in ("drop into the junction", "climb down the hatch",
                    "go down into the crawlway", "climb into the crawlway"):
        s = session(tmp_path / command.replace(" ", "_"), COMM)
        s.submit(command)
        assert s.state.scene == "junction", command


def test_a_which_question_about_them_takes_the_answer(tmp_path):
    s = session(tmp_path, COMM)
    said = s.submit("x them").text
    assert said.startswith("Whom do you mean by 'them'"), said
    assert s.submit("the men").text == "Men with rifles."


def test_an_unknown_command_is_echoed_as_typed_not_with_pronouns_replaced(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("x intendant")
    s.submit("x the men")
    said = s.submit("bribe her to let them go").text
    assert "'bribe her to let them go'" in said and "men" not in said, said


def test_undo_at_the_restart_question_takes_back_the_question_not_a_move(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("x the men")
    s.submit("wait")
    assert s.submit("restart").text.startswith("Restart from the beginning?")
    assert s.submit("undo").text == "Not restarted, and nothing undone; play on."
    assert s.state.turn == 1
    assert s.submit("yes").text != "Not restarted; play on."  # the question is over
    assert s.state.turn == 1
    s.submit("restart")
    s.submit("yes")
    assert s.state.turn == 0
    assert s.submit("undo").text.startswith("Undone")  # afterwards, undo takes it back
    assert s.state.turn == 1


def test_the_person_asked_after_is_him_not_another_in_view(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("drop into the junction")
    assert s.submit("x him").text == "A Terran, thin as a rail."
    assert s.submit("where is julian").text == "Down in ore processing, in a work line."
    assert s.submit("x him").text == "He is not here."
    s.submit("x worker")
    assert s.submit("x him").text == "A Terran, thin as a rail."


def test_a_refused_command_costs_no_turn(tmp_path):
    s = session(tmp_path, COMM)
    for command, turn in (("talk to odo", 0), ("drop rifle", 0), ("take rifle", 1),
                          ("take rifle", 1), ("give rifle to the men", 1), ("drop rifle", 2),
                          ("drop rifle", 2)):
        said = s.submit(command).text
        assert s.state.turn == turn, (command, said)


def test_give_with_the_person_first_and_a_noun_of_two_things_asks_which(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("take access rod")
    s.submit("take data rod")
    said = s.submit("give the men the rod").text
    assert said.startswith("Which do you mean") and "data rod" in said, said
    said = s.submit("data").text
    assert said == "The men show no interest in the data rod.", said


def test_a_topic_never_asked_is_not_already_done(tmp_path):
    s = session(tmp_path, COMM)
    assert s.submit("ask the men").text == "The men tell you the rising starts at the shift bell."
    assert s.submit("ask the men").text == "You have already done that."
    said = s.submit("ask the men about rifles").text
    assert said == '"Ours," says the nearest, and nothing else.', said
    said = s.submit("ask the men about julian").text
    assert said != "You have already done that." and said, said


def test_oops_after_a_typo_already_mended_says_so(tmp_path):
    s = session(tmp_path, COMM)
    said = s.submit("x intendnat").text
    assert "(I understood: 'x intendant')" in said, said
    said = s.submit("oops intendant").text
    assert said == ("I had already taken your last command as 'x intendant'; if you meant "
                    "something else, say it again in full."), said


def test_a_request_said_to_nobody_by_name_goes_to_the_one_person_here(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("drop into the junction")
    for command in ("ask for water", "ask to see sisko", "ask why he keeps looking at me"):
        said = s.submit(command).text
        assert said == "The worker shakes his head, eyes on the pipes.", (command, said)
    # the intendant and two crowds: the one the story gives something to say (issue 18)
    s2 = session(tmp_path / "two", COMM)
    said = s2.submit("ask for water").text
    assert said == "The men tell you the rising starts at the shift bell.", said


def test_where_is_someone_the_story_took_away_is_not_right_here(tmp_path):
    s = session(tmp_path, COMM)
    s.submit("drop into the junction")
    assert s.submit("where is the worker").text == "The worker is right here."
    s.submit("let the guards take the worker")
    said = s.submit("where is the worker").text
    assert said == "Dragged off down the stair by the guards.", said
