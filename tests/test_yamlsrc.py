"""Located YAML loading (adventure.story.yamlsrc)."""

from __future__ import annotations

import math
import textwrap

import pytest

from adventure.story import yamlsrc
from adventure.story.diagnostics import Loc
from adventure.story.yamlsrc import BlockLoc, LList, LMap, QuotedLoc, load_file, load_text, locate


def load(text: str, name: str = "s.yaml"):
    return load_text(textwrap.dedent(text), name)


def ok(text: str):
    data, problems = load(text)
    assert problems == []
    return data


def only_problem(text: str):
    data, problems = load(text)
    assert len(problems) == 1, problems
    return data, problems[0]


def write(tmp_path, raw: bytes, name: str = "f.yaml"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


# ---- located values ------------------------------------------------------------

def test_mapping_key_and_value_locations_are_one_based():
    data = ok("""\
        title: Terok Nor
        story:
          start:   ops
          count: 3
        """)
    assert isinstance(data, LMap)
    assert data == {"title": "Terok Nor", "story": {"start": "ops", "count": 3}}
    assert data.loc == Loc("s.yaml", 1, 1)
    assert data.key_loc("title") == Loc("s.yaml", 1, 1)
    assert data.val_loc("title") == Loc("s.yaml", 1, 8)
    assert data.key_loc("story") == Loc("s.yaml", 2, 1)
    story = data["story"]
    assert isinstance(story, LMap)
    assert story.loc == Loc("s.yaml", 3, 3)
    assert story.key_loc("start") == Loc("s.yaml", 3, 3)
    assert story.val_loc("start") == Loc("s.yaml", 3, 12)
    assert story.val_loc("count") == Loc("s.yaml", 4, 10)
    assert data.val_loc("story") == Loc("s.yaml", 3, 3)


def test_missing_key_falls_back_to_the_mapping_location():
    data = ok("a:\n  b: 1\n")
    assert data["a"].key_loc("nope") == Loc("s.yaml", 2, 3)
    assert data["a"].val_loc("nope") == Loc("s.yaml", 2, 3)


def test_list_item_locations():
    data = ok("""\
        items:
          - one
          -   two
          - {k: v}
        flow: [a,  b]
        """)
    items = data["items"]
    assert isinstance(items, LList)
    assert items == ["one", "two", {"k": "v"}]
    assert items.loc == Loc("s.yaml", 2, 3)
    assert items.item_loc(0) == Loc("s.yaml", 2, 5)
    assert items.item_loc(1) == Loc("s.yaml", 3, 7)
    assert items.item_loc(2) == Loc("s.yaml", 4, 5)
    assert items[2].key_loc("k") == Loc("s.yaml", 4, 6)
    assert items.item_loc(99) == items.loc
    flow = data["flow"]
    assert flow.item_loc(0) == Loc("s.yaml", 5, 8)
    assert flow.item_loc(1) == Loc("s.yaml", 5, 12)


def test_quoted_and_block_values_have_their_own_location_kinds():
    data = ok("""\
        plain: text
        single: 'text'
        double: "text"
        block: |
          line one
          line two
        folded: >
            folded text
        """)
    assert type(data.val_loc("plain")) is Loc
    assert isinstance(data.val_loc("single"), QuotedLoc)
    assert data.val_loc("single") == Loc("s.yaml", 2, 9)   # the quote
    assert isinstance(data.val_loc("double"), QuotedLoc)
    assert isinstance(data.val_loc("block"), BlockLoc)
    assert data.val_loc("block") == Loc("s.yaml", 5, 3)    # first character of the text
    assert data["block"] == "line one\nline two\n"
    assert data.val_loc("folded") == Loc("s.yaml", 8, 5)


@pytest.mark.parametrize("text, value", [
    ("v: 3", 3), ("v: -7", -7), ("v: 0x1f", 31), ("v: -0x1f", -31), ("v: 0b101", 5),
    ("v: 1_000", 1000),
    ("v: 2.0", 2), ("v: 1.5", 1.5), ("v: true", True), ("v: no", False), ("v: ~", None),
    ("v: null", None), ("v:", None), ("v: '3'", "3"), ("v: !!str 3", "3"),
    ("v: !!int '3'", 3), ("v: it's", "it's"),
])
def test_scalar_values(text, value):
    data = ok(text)
    assert data["v"] == value
    assert type(data["v"]) is type(value)


def test_non_string_keys_become_strings():
    data = ok("1: one\ntrue: yes\n")
    assert list(data) == ["1", "true"]


def test_a_list_as_key_is_refused():
    data, p = only_problem("? [a, b]\n: 1\nc: 2\n")
    assert p.message == "a key must be a plain word, not a list or mapping"
    assert (p.loc.line, p.loc.col) == (1, 3)
    assert data == {"c": 2}


def test_infinity_is_read_as_infinity():
    data = ok("v: .inf\nw: -.inf\n")
    assert math.isinf(data["v"]) and data["v"] > 0
    assert math.isinf(data["w"]) and data["w"] < 0


def test_sexagesimal_number_does_not_crash():
    data, problems = load_text("v: 1:30\n", "s.yaml")
    assert data == {"v": "1:30"} and problems == []  # kept as the text the author wrote


# ---- duplicates, tags, aliases, merges -----------------------------------------

def test_duplicate_key_is_reported_with_both_lines():
    data, p = only_problem("""\
        a: 1
        b: 2
        a: 3
        """)
    assert p.loc == Loc("s.yaml", 3, 1)
    assert p.message == "duplicate key 'a' (first defined at line 1)"
    assert data == {"a": 1, "b": 2}


def test_nested_and_repeated_duplicates_are_all_reported():
    _, problems = load("""\
        scenes:
          ops:
            title: A
            text: x
            title: B
          ops:
            title: C
        """)
    got = [(p.loc.line, p.loc.col, p.message) for p in problems]
    assert got == [(5, 5, "duplicate key 'title' (first defined at line 3)"),
                   (6, 3, "duplicate key 'ops' (first defined at line 2)")]


@pytest.mark.parametrize("text, tag", [
    ("v: !!python/object:os.system 'echo hi'", "tag:yaml.org,2002:python/object:os.system"),
    ("v: !!python/name:os.system ''", "tag:yaml.org,2002:python/name:os.system"),
    ("v: !!binary aGVsbG8=", "tag:yaml.org,2002:binary"),
    ("v: !custom x", "!custom"),
])
def test_unsupported_scalar_tags_are_diagnostics(text, tag):
    data, p = only_problem(text)
    assert p.message == f"unsupported YAML tag {tag!r}; write it as a plain string"
    assert (p.loc.line, p.loc.col) == (1, 4)
    assert isinstance(data["v"], str)


def test_a_plain_date_is_the_text_written():
    data, problems = load_text("v: 2001-12-14\nw: [2371-05-01, x]\n", "f.yaml")
    assert problems == [] and data == {"v": "2001-12-14", "w": ["2371-05-01", "x"]}


def test_python_tags_are_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = write(tmp_path, (
        f"a: !!python/object/apply:os.mkdir ['{marker}']\n"
        f"b: !!python/object/new:os.mkdir {{args: ['{marker}']}}\n").encode())
    data, problems = load_file(path, "f.yaml")
    assert not marker.exists()
    assert [(p.loc.line, p.loc.col) for p in problems] == [(1, 4), (2, 4)]
    assert "on a list" in problems[0].message
    assert "on a mapping" in problems[1].message
    assert all("unsupported YAML tag" in p.message for p in problems)
    assert data["a"] == [str(marker)]


def test_alias_expansion():
    data = ok("""\
        base: &hints [first, second]
        one: *hints
        two:
          nested: *hints
        """)
    assert data["one"] == ["first", "second"]
    assert data["two"]["nested"] == ["first", "second"]
    # each use is a value of its own: changing one does not change the others
    data["one"].append("third")
    assert data["base"] == ["first", "second"]


def test_self_referencing_alias_is_a_diagnostic():
    data, p = only_problem("a: &loop\n  b: *loop\n")
    assert p.message == "an alias refers to itself; stories cannot be recursive"
    assert (p.loc.line, p.loc.col) == (1, 4)  # where the anchored mapping starts
    assert data == {"a": {"b": None}}


def test_self_referencing_list_alias_is_a_diagnostic():
    _, p = only_problem("x: &a [1, *a]\n")
    assert "an alias refers to itself" in p.message
    assert (p.loc.line, p.loc.col) == (1, 4)


def test_merge_keys():
    data = ok("""\
        base: &base {title: Base, text: Shared, hidden: false}
        more: &more {extra: 1}
        scene:
          <<: *base
          title: Own
        both:
          <<: [*base, *more]
        """)
    assert data["scene"] == {"title": "Own", "text": "Shared", "hidden": False}
    assert data["scene"].key_loc("title") == Loc("s.yaml", 5, 3)   # explicit key wins
    assert data["both"] == {"title": "Base", "text": "Shared", "hidden": False, "extra": 1}


def test_explicit_key_wins_over_merge_wherever_it_is_written():
    data = ok("a:\n  <<: {x: 1, y: 2}\n  x: 3\nb:\n  x: 3\n  <<: {x: 1}\n")
    assert data["a"] == {"x": 3, "y": 2}
    assert data["b"] == {"x": 3}


def test_merging_a_non_mapping_is_a_diagnostic():
    data, p = only_problem("a:\n  <<: [1]\n  b: 2\n")
    assert p.message == "'<<' merges only mappings"
    assert (p.loc.line, p.loc.col) == (2, 8)
    assert data == {"a": {"b": 2}}


def test_alias_bombs_are_refused(monkeypatch):
    monkeypatch.setattr(yamlsrc, "MAX_VALUES", 1000)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 6)]
    data, problems = load_text("\n".join(lines) + "\n", "s.yaml")
    assert data is None
    assert len(problems) == 1
    assert problems[0].message.startswith("file is too large: more than 1,000 values")


