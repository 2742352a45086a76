"""Issue 18 ("the game understands what it shows"), leftovers of two blind playtests: a
request said to nobody by name, someone known but out of view, 'them', and a game begun
inside a conversation. Each rule on a small story written here."""

from __future__ import annotations

from conftest import game_of

from adventure.engine.opening import make_start
from adventure.engine.session import Session

HOLD = """\
story:
  id: hold
  title: Hold
  start: quarters
  state:
    gone: false
things:
  sisko:
    name: Sisko
    article: none
    pronoun: him
    location: nowhere
  nell:
    name: Nell
    article: none
    pronoun: her
    location: nowhere
    description: Nell, mending a net.
    whereabouts: ${if gone}Down at the boats, mending nets.${end}
  odo:
    name: Odo
    article: none
    pronoun: him
    location: nowhere
scenes:
  quarters:
    title: The Quarters
    text: Bunks. Hesper sits by the door; workers doze; two men guard the sacking.
    things:
      hesper:
        name: Hesper
        article: none
        pronoun: her
        talk: Hesper shrugs her burned hands.
      workers:
        name: workers
        plural: true
        article: the
        pronoun: them
        talk: The workers roll to face the wall.
      men:
        name: men
        plural: true
        article: the
        pronoun: them
        talk: The men say nothing.
      crates:
        name: crates
        plural: true
        description: Crates of ore.
      lamp:
        name: lamp
        description: A brass lamp.
    actions:
      - id: see_sisko
        commands: [ask for sisko]
        text: '"No Sisko here," one of the men says.'
      - id: leave
        label: Go out to the cockpit
        do: [set gone]
        to: cockpit
  cockpit:
    title: The Cockpit
    text: The Intendant lounges in your seat. Garak stands behind her. Nell left for the boats.
    things:
      intendant:
        name: intendant
        article: the
        pronoun: her
        talk: The Intendant laughs.
      garak:
        name: Garak
        article: none
        pronoun: him
        talk: Garak bows.
    actions:
      - id: hideout
        label: Go to the hideout
        to: hideout
  hideout:
    title: The Hideout
    text: Sisko waits in the dark.
    things:
      hideout_sisko:
        name: Sisko
        article: none
        pronoun: him
        description: Sisko, big and still.
    actions:
      - id: aside
        label: Draw Sisko aside
        call: sisko_talk
  sisko_talk:
    title: Sisko, in the Dark
    conversation: true
    text: Sisko walks you to the far end.
    actions:
      - id: back
        label: Step back
        return: true
"""


def test_a_request_to_nobody_by_name_is_the_scenes_own_phrase_or_said_to_the_one_it_is_for(
        tmp_path):
    s = Session(game_of(tmp_path, HOLD), seed=1)
    # the story's own 'ask for sisko' answers 'ask to see sisko', 'ask after sisko'...
    for line in ("ask to see sisko", "ask after sisko", "ask for sisko please"):
        assert s.submit(line).text == '"No Sisko here," one of the men says.', line
    # ...else the request goes to the one it is for: a person before a crowd
    for line in ("ask for water", "ask about the wormhole", "ask to see the overseer"):
        assert s.submit(line).text == "Hesper shrugs her burned hands.", line
    s.submit("go out to the cockpit")
    # two people with as much to say: the game asks whom, and takes the answer
    said = s.submit("ask for kira back").text
    assert said == "Ask whom: the Intendant or Garak?", said
    assert s.submit("garak").text == "Garak bows."
    assert s.submit("ask to see sisko").text == "Ask whom: the Intendant or Garak?"
    assert s.submit("intendant").text == "The Intendant laughs."


def test_the_one_the_story_gives_most_to_say_is_asked(tmp_path):
    text = HOLD.replace("        talk: Garak bows.\n",
                        "        talk: Garak bows.\n        topics:\n"
                        "          kira: Garak smiles. \"Upstairs.\"\n")
    s = Session(game_of(tmp_path, text), seed=1)
    s.submit("go out to the cockpit")
    assert s.submit("ask for kira back").text == 'Garak smiles. "Upstairs."'


def test_someone_known_out_of_view_is_not_here_and_where_they_are(tmp_path):
    s = Session(game_of(tmp_path, HOLD), seed=1)
    # whereabouts that say nothing yet: the parser's own answer stands
    assert "Nell" not in s.submit("x nell").text
    s.submit("go out to the cockpit")
    where = "Nell isn't here. Down at the boats, mending nets."
    for line in ("x nell", "talk to nell", "ask nell about the boats", "tell nell i am here",
                 "show lamp to nell"):
        res = s.submit(line)
        assert res.text == where, (line, res.text)
        assert not res.advanced and s.state.turn == 1
    assert s.submit("x her").text == "She is not here."
    # no whereabouts: not answered this way
    assert "isn't here" not in s.submit("x odo").text


