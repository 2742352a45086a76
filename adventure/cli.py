"""The `adventure` command: play (the default) and check.

Exit codes, the same in every subcommand: 0 success; 1 a check that ran and
found problems; 2 bad usage, or a story the command cannot use; 130 interrupted.
"""

from __future__ import annotations

import gc
import os
import sys

from .play.places import display_path, saves_dir, story_note
from .story.cache import load as load_story
from .story.diagnostics import StoryError
from .story.gcpause import collector_paused
from .story.model import Story

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from argparse import Namespace

    from .engine.opening import Start
    from .engine.session import Game

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_DELAY = 60  # seconds between turns of `replay --delay`
# Set by a command that has closed every file it wrote and needs nothing of the
# interpreter's shutdown (play, after its store): launch.run() may then end the process.
done_with_files = False
SUBCOMMANDS = ("play", "check", "test", "graph", "replay", "saves", "lsp", "agent", "serve")


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in SUBCOMMANDS
                       and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "play")
    from .play.quickargs import quick_play_args

    # the same attributes as argparse's Namespace for `play`, without importing argparse
    args: Namespace | None = quick_play_args(args_in)  # type: ignore[assignment]
    if args is None:
        from .cliparser import build_parser

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


def _dispatch(args: Namespace) -> int:
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


def _load(path: str | os.PathLike[str] | None,
          announce: bool = True) -> tuple[Story | None, list[str], str]:
    root, note = story_note(path)
    if path is None and announce:
        # the story a command chose by itself is named, on stderr (never in --json): an
        # author editing one copy must never be shown another without knowing
        _note(note)
    name = os.fspath(path) if path is not None else display_path(root)
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


def _usable(path: str | os.PathLike[str] | None, announce: bool = True) -> tuple[Story, str] | None:
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


def _game(args: Namespace) -> tuple[Game, Start | None, Story, str] | int:
    """cmd_play's game, the scene of --at and the story, or the exit code of a story or
    option it cannot use."""
    loaded = _usable(args.story, announce=args.watch)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .engine.session import Game
    from .play.replay import FileStore  # noqa: F401 - imported here, collector paused
    from .play.start import start  # noqa: F401 - likewise

    if args.at is not None and (args.load is not None or args.cont is not None):
        print("adventure: --at starts a new game; it does not go with --load or --continue.",
              file=sys.stderr)
        return EXIT_USAGE
    usable, at = _start_at(story, args)
    if not usable:
        return EXIT_USAGE
    return Game(story), at, story, name


def cmd_play(args: Namespace) -> int:
    global done_with_files
    # The story, the engine's modules and the game live as long as the game: made with the
    # collector paused, then kept out of every later collection (gc.freeze), so a turn's
    # garbage is all the collector ever looks at.
    with collector_paused(keep=True):
        ready = _game(args)
    if isinstance(ready, int):
        return ready
    game, at, story, name = ready
    from .play.replay import FileStore
    from .play.start import StartError, start

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
        from pathlib import Path

        from .play.watch import Watcher

        session.before_turn = Watcher(session, Path(story.root), name)
    if person:
        from .play.safety import safe_history
    try:
        if person and not args.plain:
            from .play.repl import Repl  # prompt_toolkit is imported only for a terminal

            return Repl(session, history_file=safe_history(store.dir / "history.txt")).run()
        from .play.plain import play

        return play(session, plain=args.plain,
                    history_file=safe_history(store.dir / "history-plain.txt")
                    if person else None)
    finally:
        store.close()
        done_with_files = True


def cmd_lsp(args: Namespace) -> int:
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


def _start_at(story: Story, args: Namespace) -> tuple[bool, Start | None]:
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


def cmd_agent(args: Namespace) -> int:
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


def cmd_serve(args: Namespace) -> int:
    if args.status or args.json:
        if not args.status:
            print("adventure: --json goes with --status.", file=sys.stderr)
            return EXIT_USAGE
        from .play.places import user_data_dir
        from .play.serve import db_target, status

        return status(db_target(args.db, user_data_dir()), as_json=args.json)
    if args.max_players < 1 or args.per_address < 1 or args.idle <= 0 \
            or not 1 <= args.workers <= 64:
        print("adventure: --max-players and --per-address take 1 or more, --idle more than 0, "
              "--workers 1 to 64.", file=sys.stderr)
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
                     open_mode=args.open, workers=args.workers, gc_policy=args.gc)


def cmd_check(args: Namespace) -> int:
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


def cmd_replay(args: Namespace) -> int:
    loaded = _usable(args.story)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from .engine.session import Game
    from .play.replay import FileStore, replay
    from .play.saves import SaveError, decode, read_document
    from .story.sanitize import sanitize

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
    try:
        return replay(game, save, sys.stdout, check=args.check, delay=args.delay,
                      to_turn=args.to, width=width)
    except SaveError as exc:  # past the rebuild budget: refused before any of it is played
        print(f"adventure: cannot replay '{sanitize(args.save)}': {exc}.", file=sys.stderr)
        return EXIT_USAGE


def cmd_saves(args: Namespace) -> int:
    from pathlib import Path

    from .play.journal import unfinished_journals
    from .play.replay import format_save
    from .play.saves import list_saves
    from .play.start import describe_journal
    from .story.sanitize import sanitize

    directory = Path(saves_dir(args.saves))
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


def cmd_test(args: Namespace) -> int:
    loaded = _usable(args.story)
    if loaded is None:
        return EXIT_USAGE
    story, name = loaded
    from pathlib import Path

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


def cmd_graph(args: Namespace) -> int:
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
