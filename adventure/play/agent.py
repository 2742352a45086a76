"""`adventure agent`: play by program, one JSON request and one JSON response a line.

The protocol (docs/agent.md, version `PROTOCOL`) drives one `Session` with no store:
`reset`, `step`, `valid`, `save` / `load` (the engine's own save format, base64),
`hash` and `info`. Every response is one line; a bad request gets an error object with
a code, never a traceback, and the process reads on. `Agent.handle` is the same
protocol in process (the Gymnasium environment and the benchmarks use it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sys
from json.encoder import encode_basestring

from ..engine.errors import SaveError
from ..engine.session import MAX_LINE, Session
from .replay import fit_to_story
from .saves import MAX_SAVE_BYTES, decode, encode
from .valid import valid_commands

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import IO, Any

    from ..engine.game import Game
    from ..engine.opening import Start
    from ..engine.result import Result
    from ..engine.state import GameState

PROTOCOL = 1  # the schema's version: a change that breaks a client raises it
# the longest request line read: a save token of the largest save, with room to spare
MAX_REQUEST = MAX_SAVE_BYTES * 4 // 3 + 4096
OPS = ("reset", "step", "valid", "save", "load", "hash", "info")


class RequestError(Exception):
    """A request the protocol cannot serve: its code and a message for the client."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def state_hash(state: GameState) -> str:
    """A hash of everything in a state that affects future play, and not the turn
    counter: timers count from now, not from the first turn. The same on every
    machine and build (canonical JSON, SHA-256)."""
    data = state.to_dict()
    del data["turn"]
    data["timers"] = sorted([due - state.turn, event] for due, event in state.timers)
    raw = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def save_token(game: Game, session: Session) -> str:
    """The game as the engine saves it, base64, with where it began when that is not
    the story's start (`--at`), as `play --at` saves: a load restores it there and
    `restart` and a replay begin there. No clock time in it: the same game gives the
    same token."""
    raw = encode(game.story, session.state, session.log, session.start, saved_at="")
    return base64.b64encode(raw).decode("ascii")


