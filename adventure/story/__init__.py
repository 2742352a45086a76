"""The story language: what an author writes and what it compiles to.

It owns located YAML (`yamlsrc`, `located`: every value knows its file, line and column),
the loader and its checks (`loader`), the small languages of guards, texts and effects
(`expr`, `text`, `effects`: compiled to data and closures, never `eval`), the compiled,
immutable `Story` model (`model`) and the cache of checked stories (`cache`). It also holds
the small pieces every other wing may use: `record` (slotted records), `memo`, `diagnostics`,
`vocab` (words, synonyms, the built-in verbs), `places`, `env` (what an expression sees of a
game) and `sanitize` (the output sanitiser). It imports nothing else of ours: the engine, the
front ends and the author tools all build on it, never the other way round.
"""
