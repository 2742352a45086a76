"""The companion is a person of the world who goes where the player goes (the `following`
place): in view, by name and pronoun, wherever they are with the player, and not when the
story has parted them. Everything here is derived from the campaign, not written down."""

from __future__ import annotations

import random
import textwrap

import pytest
from conftest import STORY

from adventure.engine.session import Game, Session
from adventure.engine.state import GameState
from adventure.engine.world import World
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story
from adventure.story.model import Thing
from adventure.story.places import FOLLOWING
from adventure.story.yamlsrc import load_file


@pytest.fixture(scope="module")
def campaign() -> Game:
    return Game(load_story(STORY))


def flat(text: str) -> str:
    return " ".join(text.split())


def reply(game: Game, state: GameState, line: str) -> str:
    return flat(" ".join(t for _, t in game.step(state, line).paragraphs))


def roles(game: Game) -> list[int]:
    """The start's numbered choices: who the player is."""
    return list(range(1, len(game.offers(World(game.story, game.new_state(1)))) + 1))


def companions(game: Game, state: GameState) -> list[Thing]:
    """The people following the player now."""
    return [game.story.things[t] for t, where in state.moved.items() if where == FOLLOWING]


def play(game: Game, role: int, seed: int, turns: int = 160):
    """A random game by numbers after choosing `role`: each state on the way."""
    rng = random.Random(seed)
    s = Session(game, seed=seed)
    s.submit(str(role))
    for _ in range(turns):
        if s.state.ended:
            return
        yield s.state
        offers = game.offers(World(game.story, s.state))
        if not offers:
            return
        s.submit(str(rng.randint(1, len(offers))))


def test_each_role_has_exactly_one_companion_and_it_is_not_the_player(campaign):
    seen = {}
    for role in roles(campaign):
        s = Session(campaign, seed=1)
        s.submit(str(role))
        (who,) = companions(campaign, s.state)
        seen[role] = who.id
        assert who.person
    assert len(set(seen.values())) == len(seen) > 1  # a different person for each role


def the_mates(game: Game) -> dict[int, Thing]:
    """Each role's companion."""
    mates = {}
    for role in roles(game):
        s = Session(game, seed=1)
        s.submit(str(role))
        (mates[role],) = companions(game, s.state)
    return mates


def answers(game: Game, state: GameState, mate: Thing, others: list[Thing]) -> bool:
    """Where `mate` is in view, 'x NAME' and 'x him/her' describe them and the name of who
    the player is does not. False where there was nothing to check."""
    world = World(game.story, state)
    fb = game.story.scenes[state.scene].fallback
    if state.ended or world.dark or mate.id not in world.scope() or (
            fb is not None and (fb.when is None or fb.when(world))):
        return False  # unseen, or the scene's fallback answers every command
    looks = flat(world.render(mate.description))
    assert world.is_with(mate.id)
    # (a timed event may follow the description in the same turn)
    got = reply(game, state, f"x {' '.join(mate.name)}")
    assert got.startswith(looks), (state.scene, got, looks)
    same = [t for t in world.scope().values() if t.person
            and t.pronoun == mate.pronoun and t.id != mate.id]
    if not same:  # 'him' means the one man in view
        assert reply(game, state, f"x {mate.pronoun}").startswith(looks), state.scene
    for other in others:
        assert other.id not in world.scope()
        assert not reply(game, state, f"x {' '.join(other.name)}").startswith(looks)
    return True


def test_the_companion_answers_by_name_and_pronoun_wherever_they_are_with_the_player(campaign):
    mates = the_mates(campaign)
    checked: dict[int, set[str]] = {}
    for role, mate in mates.items():
        # the others are who the player is in this role: their name never means the companion
        others = [m for r, m in mates.items() if r != role]
        for seed in range(6):
            for state in play(campaign, role, seed):
                if answers(campaign, state, mate, others):
                    checked.setdefault(role, set()).add(state.scene)
    chapters = {campaign.story.scenes[sid].chapter for role in checked for sid in checked[role]}
    # the companion was met in several chapters of random play, in both roles
    assert set(checked) == set(roles(campaign)) and len(chapters) >= 3, checked


