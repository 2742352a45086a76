"""Front ends and what lasts between runs: how people (and programs) play a story.

It owns the piped line loop (`plain`), the prompt_toolkit REPL (`repl`), saved games and
journals on disk (`saves`), the file store, rebuilding and replay of a saved game
(`replay`), live reload while an author edits (`watch`), and where stories and saves live
(`places`). Each front end is thin over `engine.Session`: it sends lines and shows results.
It imports `adventure.engine` and `adventure.story`, never `adventure.author`.
"""
