"""Loading broken story directories: every problem, located as file:line:col."""

from __future__ import annotations

import textwrap

import pytest

from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story

META = """\
story:
  id: mini
  title: Mini
  start: hall
  state:
    trust: 0
    alarm: false
"""

SCENES = """\
scenes:
  hall:
    title: Hall
    text: A hall.
    exits:
      north: yard
  yard:
    title: Yard
    text: A yard.
"""


def write_story(tmp_path, files: dict[str, str]):
    root = tmp_path / "story"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems(tmp_path, files: dict[str, str]) -> list[tuple[str, str]]:
    """Load a story that must fail; returns [(file:line:col, message), ...]."""
    root = write_story(tmp_path, files)
    with pytest.raises(StoryError) as info:
        load_story(root, "st")
    diags = info.value.diagnostics
    assert diags, "a StoryError must carry diagnostics"
    return [(f"{d.loc.file}:{d.loc.line}:{d.loc.col}", d.message) for d in diags]


def only(tmp_path, files: dict[str, str]) -> tuple[str, str]:
    found = problems(tmp_path, files)
    assert len(found) == 1, found
    return found[0]


def loads_or_reports_line(root, line: int) -> None:
    """The story loads, or its problems are diagnostics on the given line (never a crash)."""
    try:
        load_story(root, "st")
    except StoryError as err:
        assert [d.loc.line for d in err.diagnostics] == [line]


def story(*extra: str) -> dict[str, str]:
    return {"s.yaml": META + SCENES + "".join(extra)}


def yard_with(lines: str) -> dict[str, str]:
    """The base story with more keys for scene 'yard' (indented by four)."""
    return {"s.yaml": META + SCENES + textwrap.indent(textwrap.dedent(lines), "    ")}


# ---- a valid story ------------------------------------------------------------------

def test_valid_minimal_story_loads(tmp_path):
    root = write_story(tmp_path, story("""\
things:
  padd:
    name: sealed padd
    location: hall
    portable: true
  crate:
    location: yard
    holds: in
  bolt:
    location: crate
"""))
    s = load_story(root)
    assert s.id == "mini" and s.title == "Mini" and s.start == "hall"
    assert s.initial == {"trust": 0, "alarm": False}
    assert set(s.scenes) == {"hall", "yard"}
    assert s.scenes["hall"].title == "Hall"
    assert [(e.key, e.to) for e in s.scenes["hall"].exits] == [("north", "yard")]
    assert s.scenes["yard"].exits == []
    assert set(s.things) == {"padd", "crate", "bolt"}
    assert s.things["padd"].name == ("sealed", "padd")
    assert s.things["padd"].location == "hall" and s.things["padd"].portable
    assert s.things["bolt"].location == "crate"
    assert s.scenes["hall"].loc.file == f"{root}/s.yaml"


def test_story_split_across_files_loads(tmp_path):
    root = write_story(tmp_path, {
        "story.yaml": META,
        "a/hall.yaml": SCENES,
        "b/cells.yaml": "scenes:\n  cells:\n    title: Cells\n    text: Dark.\n",
        "tests/ignored.yaml": "this: [is not loaded\n",
    })
    s = load_story(root, "st")
    assert set(s.scenes) == {"hall", "yard", "cells"}
    assert s.scenes["cells"].chapter == "cells"   # default chapter: the file's name
    assert s.scenes["cells"].loc.file == "st/b/cells.yaml"


# ---- metadata ---------------------------------------------------------------------------

def test_unknown_key_with_did_you_mean(tmp_path):
    files = {"s.yaml": META.replace("  title: Mini", "  titel: Mini") + SCENES}
    found = problems(tmp_path, files)
    assert ("st/s.yaml:3:3", "unknown key 'titel' in the story metadata (did you mean "
            "'title'?); expected one of: id, title, author, version, start, state, max_score, "
            "intro, wording, ranks, elsewhere") in found
    assert ("st/s.yaml:2:3", "the story needs a 'title'") in found
    assert len(found) == 2


