"""Tools for authors: finding what is wrong with a story before a player does.

It owns `adventure check` (`checks`: static warnings and seeded random play; `report`:
how they are printed), story tests (`storytests`: command scripts with expectations, kept in
a story's tests/ folder) and the story map (`graph`: Mermaid or DOT). It plays stories
through the engine like any front end. It imports `adventure.engine` and `adventure.story`,
never `adventure.play`.
"""
