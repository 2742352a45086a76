"""The parser: words, synonyms, abbreviations, built-ins and helpful failures."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.engine.parser import Context, parse, resolve
from adventure.engine.world import World
from adventure.story.vocab import apply_synonyms, synonym_index, words


def ctx_for(game, state):
    world = World(game.story, state)
    return game.context(world, game.offers(world))


def intent(game, line, *, scene="airlock", **moves):
    """What a line means in a scene: a choice typed by its label is what the choice does."""
    st = game.new_state(1)
    st.scene = scene
    st.moved.update(moves)
    world = World(game.story, st)
    offers = game.offers(world)
    found = parse(line, game.context(world, offers))
    return game._choose(found, offers, world) if found.kind == "choice" else found


def test_words_drop_articles_case_and_punctuation():
    assert words("Take THE Sealed padd!") == ("take", "sealed", "padd")
    assert words("  ") == ()
    assert words("a") == ("a",)  # a lone 'a' is 'aft', not an article
    assert words("look at an ore-cart") == ("look", "at", "ore-cart")


def test_synonyms_replace_longest_first():
    syn = synonym_index([(("speak",), ("say",)), (("speak", "with"), ("talk", "to"))])
    assert apply_synonyms(("speak", "with", "odo"), syn) == ("talk", "to", "odo")
    assert apply_synonyms(("speak", "up"), syn) == ("say", "up")
    assert apply_synonyms(("odo",), syn) == ("odo",)


def test_numbers_are_choices(demo_game):
    st = demo_game.new_state(1)
    i = parse(" 2 ", ctx_for(demo_game, st))
    assert i.kind == "choice" and i.number == 2


def test_empty_line(demo_game):
    assert intent(demo_game, "   ").kind == "empty"


def test_meta_commands(demo_game):
    for line, verb in [("help", "help"), ("?", "help"), ("hint", "hint"), ("choices", "choices"),
                       ("q", "quit"), ("QUIT", "quit")]:
        i = intent(demo_game, line)
        assert (i.kind, i.verb) == ("meta", verb), line


def test_abbreviations_and_builtins(demo_game):
    assert intent(demo_game, "l").verb == "look"
    assert intent(demo_game, "i").verb == "inventory"
    assert intent(demo_game, "z").verb == "wait"
    x = intent(demo_game, "x the grey suit")
    assert x.verb == "examine" and x.objects[0].id == "suit"
    assert intent(demo_game, "look at spacesuit").objects[0].id == "suit"
    assert intent(demo_game, "pick up suit").verb == "take"
    assert intent(demo_game, "take off badge").verb == "remove"
    assert intent(demo_game, "put on suit").verb == "wear"


def test_story_synonyms_apply_to_typed_words(demo_game):
    i = intent(demo_game, "inspect suit")
    assert i.verb == "examine"


def test_compass_and_ship_directions(demo_game):
    assert intent(demo_game, "n").exit.to == "corridor"
    assert intent(demo_game, "go north").exit.to == "corridor"
    assert intent(demo_game, "north").exit.to == "corridor"
    assert intent(demo_game, "a", scene="corridor").exit.to == "engineering"
    assert intent(demo_game, "go aft", scene="corridor").exit.to == "engineering"
    assert intent(demo_game, "engineering", scene="corridor").exit.to == "engineering"
    assert intent(demo_game, "go to engineering", scene="corridor").exit.to == "engineering"
    assert intent(demo_game, "go to the airlock", scene="corridor").exit.to == "airlock"


def test_unknown_direction_names_the_ways_out(demo_game):
    for line in ("go west", "west", "w"):
        i = intent(demo_game, line)
        assert i.kind == "unknown"
        assert i.message == "You can't go that way. From here you can go: north.", line


def test_story_actions_by_phrase_verb_noun_and_thing(demo_game):
    i = intent(demo_game, "search the walls", scene="corridor")
    assert i.kind == "action" and i.action.id == "search"
    i = intent(demo_game, "throw breaker", scene="engineering")
    assert i.action.id == "pull_lever"
    i = intent(demo_game, "talk to the computer console", scene="bridge")
    assert i.action.id == "talk"
    i = intent(demo_game, "speak with computer", scene="bridge")
    assert i.action.id == "talk"


def test_action_for_a_thing_needs_the_thing_in_scope(demo_game):
    i = intent(demo_game, "talk to computer", scene="corridor")
    assert i.kind == "unknown"


def test_put_with_two_nouns(demo_game):
    i = intent(demo_game, "put the spanner in the toolbox", scene="engineering")
    assert i.verb == "put" and [t.id for t in i.objects] == ["spanner", "toolbox"]
    assert i.preposition == "in"
    i = intent(demo_game, "place spanner onto panel", scene="engineering")
    assert i.preposition == "on"
    assert intent(demo_game, "put spanner", scene="engineering").kind == "unknown"


def test_ambiguous_noun_asks_which(demo_game):
    i = intent(demo_game, "x small", scene="engineering", chip="engineering")
    assert i.kind == "unknown"
    assert i.message.startswith("Which do you mean, the data chip or the torch")


def test_resolve_prefers_exact_name(demo_game):
    scope = {t: demo_game.story.things[t] for t in ("panel", "spanner")}
    assert [t.id for t in resolve(("spanner",), scope)] == ["spanner"]
    assert [t.id for t in resolve(("heavy",), scope)] == ["spanner"]  # adjective alone
    assert resolve(("heavy", "toolbox"), scope) == []


def test_unknown_verb_is_helpful(demo_game):
    i = intent(demo_game, "xyzzy")
    assert i.kind == "unknown"
    assert "'choices'" in i.message and "'help'" in i.message
    assert "I don't understand" not in i.message


def test_conversation_leave_words(demo_game):
    for line in ("bye", "goodbye", "leave", "end conversation"):
        i = intent(demo_game, line, scene="computer")
        assert i.kind == "action" and i.action.ret, line


def test_missing_object(demo_game):
    assert intent(demo_game, "take").message == "What do you want to take?"
    assert intent(demo_game, "take unicorn").message == "You can't see any 'unicorn' here."


TYPED = st.text(alphabet=string.printable + "éßø→😀\u202e", max_size=60)


@settings(max_examples=400, derandomize=True)
@given(TYPED)
def test_any_line_parses_to_an_intent(demo_game, line):
    i = intent(demo_game, line, scene="engineering")
    assert i.kind in {"empty", "choice", "meta", "action", "fallback", "exit", "builtin",
                      "unknown"}
    if i.kind == "unknown":
        assert i.message


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.sampled_from(["the", "a", "an", "THE", "  ", "The"]), max_size=3))
def test_articles_never_change_meaning(demo_game, articles):
    line = "x " + " ".join(articles) + " toolbox"
    assert intent(demo_game, line, scene="engineering").objects[0].id == "toolbox"


def test_context_is_plain_data(demo_game):
    ctx = ctx_for(demo_game, demo_game.new_state(1))
    assert isinstance(ctx, Context) and ctx.choices == 1


def test_builtin_verb_synonyms_reach_authored_actions(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "story: {id: t, title: T, start: a}\n"
        "scenes:\n  a:\n    title: A\n    text: Hi.\n    things:\n"
        "      odo: {name: odo, description: Odo.}\n"
        "    actions:\n      - {verbs: [examine], thing: odo, text: He glares.}\n"
        "      - {commands: [pick up the pieces], text: You gather them.}\n")
    from adventure.engine.session import Game, Session
    from adventure.story.loader import load_story
    s = Session(Game(load_story(tmp_path)), seed=1)
    for line in ("examine odo", "x odo", "look at the odo", "inspect odo"):
        assert s.submit(line).text == "He glares.", line
    assert s.submit("get pieces").text == "You gather them."


def test_which_one_names_things_as_the_prose_does():
    """A named person keeps the capital the prose gives ('Hesper', not 'the hesper'); an
    adjective is added only where two things would print the same, capitalised as the
    thing's description writes it."""
    from types import SimpleNamespace

    from adventure.engine.naming import apart

    def thing(display, article, adjectives, description=""):
        return SimpleNamespace(display=display, adjectives=frozenset(adjectives),
                               description=SimpleNamespace(source=description),
                               the=lambda: display if article == "none" else f"the {display}")

    assert apart([thing("Hesper", "none", ["burned"]), thing("hand", "the", ["left"])]) \
        == "Hesper or the hand"
    rods = [thing("data rod", "the", ["bajoran"], "A Bajoran data rod."),
            thing("data rod", "the", ["cardassian"], "A Cardassian data rod.")]
    assert apart(rods) == "the Bajoran data rod or the Cardassian data rod"