def test_deep_nesting_is_refused():
    text = "v: " + "[" * 100 + "]" * 100 + "\n"
    data, problems = load_text(text, "s.yaml")
    assert data is None
    # refused by the scan that runs before PyYAML builds anything
    assert [(p.message, p.loc.line) for p in problems] == [
        ("nested deeper than 64 levels; a story never needs that", 1)]


def test_alias_expansion_has_its_own_limit():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    data, problems = load_text("\n".join(lines) + "\n", "s.yaml")
    assert data is None
    assert "aliases expand to more than 100,000 values (an alias bomb?)" in problems[0].message


def test_ordinary_aliases_are_fine():
    data, problems = load_text("base: &b {x: 1}\nuse: *b\nmore: [*b, *b]\n", "s.yaml")
    assert problems == [] and data["more"] == [{"x": 1}, {"x": 1}]


# ---- syntax errors and documents -----------------------------------------------------

@pytest.mark.parametrize("text, line, col, fragment", [
    ("a: [1, 2\n", 2, 1, "did not find expected ',' or ']'"),
    ("a: b: c\n", 1, 5, "mapping values are not allowed in this context"),
    ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed"),
    ("a: 'open\n", 2, 1, "found unexpected end of stream"),
    ("a: *nowhere\n", 1, 4, "found undefined alias"),
    ("a: 1\n\tb: 2\n", 2, 1, "found a tab character"),
])
def test_yaml_syntax_errors_are_located(text, line, col, fragment):
    data, problems = load_text(text, "s.yaml")
    assert data is None
    assert len(problems) == 1
    p = problems[0]
    assert p.message.startswith("YAML syntax: ")
    assert fragment in p.message
    assert (p.loc.file, p.loc.line, p.loc.col) == ("s.yaml", line, col)


