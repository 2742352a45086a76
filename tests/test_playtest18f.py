"""What the third blind playtest of issue 18 found in the engine: examining takes no
turn (scenery included), ..."""

from __future__ import annotations

from conftest import game_of

from adventure.engine.session import Session

ROOM = """\
story:
  id: room
  title: Room
  start: cabin
  state:
    rung: false
things:
  lamp:
    name: lamp
    location: cabin
    description: A brass lamp.
scenes:
  cabin:
    title: Cabin
    text: A cabin with two seats and a lamp.
    scenery:
      seats, seat: Two worn seats.
    on_enter: [schedule bell in 1]
events:
  bell:
    do: [set rung]
    text: A bell rings somewhere.
"""



def _waits_until_bell(s: Session) -> int:
    for n in range(1, 6):
        if "bell" in s.submit("wait").text:
            return n
    raise AssertionError("the bell never rang")


def test_examining_takes_no_turn_and_runs_no_timer(tmp_path):
    game = game_of(tmp_path, ROOM)
    s = Session(game, seed=1)
    for line in ("x seats", "examine seat", "look at the lamp", "x lamp", "x seats"):
        res = s.submit(line)
        assert "seats" in res.text or "lamp" in res.text
        assert not res.advanced and s.state.turn == 0 and "bell" not in res.text
    assert s.state.vars["rung"] is False
    # the timer runs on as if nothing had been examined
    assert _waits_until_bell(s) == _waits_until_bell(Session(game, seed=1))


FRIEND = ROOM.replace("""scenes:""", """  nell:
    name: Nell
    article: none
    pronoun: her
    location: cabin
    description: Nell, mending a net.
    talk: '"Mind the net," Nell says.'
    topics:
      weather, storm: '"Rain by dark," Nell says.'
scenes:""", 1).replace("    on_enter: [schedule bell in 1]\n", "")


def test_a_person_asked_again_does_not_repeat_her_last_reply_word_for_word(tmp_path):
    s = Session(game_of(tmp_path, FRIEND), seed=1)
    first = s.submit("talk to nell").text
    assert "Mind the net" in first
    for line in ("talk to nell", "talk to her"):
        again = s.submit(line).text
        assert again == "Nell has nothing more to add."
    assert "Rain by dark" in s.submit("ask nell about the storm").text
    assert s.submit("ask her about the storm").text == "Nell has nothing more to add."
    # the same words to another question are an answer to it
    assert "Rain by dark" in s.submit("ask nell about the weather").text
    assert "Mind the net" in s.submit("talk to nell").text  # something else said between


HALLS = ROOM.replace("""scenes:""", """  ring:
    name: ring
    adjectives: [iron]
    location: cabin
    description: An iron ring in the wall.
  hatch:
    name: hatch
    location: hold
scenes:
  hold:
    title: Hold
    text: A hold with a hatch.""", 1)


def test_a_bare_noun_is_offered_examining_never_a_verb_that_looks_like_it(tmp_path):
    s = Session(game_of(tmp_path, HALLS), seed=1)
    said = s.submit("ring").text
    assert "'examine ring'" in said and "drink" not in said
    assert "'examine iron ring'" in s.submit("iron ring").text
    said = s.submit("hatch").text  # a noun of another scene: no verb of another word
    assert "Did you mean" not in said and "patch" not in said
    assert "'drink'" in s.submit("drnk").text  # a typo of a verb is still corrected


CRAWL = """\
story:
  id: crawl
  title: Crawl
  start: duct
things:
  guide:
    name: Nell
    article: none
    pronoun: her
    location: duct
    description: Nell, waiting.
scenes:
  duct:
    title: Duct
    text: A duct above a grille. Nell waits.
    scenery:
      grille: Slats, and light below.
    actions:
      - id: trail
        verbs: [follow]
        thing: guide
        text: You trail after Nell at a distance.
      - id: beside
        commands: [go with nell]
        text: You fall in beside Nell.
      - id: listen
        label: Listen at the grille
        commands: [listen, look through grille]
        text: Voices rise through the slats.
"""


