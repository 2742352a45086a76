"""Continuity: with(), plural things, and check's warnings about text that can forget
what the player did, choices that change nothing, timers that outlive their chapter,
and the score each chapter can reach. Every story here is written in the test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adventure.author.continuity import continuity_warnings, score_report
from adventure.engine.session import Game
from adventure.story.diagnostics import StoryError as LoadError
from adventure.story.loader import load_story

SCRIPT = Path(sys.executable).parent / "adventure"


def story(tmp_path, body: str, meta: str = "state: {}", start: str = "a", **files: str):
    (tmp_path / "s.yaml").write_text(
        f"story:\n  id: t\n  title: T\n  start: {start}\n  {meta}\n{body}")
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return load_story(tmp_path, "st")


def play(st, *commands: str) -> str:
    game = Game(st)
    result = game.begin(1)
    state, out = result.state, []
    for line in commands:
        result = game.step(state, line)
        state = result.state
        out.append(" ".join(text for _, text in result.paragraphs))
    return "\n".join(out)


def warnings(st) -> list[str]:
    return [str(w) for w in continuity_warnings(st)]


# -- with() ----------------------------------------------------------------------------

COMPANION = """scenes:
  a:
    title: Cockpit
    text: ${if with(julian)}Julian hums.${else}The seat beside you is empty.${end}
    things:
      julian: {name: Julian, article: none, pronoun: him}
      crate: {name: crate, holds: in}
    actions:
      - {id: send, label: Send Julian aft, do: [move julian to b]}
      - {id: box, label: Hide Julian in the crate, do: [move julian to crate]}
      - {id: talk, label: Talk, call: c}
    exits: {aft: b}
  b: {title: Aft, text: "${if with(julian)}Julian is here.${else}Alone.${end}",
      exits: {fore: a}}
  c:
    title: Talk
    conversation: true
    text: ${if with(julian)}Julian listens.${else}Nobody listens.${end}
    actions: [{id: bye, label: Done, return: true}]
"""


def test_with_follows_the_person(tmp_path):
    st = story(tmp_path, COMPANION)
    out = play(st, "look", "aft", "fore", "send julian aft", "look", "aft")
    assert out.split("\n")[0].count("Julian hums.") == 1
    assert "Alone." in out.split("\n")[1]
    assert "The seat beside you is empty." in out.split("\n")[4]
    assert "Julian is here." in out.split("\n")[5]


def test_with_sees_inside_holders_and_from_a_conversation(tmp_path):
    st = story(tmp_path, COMPANION)
    out = play(st, "talk", "bye", "hide julian in the crate", "look")
    assert "Julian listens." in out.split("\n")[0]  # called from where he is
    assert "Julian hums." in out.split("\n")[3]  # in the crate, still in the scene


def test_with_is_not_hidden_by_the_dark(tmp_path):
    st = story(tmp_path, COMPANION.replace("    title: Cockpit\n",
                                           "    title: Cockpit\n    dark: true\n"))
    game = Game(st)
    from adventure.engine.world import World
    world = World(st, game.begin(1).state)
    assert world.dark and world.is_with("julian") and not world.here("julian")


def test_with_needs_a_thing(tmp_path):
    with pytest.raises(LoadError) as err:
        story(tmp_path, "scenes:\n  a: {title: A, text: '${if with(jlian)}x${end}'}\n"
              "things:\n  julian: {location: a}\n")
    assert "unknown thing 'jlian' (did you mean 'julian'?)" in str(err.value)


# -- plural things ----------------------------------------------------------------------

BEADS = """scenes:
  a:
    title: Shrine
    text: A shrine.
    things:
      beads: {name: prayer beads, plural: true, portable: true}
      bowl: {name: bowl, holds: in}
      stone: {name: stones, plural: true, article: the, take_refuse: null}
      lamp: {name: lamp, portable: true}