def test_multiple_documents_are_refused_at_the_second():
    data, problems = load_text("a: 1\n---\nb: 2\n", "s.yaml")
    assert data is None
    assert [(p.loc.line, p.message) for p in problems] == [
        (3, "more than one YAML document in a file; split it into files")]


def test_a_single_document_may_start_with_a_marker():
    assert ok("---\na: 1\n") == {"a": 1}


@pytest.mark.parametrize("text", ["", "# just a comment\n", "\n\n"])
def test_empty_file_is_no_data_and_no_problem(text):
    assert load_text(text, "s.yaml") == (None, [])


# ---- files: encoding, control characters, size ------------------------------------------

def test_load_file_reads_utf8(tmp_path):
    path = write(tmp_path, "title: Café — ☕\n".encode())
    data, problems = load_file(path, "nice.yaml")
    assert problems == []
    assert data == {"title": "Café — ☕"}
    assert data.loc.file == "nice.yaml"


def test_load_file_names_the_file_by_its_path_by_default(tmp_path):
    path = write(tmp_path, b"a: [\n")
    _, problems = load_file(path)
    assert problems[0].loc.file == str(path)


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: x\r\n")
    data, problems = load_file(path, "f.yaml")
    assert problems == []
    assert data == {"a": 1, "b": {"c": "x"}}
    assert data["b"].val_loc("c") == Loc("f.yaml", 3, 6)


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path):
    path = write(tmp_path, b"a: 1\nb: 2\ntitle: caf\xe9\n")
    data, problems = load_file(path, "f.yaml")
    assert data is None
    assert [(p.loc.line, p.message) for p in problems] == [
        (3, "not UTF-8 text; save the file as UTF-8")]