def read_token(game: Game, token: str) -> tuple[GameState, list, str, Start | None]:
    """A save token back to (state, log, what restoring said, where the game began);
    RequestError if bad."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise RequestError("bad_token", "the token is not base64") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestError("bad_token", "the token is not a save (not JSON)") from None
    if not isinstance(doc, dict):
        raise RequestError("bad_token", "the token is not a save")
    try:
        save = decode(doc, game.story)
        return (*fit_to_story(game, save), save.start)
    except SaveError as exc:
        raise RequestError("bad_token", f"the save cannot be used: {exc}") from None


class Agent:
    """One game played by a program. `handle` takes a request and returns a response
    (dicts); `handle_line` does the same for one line of JSON. `start` begins every
    game of a `reset` there (`adventure agent --at`) rather than at the story's start."""

    def __init__(self, game: Game, seed: int = 0, start: Start | None = None) -> None:
        self.game = game
        self.seed = seed
        self.start = start
        self.session = Session(game, seed=seed, start=start)

    # -- lines -----------------------------------------------------------------------
    def handle_line(self, line: str) -> str:
        request_id: Any = None
        try:
            command = step_command(line)
            if command is not None:  # the hot path: a plain step, read without json
                return self._turn_line("step", self._play(command), "", None)
            try:
                request = json.loads(line)
            except (ValueError, RecursionError):
                raise RequestError("bad_json", "the line is not JSON") from None
            if isinstance(request, dict):
                request_id = request.get("id")
                op = request.get("op")
                if (op == "step" or op == "reset") and (request_id is None
                                                        or type(request_id) is str):
                    turn = self._submit(request) if op == "step" else self._begin(request)
                    if "id" not in request:
                        ident = ""
                    elif request_id is None:
                        ident = ',"id":null'
                    else:
                        ident = ',"id":' + encode_basestring(request_id)
                    return self._turn_line(op, turn, ident, request)
            response = self.handle(request)
        except RequestError as bad:  # (not `exc` twice: mypyc gives a name one type)
            response = error(bad.code, bad.message, request_id)
        except Exception as exc:  # noqa: BLE001 - a bug must not end an agent's run
            response = error("internal", f"the engine failed on this request "
                             f"({type(exc).__name__}: {exc})", request_id)
        return dump(response)

    def handle(self, request: Any) -> dict[str, Any]:
        """Serve one request; RequestError for a bad one."""
        if not isinstance(request, dict):
            raise RequestError("bad_request", "a request is a JSON object")
        op = request.get("op")
        if not isinstance(op, str):
            raise RequestError("bad_request", "a request needs 'op': one of " + ", ".join(OPS))
        if op not in OPS:
            raise RequestError("unknown_op", f"there is no op '{op[:40]}'; the ops are "
                               + ", ".join(OPS))
        body = getattr(self, "_" + op)(request)
        response = {"ok": True, "op": op}
        if "id" in request:
            response["id"] = request["id"]
        response.update(body)
        return response

    def _turn_line(self, op: str, turn: tuple[Result, int], ident: str,
                   request: dict[str, Any] | None) -> str:
        """A turn's response (`step`, `reset`) written straight to its line, without the
        response dict (`write_turn` gives the bytes `dump` would). `ident` is the id as
        written (',"id":...' or empty); `request` is None for a line `step_command` read."""
        result, before = turn
        text = write_turn(op, ident, result, before)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, typed back at us: escaped
                response = {"ok": True, "op": op}
                if request is not None and "id" in request:
                    response["id"] = request["id"]
                response.update(self.reply(result, before))
                return json.dumps(response, separators=(",", ":"), allow_nan=False)
        return text

    # -- the requests --------------------------------------------------------------------
    def _reset(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.reply(*self._begin(request))

    def _begin(self, request: dict[str, Any]) -> tuple[Result, int]:
        """A new game of the request's seed: its opening, and the score before it (0)."""
        seed = _field(request, "seed", int, self.seed)
        if not 0 <= seed < 2 ** 64:
            raise RequestError("bad_field", "'seed' is an integer from 0 to 2**64 - 1")
        self.session = Session(self.game, seed=seed, start=self.start)
        return self.session.opening, 0

    def _step(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.reply(*self._submit(request))

    def _submit(self, request: dict[str, Any]) -> tuple[Result, int]:
        """A step request's command played: its result and the score before it."""
        return self._play(_field(request, "command", str))

    def _play(self, command: str) -> tuple[Result, int]:
        """A step's command played: its result and the score before it."""
        if "\n" in command or "\r" in command:
            raise RequestError("bad_field", "'command' is one line")
        if len(command) > MAX_LINE:
            raise RequestError("bad_field", f"'command' is at most {MAX_LINE} characters")
        before = self.session.state.score
        return self.session.submit(command), before

    def _valid(self, request: dict[str, Any]) -> dict[str, Any]:
        observe = request.get("observe", False)
        if not isinstance(observe, bool):
            raise RequestError("bad_field", "'observe' must be true or false")
        return {"commands": [v.to_json() for v in
                             valid_commands(self.game, self.session.state, observe)]}

    def _save(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"token": save_token(self.game, self.session)}

    def _load(self, request: dict[str, Any]) -> dict[str, Any]:
        token = _field(request, "token", str)
        state, log, said, start = read_token(self.game, token)
        self.session = Session(self.game, seed=state.seed, resume=(state, log), start=start)
        reply = self.reply(self.session.opening, state.score)
        reply["restored"] = said
        return reply

    def _hash(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"hash": state_hash(self.session.state)}

    def _info(self, request: dict[str, Any]) -> dict[str, Any]:
        story = self.game.story
        start = self.session.start  # this game's: a loaded one may have begun elsewhere
        return {
            "protocol": PROTOCOL,
            "story": {"id": story.id, "title": story.title, "version": story.version,
                      "fingerprint": story.fingerprint},
            "scenes": sorted(story.scenes),
            "endings": [{"id": sid, "title": s.ending.title, "kind": s.ending.kind}
                        for sid, s in sorted(story.scenes.items()) if s.ending is not None],
            "max_score": story.max_score,
            "start": story.start if start is None else start.scene,
            "at": None if start is None else start.to_json(),
            "seed": self.session.state.seed,
            "max_command": MAX_LINE,
        }

    # -- what a step shows --------------------------------------------------------------
    def reply(self, result: Result, score_before: int) -> dict[str, Any]:
        st = result.state
        status = result.status
        return {
            "paragraphs": [{"style": style, "text": text} for style, text in result.paragraphs],
            "choices": [{"number": c.number, "label": c.label} for c in result.choices],
            "scene": st.scene,
            "title": status.title,
            "turn": st.turn,
            "score": st.score,
            "score_change": st.score - score_before,
            "advanced": result.advanced,
            "ended": st.ended is not None,
            "ending": st.ended,
            "resolved": result.resolved,
            "quit": result.quit,
        }


def _field(request: dict[str, Any], name: str, kind: type, default: Any = None) -> Any:
    """A request's field of the given type (a missing one is its default, if any)."""
    if name not in request or (request[name] is None and default is not None):
        if default is None:
            raise RequestError("missing_field", f"'{request.get('op')}' needs '{name}'")
        return default
    value = request[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        what = "an integer" if kind is int else "a string"
        raise RequestError("bad_field", f"'{name}' must be {what}")
    return value


# a plain `step` as clients write it: json.dumps's spacing, or compact
_STEP_HEADS = ('{"op": "step", "command": "', '{"op":"step","command":"')


def step_command(line: str) -> str | None:
    """The command of a plain `step` line, read without json: the common request, no
    id and nothing to unescape, as json.dumps or a compact writer spells it. None for
    any other line (json reads it, and answers any fault in it)."""
    if not line.startswith(_STEP_HEADS):
        return None
    head = len(_STEP_HEADS[0]) if line[6] == " " else len(_STEP_HEADS[1])
    end = line.rstrip(" \t\r\n")  # JSON's whitespace, no other
    if len(end) < head + 2 or not end.endswith('"}'):
        return None
    command = end[head:-2]
    # no quote or backslash: the string ends at '"}' and holds no escapes; printable:
    # no control character, which JSON refuses raw (nor a lone surrogate)
    if '"' in command or "\\" in command or not command.isprintable():
        return None
    return command


def error(code: str, message: str, request_id: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "error": {"code": code, "message": message}}
    if request_id is not None:
        out["id"] = request_id
    return out


def dump(response: dict[str, Any]) -> str:
    """One response line: compact, key order as built, the same bytes every run. Text
    stays readable UTF-8; a lone surrogate (from an id sent as "\\ud800") is escaped."""
    try:
        text = _COMPACT.encode(response)
    except ValueError:  # an id of NaN or Infinity, which JSON cannot hold: left out
        response.pop("id", None)
        return dump(response)
    if not text.isascii():  # a flag read: most lines are plain ASCII
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(response, separators=(",", ":"), allow_nan=False)
    return text


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def write_turn(op: str, ident: str, result: Result, score_before: int) -> str:
    """The response of a turn as `dump(Agent.reply(...))` writes it, straight from the
    result. json's encoder builds a line from a hundred small chunks and the reply's
    dicts cost as much again; a turn's shape is fixed, so a template is several times
    faster (the `step` figure). Each string is escaped by json's own encoder, once:
    a turn's texts mostly come back (a place's description, the choices' labels), and
    escaping them was the larger part of writing a turn (`_Escaped`)."""
    st = result.state
    para, string = _ESCAPED.paragraphs.get, _ESCAPED.strings.get
    paragraphs = ",".join([para(p) or _ESCAPED.paragraph(p) for p in result.paragraphs])
    choices = ",".join([f'{{"number":{c.number},"label":'
                        f'{string(c.label) or _ESCAPED.string(c.label)}}}'
                        for c in result.choices])
    title = result.status.title
    ending = st.ended
    resolved = result.resolved
    return (f'{{"ok":true,"op":"{op}"{ident},"paragraphs":[{paragraphs}],'
            f'"choices":[{choices}],"scene":{string(st.scene) or _ESCAPED.string(st.scene)},'
            f'"title":{"null" if title is None else string(title) or _ESCAPED.string(title)},'
            f'"turn":{st.turn},"score":{st.score},"score_change":{st.score - score_before},'
            f'"advanced":{"true" if result.advanced else "false"},'
            f'"ended":{"false" if ending is None else "true"},'
            f'"ending":{"null" if ending is None else string(ending) or _ESCAPED.string(ending)},'
            f'"resolved":'
            f'{"null" if resolved is None else string(resolved) or _ESCAPED.string(resolved)},'
            f'"quit":{"true" if result.quit else "false"}}}')


class _Escaped:
    """Strings as json writes them, kept: a paragraph (with its style), the choices'
    labels and the short strings of a turn (scene, title, ending, meaning). Bounded: it
    is emptied when it would hold more than `ESCAPED_LIMIT` characters, and keeps no
    string of more than a 64th of that, so texts that never come back (a story's
    counters written into its prose) cost hardly more than escaping them each time."""

    def __init__(self) -> None:
        self.paragraphs: dict[tuple[str, str], str] = {}
        self.strings: dict[str, str] = {}
        self.held = 0  # characters of the keys and values kept

    def _keep(self, size: int) -> bool:
        if size > ESCAPED_LIMIT // 64:
            return False
        if self.held + size > ESCAPED_LIMIT:
            self.paragraphs.clear()
            self.strings.clear()
            self.held = 0
        self.held += size
        return True

    def paragraph(self, p: tuple[str, str]) -> str:
        style, text = p
        out = f'{{"style":{encode_basestring(style)},"text":{encode_basestring(text)}}}'
        if self._keep(len(text) + len(out)):
            self.paragraphs[p] = out
        return out

    def string(self, text: str) -> str:
        out = encode_basestring(text)
        if self._keep(len(text) + len(out)):
            self.strings[text] = out
        return out


ESCAPED_LIMIT = 1 << 20  # characters held (keys and values): about 2 MB of plain text
_ESCAPED = _Escaped()


def serve(game: Game, seed: int = 0, stdin: IO[bytes] | None = None,
          stdout: IO[bytes] | None = None, start: Start | None = None) -> int:
    """Read requests a line at a time until end of input; answer each on one line."""
    src = stdin if stdin is not None else sys.stdin.buffer
    out = stdout if stdout is not None else sys.stdout.buffer
    agent = Agent(game, seed, start)
    while True:
        raw = src.readline(MAX_REQUEST + 1)
        if not raw:
            return 0
        if len(raw) > MAX_REQUEST and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # the rest of the long line, unread
                raw = src.readline(1 << 20)
            text = dump(error("too_long", f"a request is at most {MAX_REQUEST:,} bytes"))
        elif not raw.strip():
            continue  # a blank line asks nothing
        else:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = dump(error("bad_json", "the line is not UTF-8"))
            else:
                text = agent.handle_line(line)
        out.write(text.encode("utf-8") + b"\n")
        out.flush()