"""


def test_plural_things_read_as_plural(tmp_path):
    st = story(tmp_path, BEADS)
    assert st.things["beads"].with_article() == "some prayer beads"
    out = play(st, "look", "take beads", "inventory", "put beads in bowl", "look",
               "take stones", "push stones", "open beads")
    lines = out.split("\n")
    assert "You can see some prayer beads and a lamp here." in lines[0]
    assert "a prayer beads" not in out
    assert "You are carrying some prayer beads." in lines[2]
    assert "In the bowl are some prayer beads." in lines[4]
    assert "The stones stay where they are." in lines[5]
    assert "They aren't something you can open." in lines[7]
    assert "would not thank you" not in out  # a plural thing is no person


def test_singular_things_unchanged(tmp_path):
    st = story(tmp_path, BEADS)
    out = play(st, "take lamp", "put lamp in bowl", "look")
    assert "In the bowl is a lamp." in out


def test_plural_with_a_is_an_error(tmp_path):
    with pytest.raises(LoadError) as err:
        story(tmp_path, "scenes:\n  a: {title: A, text: x, things: {beads: "
              "{name: beads, plural: true, article: a}}}\n")
    assert "'a' does not go with a plural thing" in str(err.value)


def test_plural_scenery_is_not_a_person(tmp_path):
    st = story(tmp_path, "scenes:\n  a:\n    title: A\n    text: The bulkheads.\n"
               "    scenery: [bulkheads]\n")
    out = play(st, "push bulkheads", "take bulkheads")
    assert "would not thank you" not in out
    assert "The bulkheads stay where they are." in out


# -- text that names what can be elsewhere ----------------------------------------------

ODO = """scenes:
  a:
    title: Office
    text: Odo watches you from behind the desk.
    things:
      odo: {name: Odo, article: none, pronoun: him}
    actions:
      - {id: give, label: Give Odo the badge, once: true, do: [remove odo], text: He leaves.}
    exits: {out: b}
  b: {title: Hall, text: A hall. Odo's office is behind you., exits: {in: a}}
"""


def test_person_who_can_leave_is_flagged(tmp_path):
    ws = warnings(story(tmp_path, ODO))
    assert len(ws) == 1, ws
    assert ws[0].startswith("st/s.yaml:7:3: warning: the text of scene 'a' names 'Odo'")
    assert "who can be here (where it starts) or elsewhere (moved to 'nowhere' by action " \
           "'give')" in ws[0]
    assert "${if with(odo)}" in ws[0]


def test_names_with_an_apostrophe_and_other_names(tmp_path):
    body = ODO.replace("odo: {name: Odo,", "odo: {name: O'Brien, synonyms: [chief],").replace(
        "Odo watches you from behind the desk.", "Keiko's chief worry is the rent.")
    assert warnings(story(tmp_path, body)) == []  # someone else's chief
    for text in ("O'Brien watches you.", "The chief watches you.", "O\u2019Brien's hands."):
        ws = warnings(story(tmp_path, body.replace("Keiko's chief worry is the rent.", text)))
        assert len(ws) == 1 and "names 'O'Brien'" in ws[0], text


@pytest.mark.parametrize("text", [
    "${if with(odo)}Odo watches you.${else}The desk is empty.${end}",
    "${if here(odo)}Odo watches you.${end}",
    "${if done(give) == 0}Odo watches you.${end}",
    "A desk.",
])
def test_guarded_person_is_not_flagged(tmp_path, text):
    body = ODO.replace("Odo watches you from behind the desk.", repr(text).replace("'", '"'))
    assert warnings(story(tmp_path, body)) == []


def test_guard_by_a_variable_set_with_the_move(tmp_path):
    body = ODO.replace("do: [remove odo]", "do: [remove odo, set gone]").replace(
        "Odo watches you from behind the desk.", '"${if not gone}Odo watches.${end}"')
    assert warnings(story(tmp_path, body, meta="state: {gone: false}")) == []


def test_person_who_never_moves_is_not_flagged(tmp_path):
    body = ODO.replace("do: [remove odo], ", "")
    assert warnings(story(tmp_path, body)) == []


def test_variant_on_the_person_guards_the_text(tmp_path):
    body = ODO.replace("    things:\n", "    variants:\n      - when: not with(odo)\n"
                       "        text: The desk is empty.\n    things:\n", 1)
    assert warnings(story(tmp_path, body)) == []


def test_portable_thing_named_where_it_lies(tmp_path):
    body = """scenes:
  a:
    title: Shrine
    text: A bowl of beads nobody dared to take away.${if has lamp} Your lamp glows.${end}
    things:
      beads: {name: beads, plural: true, portable: true}
      lamp: {name: lamp, portable: true}
"""
    ws = warnings(story(tmp_path, body))
    assert len(ws) == 1 and "names 'beads', which can be here (where it starts) or " \
        "carried (taken by the player in 'a')" in ws[0] and "${if has beads}" in ws[0]


def test_someone_elses_and_one_of_a_kind_are_not_the_thing(tmp_path):
    body = """scenes:
  a:
    title: Cockpit
    text: A cockpit.${if has padd} Your padd is in your hand.${end}
    things:
      padd: {name: padd, portable: true}
    exits: {out: b}
  b: {title: Dock, text: The glinn's padd. A guard with a padd., exits: {in: a}}
"""
    assert warnings(story(tmp_path, body)) == []


def test_moves_along_the_way_are_followed(tmp_path):
    # Julian only leaves in scene b: the text of a (before) is safe, c (after) is not
    body = """scenes:
  a:
    title: A
    text: Julian is with you.
    things:
      julian: {name: Julian, article: none, pronoun: him}
    on_enter: [move julian to a]
    exits: {on: b}
  b:
    title: B
    text: A fork.
    actions: [{id: part, label: Part ways, do: [remove julian], to: c}]
    exits: {on: c}
  c: {title: C, text: Julian walks beside you., exits: {back: d}}
  d: {title: D, text: The end., ending: {kind: victory}}
"""
    ws = warnings(story(tmp_path, body.replace("exits: {back: d}", "exits: {back: d}")))
    assert any("scene 'c'" in w for w in ws) is False  # c: Julian is never in c
    body = body.replace("c: {title: C, text: Julian walks beside you., exits: {back: d}}",
                        "c: {title: C, text: Julian walks beside you., exits: {back: d},\n"
                        "      on_enter: [move julian to c]}").replace(
        "do: [remove julian], to: c", "do: [set parted], to: d")
    assert warnings(story(tmp_path, body, meta="state: {parted: false}")) == []


# -- choices that change nothing the second time -------------------------------------------

def test_repeatable_choice_that_changes_nothing(tmp_path):
    ws = warnings(story(tmp_path, """scenes:
  a:
    title: A
    text: x
    actions:
      - {id: study, label: Study the Enforcer, text: He is very still.}
"""))
    assert ws == ["st/s.yaml:11:9: warning: the choice 'Study the Enforcer' (action 'study' in "
                  "scene 'a') changes nothing the second time yet stays listed; give it "
                  "'once: true', or a guard that its effects make false"]


@pytest.mark.parametrize("action", [
    "{id: study, label: Study, once: true, text: Still.}",
    "{id: study, label: Study, hidden: true, text: Still.}",
    "{id: study, label: Study, when: not seen, do: [set seen], text: Still.}",
    "{id: study, label: Study, do: [n += 1], text: Still.}",
    "{id: study, label: Study, text: '${if done(a.study) > 1}Again.${end}'}",
    "{id: study, label: Study, text: '${if n > 0}Changed.${end}'}",
    "{id: study, label: Study, text: {one_of: [Still., Quiet.]}}",
    "{id: study, label: Study, to: a}",
])
def test_choices_that_may_stay(tmp_path, action):
    ws = warnings(story(tmp_path, f"""scenes:
  a:
    title: A
    text: x
    actions:
      - {action}
      - {{id: poke, label: Poke, do: [n += 1]}}
""", meta="state: {seen: false, n: 0}"))
    assert ws == []


def test_waiting_for_a_timer_is_doing_something(tmp_path):
    ws = warnings(story(tmp_path, """events:
  knock: {text: A knock.}
scenes:
  a:
    title: A
    text: x
    on_enter: [schedule knock in 3]
    actions:
      - {id: wait, label: Wait, verbs: [wait], text: You wait.}
"""))
    assert ws == []


# -- timers outside their chapter --------------------------------------------------------

TIMER = """events:
  alarm: {text: The alarm sounds., to: cell}
scenes:
  a:
    title: Branch
    text: x
    actions: [{id: trip, label: Trip the wire, do: [schedule alarm in 3]}]
    exits: {on: b}
  cell: {title: Cell, text: Caught., ending: {kind: defeat}}
"""
LATER = """chapter: later
scenes:
  b: {title: Later, text: y, exits: {on: c}}
  c: {title: End, text: z, ending: {kind: victory}}
"""


def test_timer_that_outlives_its_chapter(tmp_path):
    quiet = TIMER.replace(", to: cell}", "}")  # it moves no one: its chapter is the matter
    (w,) = warnings(story(tmp_path, quiet, later=LATER))
    assert w == ("st/s.yaml:7:3: warning: event 'alarm', scheduled in scene 'a', can fire in "
                 "scene 'b': after the player has left chapter 's' for good; give it a guard "
                 "such as 'when: at(a)', or 'cancel alarm' on the way out")


def test_a_timer_out_of_place_for_both_reasons_is_one_warning(tmp_path):
    (w,) = warnings(story(tmp_path, TIMER, later=LATER))
    assert w == ("st/s.yaml:7:3: warning: event 'alarm', scheduled in scene 'a', can fire in "
                 "scene 'b': after the player has left chapter 's' for good, and outside the "
                 "scenes of its file, where it moves the player to 'cell'; give it a guard "
                 "such as 'when: at(a)', or 'cancel alarm' on the way out")


def test_a_timer_that_moves_the_player_out_of_its_file_in_a_hub_of_chapters(tmp_path):
    later = LATER.replace("exits: {on: c}", "exits: {on: c, back: a}")
    (w,) = warnings(story(tmp_path, TIMER, later=later))
    assert "can fire in scene 'b': outside the scenes of its file, where it moves the " \
        "player to 'cell'" in w and "for good" not in w


@pytest.mark.parametrize("change", [
    ("exits: {on: b}", "exits: {on: {to: b, do: [cancel alarm]}}"),
    ("alarm: {text: The alarm sounds., to: cell}",
     "alarm: {when: at(a), text: The alarm sounds., to: cell}"),
    ("exits: {on: b}", "exits: {on: hall}\n  hall: {title: H, text: h, exits: {on: hall2}}\n"
     "  hall2: {title: H2, text: h, exits: {on: b}}"),
])
def test_timer_kept_in_its_chapter(tmp_path, change):
    body = TIMER.replace(*change).replace("schedule alarm in 3", "schedule alarm in 1")
    assert warnings(story(tmp_path, body, later=LATER)) == []


def test_timer_fires_within_its_delay(tmp_path):
    body = TIMER.replace("exits: {on: b}", "exits: {on: hall}\n  hall: {title: H, text: h, "
                         "exits: {on: b}}")
    assert warnings(story(tmp_path, body.replace("in 3", "in 0"), later=LATER)) == []
    assert len(warnings(story(tmp_path, body.replace("in 3", "in 1"), later=LATER))) == 1


def test_timer_in_a_hub_of_chapters_is_not_flagged(tmp_path):
    later = LATER.replace("exits: {on: c}", "exits: {on: c, back: a}")
    assert warnings(story(tmp_path, TIMER.replace(", to: cell}", "}"), later=later)) == []


# -- the score by chapter ----------------------------------------------------------------

SCORED = """scenes:
  a:
    title: A
    text: x
    actions: [{id: win, label: Win big, once: true, do: [score += 9]}]
    exits: {on: b}
"""
SCORED_LATER = """chapter: later
scenes:
  b:
    title: B
    text: y
    actions: [{id: last, label: Last point, once: true, do: [score += 1]}]
    exits: {on: c}
  c: {title: End, text: z, ending: {kind: victory}}
"""


def test_score_by_chapter_in_json_and_text(tmp_path):
    story(tmp_path, SCORED, meta="max_score: 10", later=SCORED_LATER)
    run = subprocess.run([str(SCRIPT), "check", "--story", str(tmp_path), "--json",
                          "--random", "30"], capture_output=True, text=True)
    report = json.loads(run.stdout)
    assert report["score"]["chapters"] == [
        {"chapter": "s", "points": 9, "reached": 9},
        {"chapter": "later", "points": 1, "reached": 10}]
    assert report["score"]["before_last_chapter"] == 9
    assert any("random play reached 9 of 10 points (90%) before the last chapter 'later'"
               in w for w in report["warnings"])
    assert run.returncode == 0
    run = subprocess.run([str(SCRIPT), "check", "--story", str(tmp_path), "--random", "30"],
                         capture_output=True, text=True)
    assert "Score by chapter, points its effects award (most random play held there): " \
           "s 9 (held 9), later 1 (held 10); on entering the last chapter, at most 9 of 10 " \
           "(90%)." in run.stdout


def test_paced_score_and_a_chapter_with_nothing_to_earn(tmp_path):
    st = story(tmp_path, SCORED.replace("score += 9", "score += 5"), meta="max_score: 10",
               later=SCORED_LATER.replace("score += 1", "score += 5"))
    from adventure.author.continuity import score_warnings
    report = score_report(st, {"s": 5, "later": 10}, {"later": 5})
    assert report is not None and report["before_last_share"] == 0.5
    assert score_warnings(st, report) == []
    st = story(tmp_path, SCORED.replace("score += 9", "score += 10"), meta="max_score: 10",
               later=SCORED_LATER.replace("do: [score += 1]", "text: Nothing."))
    ws = [str(w) for w in score_warnings(st, score_report(st, None))]
    assert ws == ["st/later.yaml:3:3: warning: chapter 'later' awards no points: every "
                  "chapter should still have something to earn"]


def test_score_in_a_hub_has_no_before(tmp_path):
    st = story(tmp_path, SCORED, meta="max_score: 10",
               later=SCORED_LATER.replace("exits: {on: c}", "exits: {on: c, back: a}"))
    from adventure.author.continuity import score_warnings
    assert score_warnings(st, score_report(st, {"s": 9}, {"later": 9})) == []


def test_score_over_the_maximum(tmp_path):
    st = story(tmp_path, SCORED.replace("once: true, ", ""), meta="max_score: 10",
               later=SCORED_LATER)
    from adventure.author.continuity import score_warnings
    ws = [str(w) for w in score_warnings(st, score_report(st, {"s": 18, "later": 19}))]
    assert ws == ["st/s.yaml:5:3: warning: random play scored 19, more than max_score 10: "
                  "a scoring effect can run more than once (give its action 'once: true', "
                  "or guard the points)"]


def test_no_score_no_report(tmp_path):
    assert score_report(story(tmp_path, SCORED.replace("score += 9", "set x"),
                              meta="state: {x: false}", later=SCORED_LATER.replace(
                                  "score += 1", "set x")), None) is None