def test_a_story_phrase_in_a_built_in_verbs_other_words_is_the_storys(tmp_path):
    s = Session(game_of(tmp_path, CRAWL), seed=1)
    # 'look through' is examine's, 'go with' follow's: as the story wrote them, its own
    assert "Voices rise" in s.submit("look through the grille").text
    assert "Slats" in s.submit("x grille").text  # examining is still examining
    assert "fall in beside" in s.submit("go with nell").text
    assert "trail after" in s.submit("follow nell").text
    assert "trail after" in s.submit("go after nell").text  # follow's other words still


def test_look_at_in_a_storys_commands_is_still_only_examining(tmp_path):
    story = CRAWL.replace("commands: [listen, look through grille]",
                          "commands: [listen, look through grille, look at grille]")
    s = Session(game_of(tmp_path, story), seed=1)
    assert "Slats" in s.submit("look at grille").text
    assert "Voices rise" in s.submit("look through grille").text


RADIO = ROOM.replace("""    on_enter: [schedule bell in 1]""", """    actions:
      - id: radio
        commands: [listen to radio]
        repeatable: true
        text:
          one_of: [The radio crackles., The radio hums., The radio sings.]""")


def test_a_one_of_never_shows_the_same_option_twice_running(tmp_path):
    game = game_of(tmp_path, RADIO)
    for seed in range(1, 6):
        s = Session(game, seed=seed)
        heard = [s.submit("listen to radio").text for _ in range(30)]
        assert all(a != b for a, b in zip(heard[:-1], heard[1:], strict=True)), seed
        assert len(set(heard)) == 3  # still drawn from every option


HOLDING = FRIEND.replace("""scenes:""", """  net:
    name: net
    location: nell
    portable: true
    description: A fishing net, half mended.
scenes:""", 1)


def test_a_thing_someone_holds_is_in_view_and_said_to_be_theirs(tmp_path):
    s = Session(game_of(tmp_path, HOLDING), seed=1)
    assert "Nell is holding a net." in s.submit("look").text
    assert s.submit("x net").text == "A fishing net, half mended.\n\nNell has it."
    assert "Nell is holding a net." in s.submit("x nell").text
    assert s.submit("take net").text == "Nell is holding the net."
    assert "net" not in s.submit("inventory").text


def test_scenery_is_named_in_replies_as_written(tmp_path):
    story = ROOM.replace("      seats, seat: Two worn seats.", "      pilot's chair: Worn.")
    s = Session(game_of(tmp_path, story), seed=1)
    said = s.submit("sit").text
    assert "the pilot's chair" in said and "pilots" not in said
    assert "the pilot's chair stays where it is" in s.submit("take the chair").text.lower()


SALON = """\
story:
  id: salon
  title: Salon
  start: salon
scenes:
  salon:
    title: Salon
    text: A lady on a couch, and a musician in the corner.
    things:
      lady:
        name: lady
        pronoun: her
        description: She smiles with your face.
        talk: '"Go on," she says.'
        topics:
          wormhole: '"How thrilling," she says.'
      musician:
        name: musician
        pronoun: her
        description: She plays without a mistake.
"""


def test_her_with_none_named_is_the_one_the_story_gives_a_voice(tmp_path):
    """'her' with two women in view and none named: the one with topics and talk, not a
    musician in the corner (the Intendant's audience asked 'the musician or the
    Intendant?'); two alike are still asked about."""
    s = Session(game_of(tmp_path, SALON), seed=1)
    assert s.submit("x her").text == "She smiles with your face."
    assert s.submit("ask her about the wormhole").text == '"How thrilling," she says.'
    alike = tmp_path / "alike"
    alike.mkdir()
    quiet = SALON.replace("""        talk: '"Go on," she says.'
        topics:
          wormhole: '"How thrilling," she says.'
""", "")
    s = Session(game_of(alike, quiet), seed=1)
    assert s.submit("x her").text == "Whom do you mean by 'her': the lady or the musician?"


def test_refusing_someone_is_saying_no_to_them(tmp_path):
    """'refuse her' (one of issue 18's own examples) is said to her, as 'tell her no' is:
    her answer, not "That isn't a command I know"; 'refuse to ...' is not a person."""
    s = Session(game_of(tmp_path, SALON), seed=1)
    assert s.submit("refuse her").text == '"Go on," she says.'
    assert s.submit("defy the lady").text == '"Go on," she says.'
    assert "isn't a command I know" in s.submit("refuse to play").text