def test_unknown_key_in_a_scene(tmp_path):
    where, message = only(tmp_path, yard_with("exist:\n  south: hall\n"))
    assert where == "st/s.yaml:17:5"
    assert message.startswith("unknown key 'exist' in scene 'yard' (did you mean 'exits'?)")


def test_unknown_start_scene(tmp_path):
    files = {"s.yaml": META.replace("start: hall", "start: hal") + SCENES}
    assert only(tmp_path, files) == (
        "st/s.yaml:4:10", "start scene 'hal' is not defined (did you mean 'hall'?)")


def test_missing_story_block(tmp_path):
    assert only(tmp_path, {"s.yaml": SCENES}) == (
        "st:0:0", "no file holds the story's metadata; add a 'story:' block with id, title "
                  "and start")


def test_two_story_blocks(tmp_path):
    files = {"a.yaml": META + SCENES, "b.yaml": "# again\n" + META}
    assert only(tmp_path, files) == (
        "st/b.yaml:2:1", "a second 'story:' block; the first is in st/a.yaml (a story has one)")


def test_empty_directory(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    with pytest.raises(StoryError) as info:
        load_story(root, "st")
    assert [d.message for d in info.value.diagnostics] == [
        "no .yaml files in the story directory"]


def test_not_a_directory(tmp_path):
    with pytest.raises(StoryError) as info:
        load_story(tmp_path / "missing", "st")
    assert "not a story directory" in info.value.diagnostics[0].message


# ---- types and references ------------------------------------------------------------

def test_wrong_type(tmp_path):
    assert only(tmp_path, yard_with("conversation: maybe\n")) == (
        "st/s.yaml:17:19", "'conversation' should be true or false, not 'maybe'")


def test_wrong_type_of_a_section(tmp_path):
    assert only(tmp_path, story("things: [padd]\n")) == (
        "st/s.yaml:17:9", "'things' should be a mapping of thing id to thing, not a list")


def test_wrong_type_of_a_variable(tmp_path):
    files = {"s.yaml": META.replace("alarm: false", "alarm: [1]") + SCENES}
    assert only(tmp_path, files) == (
        "st/s.yaml:7:12", "variable 'alarm' should start as true/false, a whole number or "
                          "text, not a list")


def test_unknown_scene_in_exit(tmp_path):
    files = {"s.yaml": META + SCENES.replace("north: yard", "north: yrad")}
    assert only(tmp_path, files) == ("st/s.yaml:13:14", "unknown scene 'yrad' (did you mean "
                                                        "'yard'?)")


def test_unknown_scene_in_long_exit(tmp_path):
    files = {"s.yaml": META + SCENES.replace("north: yard", "north:\n        to: cellar")}
    assert only(tmp_path, files) == ("st/s.yaml:14:13", "unknown scene 'cellar'")


def test_scene_defined_twice_in_two_files(tmp_path):
    files = {"a.yaml": META + SCENES,
             "b.yaml": "scenes:\n  other:\n    title: O\n    text: o\n"
                       "  yard:\n    title: Y\n    text: y\n"}
    where, message = only(tmp_path, files)
    assert where == "st/b.yaml:5:3"
    assert message == "scene 'yard' is defined twice: here and at st/a.yaml:14:3"


def test_thing_defined_twice(tmp_path):
    files = story("things:\n  padd:\n    location: hall\n")
    files["t.yaml"] = "things:\n  padd:\n    location: yard\n"
    assert only(tmp_path, files) == (
        "st/t.yaml:2:3", "thing 'padd' is defined twice: here and at st/s.yaml:18:3")


def test_bad_scene_id(tmp_path):
    assert only(tmp_path, story("  Big_Hall:\n    title: B\n    text: b\n")) == (
        "st/s.yaml:17:3", "scene id 'Big_Hall' must be lower-case letters, digits and _, "
                          "starting with a letter")


def test_thing_in_a_thing_that_cannot_hold_things(tmp_path):
    found = only(tmp_path, story("""\
things:
  rock:
    location: hall
  gem:
    location: rock
"""))
    assert found == ("st/s.yaml:21:15",
                     "'rock' cannot hold things; give it 'holds: in' or 'holds: on'")


def test_thing_with_unknown_location(tmp_path):
    found = only(tmp_path, story("things:\n  gem:\n    location: hal\n"))
    assert found[0] == "st/s.yaml:19:15"
    assert found[1].startswith("unknown location 'hal' (did you mean 'hall'?)")


# ---- expressions, effects and text ------------------------------------------------------

def test_unknown_variable_in_guard_is_located_inside_the_expression(tmp_path):
    files = {"s.yaml": META + SCENES.replace(
        "north: yard", "north:\n        to: yard\n        when: has padd and trsut > 2")
        + "things:\n  padd:\n    location: hall\n"}
    #    "        when: has padd and trsut > 2": the value starts at column 15, trsut at 28
    assert only(tmp_path, files) == (
        "st/s.yaml:15:28", "unknown variable 'trsut' (did you mean 'trust'?)")


def test_error_in_a_quoted_guard(tmp_path):
    files = yard_with("""\
actions:
  - commands: [wait]
    when: "not alrm"
""")
    assert only(tmp_path, files) == (
        "st/s.yaml:19:20", "unknown variable 'alrm' (did you mean 'alarm'?)")


def test_guard_must_be_a_condition(tmp_path):
    files = yard_with("actions:\n  - commands: [wait]\n    when: trust\n")
    where, message = only(tmp_path, files)
    assert where == "st/s.yaml:19:15"
    assert message.startswith("'when' should be a condition, but 'trust' is a number")


def test_randomness_is_refused_in_a_guard(tmp_path):
    files = yard_with("actions:\n  - commands: [wait]\n    when: alarm or chance(50)\n")
    where, message = only(tmp_path, files)
    assert where == "st/s.yaml:19:24"
    assert message.startswith("chance() draws randomness and is not allowed in a guard")


def test_randomness_is_allowed_in_effects(tmp_path):
    root = write_story(tmp_path, yard_with("on_enter: ['trust = random(1, 6)']\n"))
    assert load_story(root).scenes["yard"].on_enter


def test_bad_effect(tmp_path):
    where, message = only(tmp_path, yard_with("on_enter:\n  - set alarm\n  - frobnicate x\n"))
    assert where == "st/s.yaml:19:9"
    assert message.startswith("unknown effect; effects are: set FLAG, unset FLAG, VAR = EXPR")


def test_misspelt_effect_verb_has_did_you_mean(tmp_path):
    where, message = only(tmp_path, yard_with("on_enter: [sett alarm]\n"))
    assert where == "st/s.yaml:17:16"
    assert message.startswith("unknown effect (did you mean 'set'?)")


def test_unknown_thing_in_give(tmp_path):
    files = yard_with("on_enter: [give pad]\n")
    files["s.yaml"] += "things:\n  padd:\n    location: hall\n"
    assert only(tmp_path, files) == (
        "st/s.yaml:17:21", "unknown thing 'pad' (did you mean 'padd'?)")


def test_set_on_a_number(tmp_path):
    assert only(tmp_path, yard_with("on_enter:\n  - set trust\n")) == (
        "st/s.yaml:18:13", "'trust' holds a number; set/unset work on flags "
                           "(write trust = ...)")


def test_error_inside_an_if_effect(tmp_path):
    files = yard_with("""\
on_enter:
  - if: alarm == 1
    then: [set alarm]
""")
    assert only(tmp_path, files) == ("st/s.yaml:18:19", "cannot compare a flag with a number")


def test_error_in_text_is_located_in_the_block(tmp_path):
    files = {"s.yaml": META + SCENES.replace(
        "    text: A yard.", "    text: |\n      A yard.\n      Trust: ${trsut}.")}
    assert only(tmp_path, files) == (
        "st/s.yaml:18:16", "unknown variable 'trsut' (did you mean 'trust'?)")


def test_unclosed_template_in_text(tmp_path):
    files = {"s.yaml": META + SCENES.replace("    text: A hall.", "    text: Costs ${5")}
    assert only(tmp_path, files) == (
        "st/s.yaml:11:17", "'${' is never closed with '}' (write $$ for a dollar sign)")


def test_error_in_a_say_effect_is_located_in_its_text(tmp_path):
    assert only(tmp_path, yard_with("on_enter: ['say hi ${trsut}']\n")) == (
        "st/s.yaml:17:26", "unknown variable 'trsut' (did you mean 'trust'?)")


def test_unknown_key_in_an_if_effect(tmp_path):
    files = yard_with("on_enter:\n  - if: alarm\n    then: [set alarm]\n    els: []\n")
    assert only(tmp_path, files) == (
        "st/s.yaml:20:9", "unknown key 'els' in an 'if' effect (did you mean 'else'?)")


def test_score_without_max_score(tmp_path):
    assert only(tmp_path, yard_with("on_enter: [score += 1]\n")) == (
        "st/s.yaml:17:16", "the story keeps no score; set max_score in the story metadata")


def test_thing_inside_itself(tmp_path):
    found = only(tmp_path, story("things:\n  box:\n    location: box\n    holds: in\n"))
    assert found == ("st/s.yaml:18:3", "thing 'box' is inside itself (through 'box')")


def test_error_in_a_multi_line_guard_is_on_the_right_line(tmp_path):
    files = yard_with("actions:\n  - commands: [x]\n    when: alarm and\n      trsut > 2\n")
    assert only(tmp_path, files) == (
        "st/s.yaml:20:11", "unknown variable 'trsut' (did you mean 'trust'?)")


def test_deeply_nested_guard_does_not_crash_the_loader(tmp_path):
    guard = "(" * 300 + "alarm" + ")" * 300
    root = write_story(tmp_path, yard_with(f"actions:\n  - commands: [x]\n    when: {guard}\n"))
    loads_or_reports_line(root, 19)


def test_sexagesimal_value_does_not_crash_the_loader(tmp_path):
    root = write_story(tmp_path, {"s.yaml": META.replace("  title: Mini", "  title: Mini\n"
                                                         "  version: 1:30") + SCENES})
    loads_or_reports_line(root, 4)


# ---- actions, conversations, endings --------------------------------------------------

def test_call_to_a_scene_that_is_not_a_conversation(tmp_path):
    assert only(tmp_path, yard_with("actions:\n  - commands: [talk]\n    call: hall\n")) == (
        "st/s.yaml:18:9", "'call: hall' needs a scene with 'conversation: true' "
                          "(or use 'to:' to go there)")


def test_call_to_a_conversation_is_fine(tmp_path):
    files = yard_with("actions:\n  - commands: [talk]\n    call: chat\n")
    files["s.yaml"] += ("  chat:\n    title: Chat\n    text: Hello.\n    conversation: true\n"
                        "    actions:\n      - commands: [bye]\n        return: true\n")
    s = load_story(write_story(tmp_path, files))
    assert s.scenes["chat"].conversation
    assert s.scenes["yard"].actions[0].call == "chat"


def test_return_outside_a_conversation(tmp_path):
    assert only(tmp_path, yard_with("actions:\n  - commands: [back]\n    return: true\n")) == (
        "st/s.yaml:18:9", "'return: true' works only in a scene with 'conversation: true'")


def test_action_with_two_destinations(tmp_path):
    files = yard_with("actions:\n  - commands: [go]\n    to: hall\n    return: true\n")
    found = problems(tmp_path, files)
    assert ("st/s.yaml:18:9", "an action takes at most one of 'to', 'call' and 'return'") \
        in found


def test_action_without_a_way_in(tmp_path):
    assert only(tmp_path, yard_with("actions:\n  - text: Nothing.\n")) == (
        "st/s.yaml:18:9", "an action needs a way in: 'commands', 'verbs' or a 'label'")


def test_ending_scene_with_exits(tmp_path):
    files = yard_with("ending:\n  kind: victory\nexits:\n  south: hall\n")
    assert only(tmp_path, files) == (
        "st/s.yaml:17:5", "scene 'yard' is an ending, so it cannot have exits or actions of "
                          "its own")


def test_ending_scene_without_text_is_fine(tmp_path):
    files = {"s.yaml": META + SCENES.replace("    text: A yard.\n", "    ending:\n"
                                             "      kind: defeat\n")}
    s = load_story(write_story(tmp_path, files))
    assert s.scenes["yard"].ending.kind == "defeat"


# ---- YAML problems and reporting everything at once ------------------------------------

def test_yaml_syntax_error(tmp_path):
    files = {"s.yaml": META + SCENES, "t.yaml": "things:\n  rock: [\n"}
    assert only(tmp_path, files) == (
        "st/t.yaml:3:1", "YAML syntax: did not find expected node content "
                         "(while parsing a flow node)")


def test_duplicate_key_in_a_story_file(tmp_path):
    files = {"s.yaml": META + SCENES.replace("    text: A yard.", "    text: A yard.\n"
                                             "    title: Again")}
    assert only(tmp_path, files) == (
        "st/s.yaml:17:5", "duplicate key 'title' (first defined at line 15)")


def test_all_problems_across_files_are_reported_at_once(tmp_path):
    files = {
        "a.yaml": META.replace("  title: Mini", "  titel: Mini") + SCENES,
        "b.yaml": "scenes:\n  cave:\n    title: Cave\n    text: ${trsut}\n"
                  "    exits:\n      up: nowhere_land\n",
        "c.yaml": "things:\n  lamp:\n    location: cave\n    portable: yes please\n",
        "d.yaml": "scenes: [\n",
    }
    found = problems(tmp_path, files)
    assert [w for w, _ in found] == [
        "st/a.yaml:2:3", "st/a.yaml:3:3", "st/b.yaml:4:13", "st/b.yaml:6:11",
        "st/c.yaml:4:15", "st/d.yaml:2:1"]
    messages = dict(found)
    assert messages["st/a.yaml:2:3"] == "the story needs a 'title'"
    assert "(did you mean 'title'?)" in messages["st/a.yaml:3:3"]
    assert messages["st/b.yaml:4:13"] == "unknown variable 'trsut' (did you mean 'trust'?)"
    assert messages["st/b.yaml:6:11"] == "unknown scene 'nowhere_land'"
    assert messages["st/c.yaml:4:15"] == "'portable' should be true or false, not 'yes please'"
    assert messages["st/d.yaml:2:1"].startswith("YAML syntax: ")


def test_story_error_message_lists_every_problem(tmp_path):
    root = write_story(tmp_path, {"s.yaml": META.replace("start: hall", "start: hal")
                                  + SCENES.replace("north: yard", "north: yrad")})
    with pytest.raises(StoryError) as info:
        load_story(root, "st")
    text = str(info.value)
    assert text.splitlines() == [
        "st/s.yaml:4:10: error: start scene 'hal' is not defined (did you mean 'hall'?)",
        "st/s.yaml:13:14: error: unknown scene 'yrad' (did you mean 'yard'?)",
    ]


def test_default_display_name_is_the_directory(tmp_path):
    root = write_story(tmp_path, {"s.yaml": META.replace("start: hall", "start: nope")
                                  + SCENES})
    with pytest.raises(StoryError) as info:
        load_story(root)
    d = info.value.diagnostics[0]
    assert d.loc.file == f"{root}/s.yaml"
    assert (d.loc.line, d.loc.col) == (4, 10)


def test_unknown_names_that_an_unreadable_file_defines_are_left_out(tmp_path):
    files = {
        "a.yaml": META + SCENES.replace("north: yard", "north: cellar"),
        "b.yaml": "scenes:\n  cellar:\n    title: [Cellar\n    text: Dark.\n",
    }
    found = problems(tmp_path, files)
    assert [w for w, _ in found][0].startswith("st/b.yaml:")
    assert not any("unknown scene 'cellar'" in m for _, m in found)
    with pytest.raises(StoryError) as info:
        load_story(write_story(tmp_path / "again", files), "st")
    assert str(info.value).splitlines()[-1].startswith("st: note: 1 more problems")
