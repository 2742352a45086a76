"""The `adventure` command: play (the default) and check.

Exit codes, the same in every subcommand: 0 success; 1 a check that ran and
found problems; 2 bad usage, or a story the command cannot use; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .diagnostics import StoryError
from .loader import load_story
from .model import Story
from .places import bundled_story, display_path, saves_dir

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SUBCOMMANDS = ("play", "check")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adventure",
        description="Play and write branching text adventures. Without a subcommand, "
                    "'adventure' plays the bundled story, Terok Nor.",
        epilog="Run 'adventure COMMAND --help' for a command's options. "
               "Exit codes: 0 ok, 1 problems found, 2 bad usage or unusable story, "
               "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"adventure {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a story (the default)",
                          description="Play a story. With a terminal on both ends you type "
                                      "at a prompt; with input from a pipe or file, each line "
                                      "is a command and the game ends at the end of input.")
    _story_option(play)
    play.add_argument("--seed", type=int, metavar="N",
                      help="seed for the game's randomness (the same seed plays the same way)")
    play.add_argument("--plain", action="store_true",
                      help="plain text: no colour, no toolbar, no cursor movement, one line "
                           "per paragraph (for screen readers and logs; NO_COLOR does the same)")
    play.add_argument("--saves", metavar="DIR", type=Path,
                      help="where saved games and command history live (default: the "
                           "checkout's saves/ or your user data folder; or $ADVENTURE_SAVES)")

    check = sub.add_parser("check", help="check a story for errors",
                           description="Load a story and report every problem with its "
                                       "file:line:column. Exit 0 when clean, 1 when it found "
                                       "errors.")
    _story_option(check)
    return parser


def _story_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story", metavar="DIR", type=Path,
                   help="the story directory (default: the bundled Terok Nor story)")


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in SUBCOMMANDS
                       and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "play")
    try:
        args = build_parser().parse_args(args_in)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    try:
        if args.command == "check":
            return cmd_check(args)
        return cmd_play(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


def _load(path: Path | None) -> tuple[Story | None, list[str], str]:
    root = path if path is not None else bundled_story()
    name = str(path) if path is not None else display_path(root)
    try:
        return load_story(root, name), [], name
    except StoryError as err:
        return None, [str(d) for d in err.diagnostics], name


def _report(problems: list[str], name: str) -> None:
    for line in problems:
        print(line, file=sys.stderr)
    count = sum(": error:" in p for p in problems)
    print(f"{name}: {count} error{'s' if count != 1 else ''}; fix "
          f"{'them' if count != 1 else 'it'} and run the command again.", file=sys.stderr)


def cmd_play(args: argparse.Namespace) -> int:
    story, problems, name = _load(args.story)
    if story is None:
        _report(problems, name)
        return EXIT_USAGE
    from .session import Game, Session

    session = Session(Game(story), seed=args.seed)
    if _wants_repl(args):
        from .repl import Repl  # prompt_toolkit is imported only for a terminal

        history = saves_dir(args.saves) / "history.txt"
        return Repl(session, history_file=history).run()
    from .plain import play

    return play(session, plain=args.plain or bool(os.environ.get("NO_COLOR")))


def _wants_repl(args: argparse.Namespace) -> bool:
    if args.plain or os.environ.get("NO_COLOR"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def cmd_check(args: argparse.Namespace) -> int:
    story, problems, name = _load(args.story)
    if story is None:
        for line in problems:
            print(line)
        count = len(problems)
        print(f"{name}: {count} problem{'s' if count != 1 else ''} found.")
        return EXIT_FAILED
    from .machine import StoryMachine

    StoryMachine(story)  # building the machine is part of the check
    endings = sum(1 for s in story.scenes.values() if s.ending)
    print(f"{name}: {story.title} ({story.id} {story.version}): {len(story.scenes)} scenes, "
          f"{len(story.things)} things, {endings} endings. No problems found.")
    return EXIT_OK
