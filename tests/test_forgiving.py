"""The forgiving parser, through the session: pronouns, 'which do you mean', again, oops,
several commands, all, go to, typos, two nouns, and what an ending offers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import DEMO, play

from adventure.engine.world import World

SCRIPT = Path(sys.executable).parent / "adventure"
TO_ENGINEERING = ("n", "aft")


def test_it_means_what_was_named_last(demo):
    play(demo, *TO_ENGINEERING)
    assert demo.submit("x spanner").text == "A heavy spanner."
    assert demo.submit("take it").text == "Taken."
    assert demo.state.moved["spanner"] == "player"
    assert demo.submit("drop it").text == "Dropped."


def test_a_pronoun_with_nothing_named_says_so(demo):
    res = demo.submit("take it")
    assert "not sure what 'it' refers to" in res.text


def test_which_do_you_mean_then_the_answer(demo):
    play(demo, *TO_ENGINEERING)
    World(demo.game.story, demo.state).move("chip", "engineering")  # two small things here now
    res = demo.submit("x small")
    assert res.text == "Which do you mean, the data chip or the torch?"
    assert demo.submit("torch").text == "A small torch. It still works."
    demo.submit("take small")
    assert "data chip" not in demo.submit("torch").text  # no question pending any more


def test_which_do_you_mean_then_a_new_command(demo):
    play(demo, *TO_ENGINEERING)
    World(demo.game.story, demo.state).move("chip", "engineering")
    demo.submit("take small")
    res = demo.submit("fore")
    assert res.status.scene == "corridor"


def test_again(demo):
    demo.submit("z")
    assert demo.submit("again").status.turn == 2
    assert demo.submit("g").status.turn == 3
    assert demo.submit("g").text == "Time passes."


def test_oops_corrects_the_unknown_word(demo):
    play(demo, *TO_ENGINEERING)
    res = demo.submit("take the qqqqqq")
    assert "qqqqqq" in res.text
    assert demo.submit("oops spanner").text == "Taken."
    assert "'oops' corrects" in demo.submit("oops").text


def test_several_commands_on_one_line(demo):
    res = demo.submit("n. aft")
    assert res.status.scene == "engineering" and res.status.turn == 2
    assert "== " not in res.text and ("title", "Dark corridor") in res.paragraphs
    res = demo.submit("take torch then take spanner; fore")
    assert demo.state.moved == {"torch": "player", "spanner": "player"}
    assert res.status.scene == "corridor"


def test_a_failed_command_stops_the_rest_of_the_line(demo):
    res = demo.submit("xyzzy. n")
    assert res.status.scene == "airlock" and "isn't a command" in res.text


def test_take_all_and_drop_all_but(demo):
    play(demo, *TO_ENGINEERING)
    res = demo.submit("take all")
    assert res.text == "Torch: Taken.\n\nSpanner: Taken."
    res = demo.submit("drop all but the torch")
    assert res.text == "Locket: Dropped.\n\nSpanner: Dropped."  # worn badge stays on
    assert demo.state.moved == {"torch": "player", "spanner": "engineering",
                                "locket": "engineering"}
    assert demo.submit("drop all except torch").text == "There is nothing to drop."


def test_go_to_a_place_several_exits_away(demo):
    res = demo.submit("go to engineering")
    assert res.status.scene == "engineering" and res.status.turn == 2
    assert ("title", "Dark corridor") in res.paragraphs
    res = demo.submit("go to airlock")
    assert res.status.scene == "airlock"


def test_go_to_stops_where_the_way_is_barred(demo):
    res = demo.submit("go to bridge")
    assert res.status.scene == "corridor"
    assert "The hatch is dead without power." in res.text


def test_typos_are_understood_and_said(demo):
    play(demo, *TO_ENGINEERING)
    res = demo.submit("tkae spaner")
    assert res.paragraphs[0] == ("system", "(I understood: 'take spanner')")
    assert "Taken." in res.text


def test_a_typo_never_ends_the_game_without_asking(demo):
    play(demo, *TO_ENGINEERING, "pull lever", "fore", "fore", "talk to computer",
         "ask about code", "bye")
    res = demo.submit("fly hme")
    assert "Did you mean 'fly home'?" in res.text and demo.state.ended is None
    res = demo.submit("yes")
    assert res.ended is not None and demo.state.ended == "home"


def test_a_typo_question_can_be_declined_with_a_new_command(demo):
    play(demo, *TO_ENGINEERING, "pull lever", "fore", "fore", "talk to computer",
         "ask about code", "bye")
    demo.submit("fly hme")
    assert demo.submit("look").status.scene == "bridge" and demo.state.ended is None


def test_two_nouns_built_in_and_authored(demo):
    play(demo, *TO_ENGINEERING, "take torch", "pull lever", "fore", "fore")
    res = demo.submit("give torch to computer")
    assert res.text == "The computer console shows no interest in the torch."
    res = demo.submit("ask the console about the weather")
    assert res.text == "The computer console has nothing to say about that."
    play(demo, "aft", "open grille", "take chip", "back", "fore")
    assert demo.submit("show the chip to the console").text == \
        "The console reads the chip and unlocks the helm."
    assert demo.state.vars["code_known"]


def test_an_ending_offers_restart_restore_undo_quit(demo):
    play(demo, *TO_ENGINEERING, "pull lever", "fore", "fore", "sound alarm", "z")
    res = demo.submit("z")
    assert res.ended is not None
    assert "RESTART, RESTORE a saved game, UNDO your last move or QUIT" in res.text
    res = demo.submit("undo")
    assert demo.state.ended is None and "Undone" in res.text


def test_piped_forgiving_commands_through_the_console_script(tmp_path):
    script = "go to engineering\ntake all\ndrop it\ntkae spanner\nfore. s\nn\nagain\n"
    res = subprocess.run([str(SCRIPT), "--story", str(DEMO), "--seed", "1"],
                         input=script.encode(), capture_output=True, timeout=60)
    out = res.stdout.decode()
    assert res.returncode == 0
    assert "Torch: Taken." in out and "Spanner: Taken." in out
    assert "(I understood: 'take spanner')" in out
    assert out.count("== Airlock ==") >= 2


def test_pty_which_do_you_mean(tmp_path):
    import pexpect
    child = pexpect.spawn(str(SCRIPT), ["--plain", "--story", str(DEMO), "--seed", "1"],
                          encoding="utf-8", timeout=20)
    try:
        child.expect("> ")
        child.sendline("go to engineering")
        child.expect("Engineering")
        child.expect("> ")
        child.sendline("take torch. take spanner")
        child.expect("> ")
        child.sendline("x heavy spanner then drop it")
        child.expect("Dropped.")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_quit_after_an_ending_says_goodbye_and_nothing_else(demo):
    play(demo, *TO_ENGINEERING, "pull lever", "fore", "fore", "sound alarm", "z")
    assert demo.submit("z").ended is not None
    res = demo.submit("quit")
    assert res.quit and res.text == "Goodbye."
