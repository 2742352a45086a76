"""The command line's grammar: every subcommand and option, for argparse.

Imported only when a command line needs argparse (help, errors, every subcommand but a
plain `play`): building this parser costs more than a whole piped game of a small story.
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

from . import __version__, engine_build


class _Version(argparse.Action):
    """--version: the version, and whether the engine was compiled (worked out only when
    asked: it imports the engine)."""

    def __init__(self, option_strings: list[str], dest: str, **_: object) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help="show the version and how the engine was built")

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: str | None = None) -> None:
        print(f"adventure {__version__} (engine: {engine_build()})")  # stdout, as argparse
        parser.exit()


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, told the width: left to itself it imports shutil (and with it
    bz2 and lzma) in every start, to ask the terminal."""
    from .play.plain import terminal_columns

    return argparse.HelpFormatter(prog, width=min(terminal_columns(), 100) - 2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adventure", formatter_class=_formatter,
        description="Play and write branching text adventures. Without a subcommand, "
                    "'adventure' plays the bundled story, Terok Nor.",
        epilog="Run 'adventure COMMAND --help' for a command's options. "
               "Exit codes: 0 ok, 1 problems found, 2 bad usage or unusable story, "
               "130 interrupted.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(prog="adventure", dest="command", metavar="COMMAND")
    sub.add_parser = functools.partial(sub.add_parser, formatter_class=_formatter)  # type: ignore[method-assign]

    play = sub.add_parser("play", help="play a story (the default)",
                          description="Play a story. With a terminal on both ends you type "
                                      "at a prompt; with input from a pipe or file, each line "
                                      "is a command and the game ends at the end of input.")
    _story_option(play)
    play.add_argument("--seed", type=int, metavar="N",
                      help="seed for the game's randomness (the same seed plays the same way)")
    play.add_argument("--watch", action="store_true",
                      help="reload the story when one of its files changes (for authors): "
                           "you stay where you are, or the game is rebuilt from your commands")
    play.add_argument("--plain", action="store_true",
                      help="plain text: no colour, no toolbar, no cursor movement, one line "
                           "per paragraph, with line editing and history on a terminal (for "
                           "screen readers and logs; NO_COLOR removes colour only)")
    play.add_argument("--journal", action="store_true",
                      help="keep a journal of a game played from a pipe too, so that it can "
                           "be continued (a game at a terminal always keeps one)")
    _saves_option(play)
    start = play.add_mutually_exclusive_group()
    start.add_argument("--continue", dest="cont", nargs="?", const="", metavar="NAME",
                       help="continue an unfinished game without asking: the newest, or "
                            "NAME as 'adventure saves' lists it")
    start.add_argument("--load", metavar="NAME",
                       help="start from a saved game (a slot name, or the path of a save "
                            "or a journal)")
    start.add_argument("--new", action="store_true",
                       help="start a new game without offering to continue the last one")
    _start_options(play, "start a new game (--new is implied) in SCENE, its on_enter run, "
                         "instead of at the story's start, to try a branch from its hook; "
                         "saves record it, so they restore and replay")

    test = sub.add_parser("test", help="run the story's tests (tests/*.yaml beside it)",
                          description="Run the story tests in the story's tests/ folder: "
                                      "command scripts with expectations. Reports each pass "
                                      "or failure with the step and what differed; exit 1 on "
                                      "any failure.")
    _story_option(test)
    test.add_argument("names", nargs="*", metavar="NAME",
                      help="run only these tests (file names without .yaml)")
    test.add_argument("--bless", action="store_true",
                      help="record the whole output of each test that passes (or of each "
                           "NAME) as its transcript, NAME.transcript beside it; later runs "
                           "show a diff of what changed")

    graph = sub.add_parser("graph", help="draw the story as a graph (Mermaid or DOT)",
                           description="The story as a graph: scenes, actions and exits as "
                                       "labelled edges, the start and the endings marked, "
                                       "scenes grouped by chapter. Mermaid renders in GitHub "
                                       "Markdown; DOT is for Graphviz.")
    _story_option(graph)
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                       help="mermaid (default) or dot")
    graph.add_argument("-o", "--output", metavar="FILE", type=Path,
                       help="write to FILE instead of standard output (a .md file gets a "
                            "fenced mermaid block)")

    replay = sub.add_parser("replay", help="replay a saved game turn by turn",
                            description="Print a saved game as it was played: each command "
                                        "after its prompt, then the game's answer. With "
                                        "--check, exit 1 naming the first turn that no "
                                        "longer plays the same way.")
    replay.add_argument("save", metavar="SAVE", help="a slot name or a path to a save file")
    _story_option(replay)
    _saves_option(replay)
    replay.add_argument("--check", action="store_true",
                        help="verify that the replay ends exactly in the saved state")
    replay.add_argument("--delay", type=float, default=0.0, metavar="SECONDS",
                        help="pause between turns, to watch it")
    replay.add_argument("--to", type=int, metavar="TURN", help="stop after this turn")

    saves = sub.add_parser("saves", help="list saved games",
                           description="List the saved games with their date, turn and scene.")
    _saves_option(saves)

    check = sub.add_parser("check", help="check a story: errors, warnings and random play",
                           description="Load a story and report every problem with its "
                                       "file:line:column, warnings about unreachable scenes, "
                                       "dead ends, unused variables and more, and what N "
                                       "seeded random games reached. Exit 0 when clean, 1 when "
                                       "it found errors (or warnings, with --strict).")
    _story_option(check)
    check.add_argument("--random", type=int, default=1000, metavar="N",
                       help="random playthroughs to run (default 1000; 0 to skip)")
    check.add_argument("--seed", type=int, default=0, metavar="S",
                       help="seed of the random play (the same seed gives the same report)")
    check.add_argument("--max-turns", type=int, default=500, metavar="T",
                       help="turn cap of each random game (default 500)")
    check.add_argument("--json", action="store_true", help="a report for tools, as JSON")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")

    lsp = sub.add_parser("lsp", help="a language server for editors (stdio)",
                         description="Serve the Language Server Protocol on stdin and stdout "
                                     "for an editor: errors and warnings as you type, go to "
                                     "definition, references, completion, hover, rename and "
                                     "the outline of story files. Needs the lsp extra: "
                                     "pip install 'terok-nor[lsp]'.")
    lsp.add_argument("--story", metavar="DIR", type=Path,
                     help="the story folder (default: the folder of each opened file, up "
                          "to the highest folder that holds .yaml files)")
    lsp.add_argument("--random", type=int, default=1000, metavar="N",
                     help="random games played on each save, in the background "
                          "(default 1000, as check; 0 to skip)")
    lsp.add_argument("--debounce", type=int, default=150, metavar="MS",
                     help="quiet milliseconds after a change before the folder is checked "
                          "(default 150)")

    agent = sub.add_parser("agent", help="play by program: JSON lines on stdin and stdout",
                           description="Serve the agent protocol (docs/agent.md): one JSON "
                                       "request a line on stdin (reset, step, valid, save, "
                                       "load, hash, info), one JSON response a line on stdout.")
    _story_option(agent)
    agent.add_argument("--seed", type=int, default=0, metavar="N",
                       help="seed of the first game, and of 'reset' without one (default 0)")
    _start_options(agent, "begin every game (each 'reset') in SCENE, its on_enter run, "
                          "instead of at the story's start; save tokens record it")
    _serve_parser(sub)
    return parser


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="let players in over SSH, every game kept",
                           description="Serve the story to many players at once over SSH "
                                       "(docs/hosting.md). The SSH user name is the player's "
                                       "name; the first key a name logs in with keeps it. "
                                       "Every turn is kept, so a player who comes back "
                                       "continues. Needs: pip install 'terok-nor[serve]'.")
    serve.add_argument("--ssh", metavar="HOST:PORT", default="0.0.0.0:2222",
                       help="where to listen for SSH (default 0.0.0.0:2222; port 0 picks one)")
    serve.add_argument("--telnet", metavar="HOST:PORT",
                       help="also listen for telnet (unencrypted; guests only; off by default)")
    _story_option(serve)
    serve.add_argument("--db", metavar="PATH|URL",
                       help="a SQLite file, or postgresql://... (default: terok-nor.sqlite3 "
                            "in the serve/ folder of your user data folder)")
    serve.add_argument("--host-key", metavar="FILE", type=Path,
                       help="the server's SSH host key, made on first start (default: "
                            "beside a SQLite database, else in the user data folder)")
    serve.add_argument("--open", action="store_true",
                       help="open mode for a local event: anyone may log in with any password "
                            "as a guest (nothing kept) under a name no key holds")
    serve.add_argument("--max-players", type=int, default=300, metavar="N",
                       help="connections at once, all doors together (default 300)")
    serve.add_argument("--per-address", type=int, default=10, metavar="N",
                       help="connections at once from one address (default 10)")
    serve.add_argument("--idle", type=float, default=30, metavar="MINUTES",
                       help="close a connection after this long without a keystroke, with a "
                            "warning a minute before (default 30)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="N server processes sharing the SSH port, to use N cores; limits "
                            "count per worker (default 1)")
    serve.add_argument("--gc", choices=("freeze", "python"), default="freeze",
                       help="garbage collection: freeze what has settled (connected players) "
                            "so that collections walk only what is new, sweeping after "
                            "departures; or Python's default (default freeze)")
    serve.add_argument("--status", action="store_true",
                       help="do not serve: show what each server using this --db reports "
                            "(players, connections, commands/s, p99 latency) and exit: 0 when "
                            "one is running, 1 when none is")
    serve.add_argument("--json", action="store_true", help="with --status: as JSON")


def _start_options(p: argparse.ArgumentParser, at_help: str) -> None:
    """--at SCENE with its --set and --give (play, agent)."""
    p.add_argument("--at", metavar="SCENE", help=at_help)
    p.add_argument("--set", action="append", default=[], metavar="VAR=VALUE",
                   help="with --at: give a variable a value first (repeat for more)")
    p.add_argument("--give", action="append", default=[], metavar="THING",
                   help="with --at: the player starts carrying THING (repeat for more)")


def _saves_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--saves", metavar="DIR", type=Path,
                   help="where saved games, journals and history live (default: "
                        "$ADVENTURE_SAVES, else the saves/ of the checkout you are in, else "
                        "your user data folder)")


def _story_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story", metavar="DIR", type=Path,
                   help="the story directory (default: the story/ of the checkout you are "
                        "in, else the installed Terok Nor story)")
