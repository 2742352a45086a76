"""The `adventure` command: play (the default) and check.

Exit codes, the same in every subcommand: 0 success; 1 a check that ran and
found problems; 2 bad usage, or a story the command cannot use; 130 interrupted.
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
from pathlib import Path

from . import __version__, engine_build
from .play.places import display_path, saves_dir, story_note
from .story.cache import load as load_story
from .story.diagnostics import StoryError
from .story.model import Story

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from .engine.opening import Start

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_DELAY = 60  # seconds between turns of `replay --delay`
SUBCOMMANDS = ("play", "check", "test", "graph", "replay", "saves", "lsp", "agent", "serve")


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
    play.add_argument("--at", metavar="SCENE",
                       help="start a new game (--new is implied) in SCENE, its on_enter run, "
                            "instead of at the story's start, to try a branch from its hook; "
                            "saves record it, so they restore and replay")
    play.add_argument("--set", action="append", default=[], metavar="VAR=VALUE",
                      help="with --at: give a variable a value first (repeat for more)")
    play.add_argument("--give", action="append", default=[], metavar="THING",
                      help="with --at: the player starts carrying THING (repeat for more)")

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
    agent.add_argument("--at", metavar="SCENE",
                       help="begin every game (each 'reset') in SCENE, its on_enter run, "
                            "instead of at the story's start; save tokens record it")
    agent.add_argument("--set", action="append", default=[], metavar="VAR=VALUE",
                       help="with --at: give a variable a value first (repeat for more)")
    agent.add_argument("--give", action="append", default=[], metavar="THING",
                       help="with --at: the player starts carrying THING (repeat for more)")
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


def _saves_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--saves", metavar="DIR", type=Path,
                   help="where saved games, journals and history live (default: "
                        "$ADVENTURE_SAVES, else the saves/ of the checkout you are in, else "
                        "your user data folder)")


def _story_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story", metavar="DIR", type=Path,
                   help="the story directory (default: the story/ of the checkout you are "
                        "in, else the installed Terok Nor story)")


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in SUBCOMMANDS
                       and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "play")
    try:
        args = build_parser().parse_args(args_in)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    if args.command == "play":
        return _dispatch(args)
    # Every other subcommand prints author text (test names, failures, titles) with plain
    # print: all of it goes through the one sanitiser. (play sanitises each paragraph
    # itself, and the REPL's terminal codes must pass.)
    from .story.sanitize import SafeWriter

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeWriter(out), SafeWriter(err)  # type: ignore[assignment]
    try:
        return _dispatch(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "graph":
            return cmd_graph(args)
        if args.command == "test":
            return cmd_test(args)
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "saves":
            return cmd_saves(args)
        if args.command == "lsp":
            return cmd_lsp(args)
        if args.command == "agent":
            return cmd_agent(args)
        if args.command == "serve":
            return cmd_serve(args)
        return cmd_play(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


def _load(path: Path | None, announce: bool = True) -> tuple[Story | None, list[str], str]:
    root, note = story_note(path)
    if path is None and announce:
        # the story a command chose by itself is named, on stderr (never in --json): an
        # author editing one copy must never be shown another without knowing
        _note(note)
    name = str(path) if path is not None else display_path(root)
    try:
        return load_story(root, name), [], name
    except StoryError as err:
        return None, [str(d) for d in err.diagnostics], name


def _note(text: str) -> None:
    if sys.stderr.isatty():  # wrapped to the terminal, but a path is never cut
        import textwrap

        from .play.plain import terminal_columns

        width = max(terminal_columns() - 1, 20)
        text = "\n".join(textwrap.fill(line, width, break_long_words=False,
                                        break_on_hyphens=False) for line in text.split("\n"))
    print(text, file=sys.stderr)


def _usable(path: Path | None, announce: bool = True) -> tuple[Story, str] | None:
    """The story a command needs, or None after saying on stderr what is wrong with it.
    `announce`: name the story it chose (for authors; not for a player's game, nor for a
    program reading a protocol)."""
    story, problems, name = _load(path, announce)
    if story is None:
        _report(problems, name)
        return None
    return story, name


def _report(problems: list[str], name: str) -> None:
    from .story.sanitize import sanitize

    for line in problems:
        print(sanitize(line), file=sys.stderr)
    count = sum(": error:" in p for p in problems)
    print(f"{name}: {count} error{'s' if count != 1 else ''}; fix "
          f"{'them' if count != 1 else 'it'} and run the command again.", file=sys.stderr)


def cmd_play(args: argparse.Namespace) -> int:
    loaded = _usable(args.story, announce=args.watch)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .engine.session import Game
    from .play.replay import FileStore
    from .play.safety import safe_history
    from .play.start import StartError, start

    if args.at is not None and (args.load is not None or args.cont is not None):
        print("adventure: --at starts a new game; it does not go with --load or --continue.",
              file=sys.stderr)
        return EXIT_USAGE
    usable, at = _start_at(story, args)
    if not usable:
        return EXIT_USAGE
    game = Game(story)
    # The story's objects live as long as the game: keep them out of every later
    # collection, so a turn's garbage is all the collector ever looks at.
    gc.freeze()
    directory = saves_dir(args.saves)
    person = sys.stdin.isatty() and sys.stdout.isatty()
    store = FileStore(directory, game, journal=person or args.journal or args.cont is not None)
    try:
        session = start(game, store, seed=args.seed, load=args.load, cont=args.cont,
                        new=args.new, ask=person, at=at)
    except StartError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.watch:
        from .play.watch import Watcher

        session.before_turn = Watcher(session, Path(story.root), name)
    try:
        if person and not args.plain:
            from .play.repl import Repl  # prompt_toolkit is imported only for a terminal

            return Repl(session, history_file=safe_history(directory / "history.txt")).run()
        from .play.plain import play

        return play(session, plain=args.plain,
                    history_file=safe_history(directory / "history-plain.txt")
                    if person else None)
    finally:
        store.close()


def cmd_lsp(args: argparse.Namespace) -> int:
    if args.random < 0 or args.debounce < 0:
        print("adventure: --random and --debounce take 0 or more.", file=sys.stderr)
        return EXIT_USAGE
    if args.story is not None and not args.story.is_dir():
        print(f"adventure: no story folder at {args.story}.", file=sys.stderr)
        return EXIT_USAGE
    try:
        from .author import lsp
    except ImportError as exc:
        print(f"adventure: the language server needs pygls ({exc}); install it with "
              "pip install 'terok-nor[lsp]'.", file=sys.stderr)
        return EXIT_USAGE
    lsp.server.story_option = args.story.resolve() if args.story is not None else None
    lsp.server.games = args.random
    lsp.server.debounce = args.debounce / 1000
    return lsp.serve()


def _start_at(story: Story, args: argparse.Namespace) -> tuple[bool, Start | None]:
    """(usable, the start that --at, --set and --give ask for: None is the story's
    own); not usable, with the message said, when they cannot be used."""
    if args.at is None:
        if args.set or args.give:
            print("adventure: --set and --give go with --at SCENE.", file=sys.stderr)
            return False, None
        return True, None
    from .engine.opening import StartError as BadStart
    from .engine.opening import make_start

    try:
        return True, make_start(story, args.at, args.set, args.give)
    except BadStart as exc:
        print(f"adventure: cannot start --at {args.at}: {exc}.", file=sys.stderr)
        return False, None


def cmd_agent(args: argparse.Namespace) -> int:
    if not 0 <= args.seed < 2 ** 64:
        print("adventure: --seed takes 0 to 2**64 - 1.", file=sys.stderr)
        return EXIT_USAGE
    loaded = _usable(args.story, announce=False)
    if loaded is None:
        return EXIT_USAGE
    usable, at = _start_at(loaded[0], args)
    if not usable:
        return EXIT_USAGE
    from .engine.session import Game
    from .play.agent import serve

    return serve(Game(loaded[0]), args.seed, start=at)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.max_players < 1 or args.per_address < 1 or args.idle <= 0:
        print("adventure: --max-players and --per-address take 1 or more, --idle more than 0.",
              file=sys.stderr)
        return EXIT_USAGE
    loaded = _usable(args.story, announce=False)
    if loaded is None:
        return EXIT_USAGE
    try:
        from .play import serve
        from .play.hub import Limits
    except ImportError as exc:
        print(f"adventure: serving needs asyncssh ({exc}); install it with "
              "pip install 'terok-nor[serve]'.", file=sys.stderr)
        return EXIT_USAGE
    from .engine.session import Game
    from .play.places import user_data_dir

    game = Game(loaded[0])
    gc.freeze()
    limits = Limits(total=args.max_players, per_address=args.per_address,
                    idle=args.idle * 60, idle_warning=min(60.0, args.idle * 30))
    return serve.run(game, db=args.db, data_dir=user_data_dir(), ssh=args.ssh,
                     telnet=args.telnet, host_key_path=args.host_key, limits=limits,
                     open_mode=args.open)


def cmd_check(args: argparse.Namespace) -> int:
    if args.random < 0 or args.max_turns < 1:
        print("adventure: --random takes 0 or more, --max-turns 1 or more.", file=sys.stderr)
        return EXIT_USAGE
    from .author.report import check_report, print_report

    if args.story is not None and not args.story.is_dir():
        print(f"adventure: no story folder at {args.story}: give --story the folder that "
              "holds the story's .yaml files.", file=sys.stderr)
        return EXIT_USAGE
    story, problems, name = _load(args.story)
    report = check_report(story, problems, name, games=args.random, seed=args.seed,
                          max_turns=args.max_turns,
                          progress=not args.json and sys.stdout.isatty())
    if args.json:
        import json

        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        print_report(report)
    failed = report["errors"] or (args.strict and report["warnings"])
    return EXIT_FAILED if failed else EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    loaded = _usable(args.story)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .engine.session import Game
    from .play.replay import FileStore, replay
    from .play.saves import SaveError, decode, read_document

    game = Game(story)
    try:
        path = FileStore(saves_dir(args.saves), game).path_for(args.save, allow_path=True)
        save = decode(read_document(path), story, path)
    except SaveError as exc:
        print(f"adventure: cannot replay '{args.save}': {exc}.", file=sys.stderr)
        return EXIT_USAGE
    if not 0 <= args.delay <= MAX_DELAY or (args.to is not None and args.to < 0):
        # not `args.delay < 0`: nan compares false to everything, and sleeps forever
        print(f"adventure: --delay takes 0 to {MAX_DELAY} seconds, --to a turn of 0 or more.",
              file=sys.stderr)
        return EXIT_USAGE
    from .play.plain import terminal_columns

    width = min(terminal_columns(), 100) - 1 if sys.stdout.isatty() else None
    return replay(game, save, sys.stdout, check=args.check, delay=args.delay, to_turn=args.to,
                  width=width)


def cmd_saves(args: argparse.Namespace) -> int:
    from .play.journal import unfinished_journals
    from .play.replay import format_save
    from .play.saves import list_saves
    from .play.start import describe_journal
    from .story.sanitize import sanitize

    directory = saves_dir(args.saves)
    saves = list_saves(directory)
    journals = unfinished_journals(directory)
    if not saves and not journals:
        print(f"No saved games in {directory}.")
        return EXIT_OK
    if saves:
        print(f"Saved games in {directory} (adventure --load NAME):")
        for s in saves:
            print(format_save(s))
    if journals:
        print(f"{'' if not saves else chr(10)}Unfinished games in {directory} "
              "(adventure --continue NAME):")
        width = max(len(j.name) for j in journals)
        for j in journals:
            print(sanitize(f"  {j.name:<{width}}  {describe_journal(j)}"))
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    loaded = _usable(args.story)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .author.storytests import run_all, story_test_files

    root = Path(story.root)
    known = {p.stem for p in story_test_files(root)}
    missing = [n for n in args.names if n not in known]
    if missing:
        print(f"adventure: no story test named {', '.join(missing)} in {name}/tests "
              f"(there are: {', '.join(sorted(known)) or 'none'})", file=sys.stderr)
        return EXIT_USAGE
    outcomes = run_all(story, root, name, args.names or None, blessing=args.bless)
    if not outcomes:
        print(f"No story tests in {name}/tests; add one (see docs/authoring.md).")
        return EXIT_FAILED
    for o in outcomes:
        if o.blessed is not None:
            print(f"BLESSED {o.name} ({o.steps} steps): {display_path(o.blessed)}")
        elif o.passed:
            print(f"PASS {o.name} ({o.steps} steps)")
        else:
            print(f"FAIL {o.name}")
            for f in o.failures:
                print(f"  {f}")
    failed = sum(not o.passed for o in outcomes)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    loaded = _usable(args.story)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .author.graph import render
    from .story.sanitize import sanitize

    text = sanitize(render(story, args.format))  # a map is read on a terminal too
    if args.output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return EXIT_OK
    if args.output.suffix.lower() == ".md" and args.format == "mermaid":
        text = f"# {story.title}\n\n```mermaid\n{text.rstrip()}\n```\n"
    from .play.saves import write_atomic

    try:
        write_atomic(args.output, text.encode("utf-8"))
    except OSError as exc:
        print(f"adventure: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote the graph of {story.title} to {args.output}.")
    return EXIT_OK
