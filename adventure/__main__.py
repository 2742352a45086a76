from .launch import run

raise SystemExit(run())