def test_the_companion_answers_through_the_later_chapters_of_the_story_tests(campaign):
    """The story tests play whole games to the last chapter: along each of them."""
    mates = list(the_mates(campaign).values())
    chapters = set()
    for path in sorted((STORY / "tests").glob("*.yaml")):
        data, _ = load_file(path)
        if "start" in data:
            continue
        s = Session(campaign, seed=int(data.get("seed", 1)))
        for step in data.get("steps") or []:
            s.submit(step if isinstance(step, str) else str(step.get("do", "")))
            for mate in companions(campaign, s.state) + [
                    m for m in mates if m.id in World(campaign.story, s.state).scope()]:
                others = [m for m in mates if m.id != mate.id]
                if answers(campaign, s.state, mate, others):
                    chapters.add(campaign.story.scenes[s.state.scene].chapter)
    # every chapter has a scene with the companion in it
    assert chapters == {s.chapter for s in campaign.story.scenes.values()}, chapters


def test_talking_to_the_companion_by_name_or_pronoun_opens_the_same_conversation(campaign):
    for role in roles(campaign):
        s = Session(campaign, seed=1)
        s.submit(str(role))
        (mate,) = companions(campaign, s.state)
        word = {"him": "him", "her": "her"}[mate.pronoun]
        by_name = campaign.step(s.state, f"talk to {' '.join(mate.name)}")
        for line in (f"talk to {word}", f"ask {' '.join(mate.name)} about the readings",
                     f"ask {word} about the wormhole"):
            got = campaign.step(s.state, line)
            assert got.state.scene == by_name.state.scene != s.state.scene, line


SMALL = textwrap.dedent("""\
    story:
      id: small
      title: Small
      start: deck
    things:
      mott:
        name: Mott
        article: none
        pronoun: him
        location: following
        description: Mott hums.
    scenes:
      deck:
        title: Deck
        text: A deck. Mott is with you.
        exits:
          north: hold
        actions:
          - label: Send Mott below
            do: [move mott to hold]
      hold:
        title: Hold
        text: A hold.
        exits:
          south: deck
        actions:
          - label: Call Mott back
            do: [move mott to following]
    """)


def test_following_goes_with_the_player_until_the_story_moves_them(tmp_path):
    (tmp_path / "story.yaml").write_text(SMALL)
    s = Session(Game(load_story(tmp_path)), seed=1)
    assert "Mott hums." in s.submit("x him").text
    assert "Mott hums." in s.submit("north").text + s.submit("x mott").text
    s.submit("south")
    s.submit("1")  # send Mott below: he stays in the hold
    assert "Mott hums." not in s.submit("x mott").text
    s.submit("north")
    assert "Mott hums." in s.submit("x mott").text
    s.submit("1")  # call him back: he follows again
    s.submit("south")
    assert "Mott hums." in s.submit("x mott").text
    assert "Mott" not in s.submit("inventory").text


def test_a_misspelt_place_suggests_following(tmp_path):
    (tmp_path / "story.yaml").write_text(SMALL.replace("location: following",
                                                       "location: folowing"))
    with pytest.raises(StoryError) as exc:
        load_story(tmp_path)
    assert "unknown location 'folowing' (did you mean 'following'?)" in str(exc.value)


def test_a_save_from_before_the_companion_was_a_person_is_replayed_with_them(campaign):
    """A save made by an earlier release (tests/golden/saves), whose story has changed
    since: restoring it replays its commands on the story as it is now, so the people who
    now follow the player are with them (keeping its state as saved left them out)."""
    from pathlib import Path

    from adventure.play.replay import load_save

    saves = Path(__file__).parent / "golden" / "saves"
    for path in sorted(saves.glob("campaign-*.save.json")):
        state, log, note = load_save(campaign, path)
        assert "replayed on it" in note, note
        followers = [t for t in campaign.story.things.values()
                     if state.moved.get(t.id, t.location) == FOLLOWING]
        assert followers, path.name
        for person in followers:
            assert person.description is not None
            said = reply(campaign, state.copy(), f"x {person.name[0]}")
            assert "can't see" not in said and "not someone" not in said, (path.name, said)
