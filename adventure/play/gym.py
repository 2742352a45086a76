"""A Gymnasium environment for a story: `TerokNorEnv` (needs the agent extra:
pip install 'terok-nor[agent]').

Observation: the text a turn shows, with the numbered choices, as a Gymnasium `Text`
whose charset is every character the story can print. Action: a command, as typed.
Reward: the change of score. Terminated at an ending, truncated after `max_turns`
commands. `info['valid']` lists the commands that do something (play.valid), and
`info['ending']` names the ending reached. The same seed and commands give the same
observations on every run and build (docs/agent.md).
"""

from __future__ import annotations

import string
from pathlib import Path

import gymnasium
from gymnasium import spaces

from ..engine.opening import make_start
from ..engine.session import MAX_LINE, Game, Session
from ..story.cache import load
from ..story.files import story_files
from ..story.record import Record
from ..story.text import Template
from .agent import state_hash
from .places import bundled_story
from .valid import valid_commands

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

    from ..engine.result import Result
    from ..story.model import Story

# what every story can print besides its own text: the engine's phrases are ASCII
ENGINE_CHARS = frozenset(string.printable) - frozenset("\t\r\x0b\x0c")
ENGINE_TEXT = 4096  # the engine's own phrases in one turn (errors, the ending's question)
MAX_SEED = 2 ** 63


def story_charset(story: Story) -> frozenset[str]:
    """Every character the story can print: printable ASCII, the newline, and every
    character of the story's files."""
    found = set(ENGINE_CHARS)
    for path in story_files(Path(story.root)):
        try:
            found.update(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # a file that cannot be read did not load either
    return frozenset(c for c in found if c == "\n" or c.isprintable())


def longest_turn(story: Story) -> int:
    """An upper bound on what one command shows: the intro, two scenes whole (the one
    left, with every action and exit text of it, and the one entered), every timed
    event, and the engine's own phrases."""
    scenes = sorted((_text_size(s) for s in story.scenes.values()), reverse=True)
    events = sum(_text_size(e) for e in story.events.values())
    return _text_size(story.intro) + sum(scenes[:2]) + events + ENGINE_TEXT


def _text_size(obj: object) -> int:
    """The characters of every text in a piece of the compiled story."""
    total, todo, seen = 0, [obj], set()
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Template):
            total += len(item.source)
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, Record) and id(item) not in seen:
            seen.add(id(item))
            todo.extend(getattr(item, name, None) for name in _slots(type(item)))
    return total


def _slots(cls: type) -> list[str]:
    return [s for c in cls.__mro__ for s in getattr(c, "__slots__", ())]


def observation(result: Result) -> str:
    """What a player would read: the paragraphs, then the numbered choices."""
    text = "\n\n".join(t for _, t in result.paragraphs)
    if result.choices:
        text += "\n\n" + "\n".join(f"{c.number}) {c.label}" for c in result.choices)
    return text


class TerokNorEnv(gymnasium.Env[str, str]):
    """A story as a Gymnasium environment (the bundled Terok Nor unless `story` names
    a story folder, or `game` is given to share one loaded story between environments).
    `at` begins every episode elsewhere, as `adventure play --at` does: `{"scene": ...,
    "vars": {...}, "things": [...]}` (vars and things optional), to train on one part.
    """

    metadata = {"render_modes": ["ansi", "human"]}

    def __init__(self, story: str | Path | None = None, max_turns: int = 500,
                 render_mode: str | None = None, valid: bool = True,
                 game: Game | None = None, at: dict[str, Any] | None = None) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode is one of {self.metadata['render_modes']}")
        if max_turns < 1:
            raise ValueError("max_turns is 1 or more")
        if game is None:
            game = Game(load(Path(story) if story is not None else bundled_story()))
        self.game = game
        # a bad start is a ValueError (opening.StartError) that says what to write instead
        self.start = None if at is None else make_start(
            game.story, at["scene"], at.get("vars") or {}, list(at.get("things") or []))
        self.max_turns = max_turns
        self.render_mode = render_mode
        self.with_valid = valid  # info['valid'] costs about a millisecond a step
        self.charset = story_charset(game.story)
        self.max_length = longest_turn(game.story)
        self.observation_space = spaces.Text(self.max_length, min_length=0,
                                             charset=self.charset)
        self.action_space = spaces.Text(MAX_LINE, min_length=1,
                                        charset=frozenset(string.printable[:95]))
        self.session: Session | None = None
        self.steps = 0
        self.last_text = ""

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        # seeded: that game; unseeded: the next game of the environment's own generator
        game_seed = seed if seed is not None else int(self.np_random.integers(MAX_SEED))
        self.session = Session(self.game, seed=game_seed, start=self.start)
        self.steps = 0
        result = self.session.opening
        return self._observe(result), self._info(result)

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self.session is None:
            raise RuntimeError("call reset() before step()")
        if not isinstance(action, str):
            raise TypeError(f"an action is a command string, not {type(action).__name__}")
        before = self.session.state.score
        result = self.session.submit(action)
        self.steps += 1
        terminated = result.state.ended is not None
        truncated = not terminated and self.steps >= self.max_turns
        reward = float(result.state.score - before)
        return self._observe(result), reward, terminated, truncated, self._info(result)

    def render(self) -> str | None:
        if self.render_mode == "ansi":
            return self.last_text
        if self.render_mode == "human":
            print(self.last_text)
        return None

    def _observe(self, result: Result) -> str:
        """The observation, always inside the space: a character the charset lacks (only
        a command's own words can bring one) shows as '?', and a turn longer than the
        bound (only a line of many commands can make one) is cut at it."""
        text = observation(result)
        if not self.charset.issuperset(text):
            text = "".join(c if c in self.charset else "?" for c in text)
        text = text[:self.max_length]
        self.last_text = text
        if self.render_mode == "human":
            print(text)
        return text

    def _info(self, result: Result) -> dict[str, Any]:
        st = result.state
        info: dict[str, Any] = {
            "ending": st.ended, "scene": st.scene, "turn": st.turn, "score": st.score,
            "resolved": result.resolved, "hash": state_hash(st),
        }
        if self.with_valid:
            info["valid"] = [v.command for v in valid_commands(self.game, st)]
        return info


ENV_ID = "terok-nor/TerokNor-v0"
if ENV_ID not in gymnasium.registry:  # gymnasium.make("terok-nor/TerokNor-v0", story=...)
    gymnasium.register(ENV_ID, entry_point="adventure.play.gym:TerokNorEnv")
