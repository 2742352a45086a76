"""The engine: plays one command of one game, and does no I/O.

It owns a game's state (`state`: plain data, cheap to copy for undo and to save), the
rules of things and the running of effects (`world`), the transitions state machine that
moves between scenes (`machine`, `lean`), the parser that turns a typed line into an intent
(`parser`), and `Game` and `Session`: the one API every front end uses (`Session.submit(line)`
returns a `Result`). What a front end must provide, it names as interfaces here (`store`:
`Store`, `SaveError`). It imports only `adventure.story`.
"""
