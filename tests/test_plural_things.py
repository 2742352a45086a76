"""A thing whose name reads as plural says so, or the replies say 'the prods stays'."""
from pathlib import Path

import pytest

from adventure.engine.session import Game, Session
from adventure.story.loader import load_story

STORY = """\
story:
  id: rack
  title: Rack
  start: room
scenes:
  room:
    title: Room
    text: A rack of prods.
    things:
      prods:
        name: prods
        synonyms: [prod]
        article: the
        description: Shock prods.
        PLURAL
      beads:
        name: string of prayer beads
        synonyms: [bead]
        description: Beads.
      glass:
        name: glass
        synonyms: [glas]
        description: A glass.
"""


def story_of(tmp_path: Path, plural: str):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(STORY.replace("PLURAL", plural), encoding="utf-8")
    return load_story(root)


def warned(story) -> list[str]:
    return [w.message for w in story.info.warnings if "reads as plural" in w.message]


def test_a_plural_looking_name_without_plural_is_warned_where_it_is(tmp_path):
    story = story_of(tmp_path, "")
    found = [w for w in story.info.warnings if "reads as plural" in w.message]
    assert [w.message.split("'")[1] for w in found] == ["prods"]  # not beads, not glass
    assert found[0].loc.line == STORY.splitlines().index("      prods:") + 1


@pytest.mark.parametrize("flag", ["plural: true", "plural: false"])
def test_saying_which_silences_it(tmp_path, flag):
    assert warned(story_of(tmp_path, flag)) == []


def test_a_plural_thing_agrees(tmp_path):
    game = Game(story_of(tmp_path, "plural: true"))
    out = " ".join(t for _, t in Session(game, seed=1).submit("take prods").paragraphs)
    assert "stay " in out or "stay." in out or "they" in out.lower(), out
    assert "stays" not in out, out