def test_not_here_and_out_of_reach_are_the_storys_wording(tmp_path):
    cockpit = "Nell left for the boats."
    text = HOLD.replace(cockpit, cockpit + " The hatch where Odo stood is shut.")
    (tmp_path / "plain").mkdir()
    s = Session(game_of(tmp_path / "plain", text), seed=1)
    s.submit("go out to the cockpit")
    assert s.submit("x odo").text == "Odo is not someone you can reach just now."
    text = text.replace("  state:\n", "  wording:\n    not_here: No sign of {the}.\n"
                        "    out_of_reach: '{The} is long gone.'\n  state:\n", 1)
    s = Session(game_of(tmp_path, text), seed=1)
    s.submit("go out to the cockpit")
    assert s.submit("x nell").text == "No sign of Nell. Down at the boats, mending nets."
    assert s.submit("x odo").text == "Odo is long gone."


def test_them_is_a_plural_thing_or_the_one_group_never_the_last_singular_thing(tmp_path):
    s = Session(game_of(tmp_path, HOLD.replace("""      men:
        name: men
        plural: true
        article: the
        pronoun: them
        talk: The men say nothing.
""", "")), seed=1)
    s.submit("x lamp")
    # nobody named as 'them': the one group in view, never the lamp
    assert s.submit("x them").text == s.submit("x workers").text
    s.submit("x lamp")
    assert "lamp" not in s.submit("talk to them").text
    s.submit("x crates")
    assert s.submit("x them").text == "Crates of ore."
    (tmp_path / "two").mkdir()
    s2 = Session(game_of(tmp_path / "two", HOLD), seed=1)
    s2.submit("x lamp")
    said = s2.submit("x them").text  # two groups: which?
    assert said == "Whom do you mean by 'them': the workers or the men?", said
    s2.submit("go out to the cockpit")
    s2.submit("x intendant")
    assert s2.submit("x them").text == "I'm not sure what 'them' refers to here; name it."


def test_a_game_begun_in_a_conversation_has_its_caller_and_person_in_view(tmp_path):
    game = game_of(tmp_path, HOLD)
    s = Session(game, seed=1, start=make_start(game.story, "sisko_talk"))
    assert s.state.stack == ["hideout"]
    assert s.submit("x sisko").text == "Sisko, big and still."
    assert "Sisko waits" in s.submit("step back").text  # back to its caller
    assert s.state.scene == "hideout"


def test_a_conversation_called_from_several_scenes_begun_there_has_its_person(tmp_path):
    text = HOLD.replace("""      - id: hideout
        label: Go to the hideout
        to: hideout
""", """      - id: hideout
        label: Go to the hideout
        to: hideout
      - id: call_sisko
        label: Call Sisko over
        call: sisko_talk
""")
    game = game_of(tmp_path, text)
    s = Session(game, seed=1, start=make_start(game.story, "sisko_talk"))
    assert s.state.stack == []
    assert s.submit("x sisko").text == "Sisko, big and still."


def test_where_is_someone_asks_after_them_not_a_thing_named_for_them(tmp_path):
    text = HOLD.replace("""    things:
      intendant:""", """    scenery:
      stool, nell: Nell's empty stool.
    things:
      intendant:""", 1)
    s = Session(game_of(tmp_path, text), seed=1)
    s.submit("go out to the cockpit")
    assert s.submit("x nell").text == "Nell's empty stool."  # what is in view, examined
    assert s.submit("where is nell").text == "Down at the boats, mending nets."
    assert s.submit("where is the stool").text == "The stool is right here."


def test_where_is_a_name_asks_after_whose_name_it_is_not_who_answers_to_it(tmp_path):
    text = HOLD.replace("""        name: intendant
        article: the""", """        name: intendant
        synonyms: [mirror nell]
        article: the""", 1)
    s = Session(game_of(tmp_path, text), seed=1)
    s.submit("go out to the cockpit")
    assert s.submit("where is nell").text == "Down at the boats, mending nets."
    assert s.submit("where is the intendant").text == "The Intendant is right here."
    assert s.submit("where is mirror nell").text == "The Intendant is right here."