@pytest.mark.parametrize("raw, line, col, char", [
    (b"a: 1\nb: x\x01y\n", 2, 5, "\\x01"),
    (b"a: '\x00'\n", 1, 5, "\\x00"),
    (b"a:\n  - 1\n  - x\x1b[31m\n", 3, 6, "\\x1b"),
    (b"a: 1\r\nb: x\x7f\r\n", 2, 5, "\\x7f"),
])
def test_control_characters_are_reported_with_line_and_column(tmp_path, raw, line, col, char):
    path = write(tmp_path, raw)
    data, problems = load_file(path, "f.yaml")
    assert data is None
    assert [(p.loc.line, p.loc.col, p.message) for p in problems] == [
        (line, col, f"control character '{char}' in the file; remove it")]


def test_tabs_and_newlines_are_not_control_characters(tmp_path):
    path = write(tmp_path, b"a: 'x\ty'\n")
    assert load_file(path, "f.yaml") == ({"a": "x\ty"}, [])


def test_missing_file(tmp_path):
    data, problems = load_file(tmp_path / "nope.yaml", "nope.yaml")
    assert data is None
    assert len(problems) == 1
    assert problems[0].loc == Loc("nope.yaml", 0, 0)
    assert problems[0].message.startswith("cannot read file")


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsrc, "MAX_FILE_BYTES", 10)
    path = write(tmp_path, b"title: much more than ten bytes\n")
    data, problems = load_file(path, "f.yaml")
    assert data is None
    assert problems[0].message == "file is 32 bytes; the limit is 10"


# ---- locate(): positions inside scalar text --------------------------------------

def where(text: str, key: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    data = ok(text)
    value = data[key]
    offset = -1
    for _ in range(occurrence + 1):
        offset = value.index(needle, offset + 1)
    loc = locate(data.val_loc(key), value, offset)
    return loc.line, loc.col


def test_locate_in_a_plain_scalar():
    assert where("when: has padd and trsut > 2\n", "when", "trsut") == (1, 20)
    assert where("when: has padd\n", "when", "has") == (1, 7)


@pytest.mark.parametrize("quote", ["'", '"'])
def test_locate_in_a_quoted_scalar(quote):
    text = f"when: {quote}has padd and trsut > 2{quote}\n"
    assert where(text, "when", "trsut") == (1, 21)
    assert where(text, "when", "has") == (1, 8)


def test_locate_in_a_literal_block_scalar():
    text = "s:\n  text: |\n    First line.\n    Trust ${trsut}.\n"
    data = ok(text)
    value = data["s"]["text"]
    loc = locate(data["s"].val_loc("text"), value, value.index("trsut"))
    assert (loc.line, loc.col) == (4, 13)
    loc = locate(data["s"].val_loc("text"), value, value.index("First"))
    assert (loc.line, loc.col) == (3, 5)


def test_locate_in_a_block_scalar_with_crlf_and_strip_indicator():
    assert where("text: |-\r\n  one\r\n  two trsut\r\n", "text", "trsut") == (3, 7)


def test_locate_keeps_the_file_name():
    data = ok("when: x\n")
    assert locate(data.val_loc("when"), "x", 0).file == "s.yaml"


def test_locate_in_a_multi_line_plain_scalar():
    assert where("when: has padd and\n  trsut > 2\n", "when", "trsut") == (2, 3)


def test_locate_in_a_folded_block_scalar():
    assert where("text: >\n  Line one\n  and ${trsut}.\n", "text", "trsut") == (3, 9)


def test_locate_in_a_block_scalar_starting_with_a_blank_line():
    assert where("text: |\n\n  Trust ${trsut}.\n", "text", "trsut") == (3, 11)


@pytest.mark.parametrize("text, col", [("when: 'it''s trsut'\n", 14),
                                       ('when: "a\\"b trsut"\n', 13)])
def test_locate_after_an_escape_in_a_quoted_scalar(text, col):
    assert where(text, "when", "trsut") == (1, col)
