"""locate() finds the exact line and column of any character of a value, whatever YAML
scalar style wrote it: plain over several lines, single- and double-quoted with escapes
and folded lines, literal and folded blocks (with blank and more-indented lines)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story
from adventure.story.yamlsrc import load_text, locate

# A value is paragraphs of lines of words. Every word is unique (q<n>z), so a located
# word that reads the same in the source is the word, not one like it.
_line = st.lists(st.integers(0, 3), min_size=1, max_size=4)  # a word's separator kinds
_doc = st.lists(st.tuples(_line, st.integers(0, 2), st.integers(0, 2)), min_size=1,
                max_size=5)  # (words, blank lines after, extra indentation)
STYLES = ["plain", "single", "double", "literal", "folded"]

# what goes between two words, by style: escapes that change the text's length
_SEP = {"single": ["  ", " '' ", " ", " x''y "], "double": ['\\" ', " \\\\ ", "\\t", " \\x41 "]}


def render(style: str, doc: list, key_indent: int) -> tuple[str, list[str]]:
    """A one-key YAML file holding the value in `style`, and its words in order."""
    pad = " " * key_indent
    words: list[str] = []
    lines: list[str] = []

    def word() -> str:
        words.append(f"q{len(words)}z")
        return words[-1]

    for n, (seps, blanks, extra) in enumerate(doc):
        if style in ("plain",):
            extra = 0 if n == 0 else extra
        if style in ("single", "double"):
            text = "".join(_SEP[style][s] + word() for s in seps).lstrip(" ")
        else:
            text = " ".join(word() for _ in seps)
        if style in ("literal", "folded"):
            text = " " * extra + text  # more-indented lines keep their breaks
        lines.append(text)
        lines.extend([""] * (blanks if n < len(doc) - 1 else 0))
    if style in ("literal", "folded"):
        body = "\n".join(f"{pad}  {x}" if x else "" for x in lines)
        mark = "|" if style == "literal" else ">"
        if doc[0][2]:  # the first line more indented: the block says its indentation
            mark += "2"
        return f"{pad}key: {mark}\n{body}\n", words
    quote = {"plain": "", "single": "'", "double": '"'}[style]
    first, rest = lines[0], lines[1:]
    cont = "".join(f"\n{pad}   {x}" if x else "\n" for x in rest)
    if style == "double" and rest and doc[0][0][0] == 3:  # an escaped line break
        first += "\\"
    return f"{pad}key: {quote}{first}{cont}{quote}\n", words


def holder(key_indent: int, text: str):
    if not key_indent:
        return load_text(text, "s.yaml")
    return load_text("outer:\n" + text, "s.yaml")


@settings(max_examples=300, deadline=None)
@given(style=st.sampled_from(STYLES), doc=_doc, key_indent=st.sampled_from([0, 2]),
       pick=st.integers(0, 10_000), tail=st.integers(0, 2))
def test_every_word_of_every_style_is_located_exactly(style, doc, key_indent, pick, tail):
    text, words = render(style, doc, key_indent)
    data, problems = holder(key_indent, text)
    assert problems == [], text
    where = data["outer"] if key_indent else data
    value = where["key"]
    word = words[pick % len(words)]
    offset = value.index(word) + min(tail, len(word) - 1)  # anywhere in the word
    loc = locate(where.val_loc("key"), value, offset)
    source = text.split("\n")[loc.line - 1 - (1 if key_indent else 0)]
    assert source[loc.col - 1:].startswith(word[offset - value.index(word):]), (text, loc)
    assert loc.file == "s.yaml"


def test_locate_past_the_end_of_a_folded_value():
    data, _ = load_text("key: one\n  two\n", "s.yaml")
    loc = locate(data.val_loc("key"), data["key"], len(data["key"]))
    assert (loc.line, loc.col) == (2, 6)


GUARDS = {  # the same broken guard in every style; 'trsut' is where the error is
    "plain": "when: alarm and\n          trsut > 2\n",
    "single": "when: 'alarm and\n          trsut > 2'\n",
    "double": "when: \"alarm \\\n          and\n          trsut > 2\"\n",
    "literal": "when: |\n\n          alarm and\n          trsut > 2\n",
    "folded": "when: >-\n          alarm and\n          trsut > 2\n",
}


@pytest.mark.parametrize("style", list(GUARDS))
def test_an_error_in_a_guard_is_reported_where_it_is_written(tmp_path, style):
    guard = GUARDS[style]
    (tmp_path / "s.yaml").write_text(
        "story:\n  id: t\n  title: T\n  start: a\n  state:\n    trust: 0\n    alarm: false\n"
        "scenes:\n  a:\n    title: A\n    text: Here.\n    actions:\n"
        f"      - commands: [x]\n        {guard}")
    with pytest.raises(StoryError) as err:
        load_story(tmp_path)
    source = (tmp_path / "s.yaml").read_text().split("\n")
    (problem,) = [d for d in err.value.diagnostics if "trsut" in d.message]
    assert source[problem.loc.line - 1][problem.loc.col - 1:].startswith("trsut")
