"""Story text that shows state: `${...}` templates and paragraphs (adventure.story.text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.story import expr as ex
from adventure.story.text import compile_text, paragraphs

NAMES = ex.Names(variables={"trust": "int", "alarm": "bool", "open": "bool",
                            "codename": "str"},
                 scenes={"ops"}, things={"padd"})


class Env:
    def __init__(self, **values):
        self.vars = {"trust": 3, "alarm": False, "open": True, "codename": "kira"}
        self.vars.update(values)
        self.turn = 4
        self.score = 0

    def has(self, thing: str) -> bool:
        return thing == "padd"

    def visits(self, scene: str) -> int:
        return 1


def render(src: str, **values) -> str:
    return compile_text(src, NAMES).render(Env(**values))


def error(src: str) -> ex.ExprError:
    with pytest.raises(ex.ExprError) as info:
        compile_text(src, NAMES)
    return info.value


# ---- rendering -------------------------------------------------------------------

@pytest.mark.parametrize("src", ["", "Plain text.", "A $ sign, $5 and $x.", "a {b} c",
                                 "Two\n\nparagraphs."])
def test_plain_text_is_static_and_unchanged(src):
    t = compile_text(src, NAMES)
    assert t.static is True
    assert t.source == src
    assert t.render(Env()) == src


@pytest.mark.parametrize("src, expected", [
    ("${trust}", "3"),
    ("Trust: ${trust}.", "Trust: 3."),
    ("${trust * 2 + 1} points", "7 points"),
    ("Agent ${codename}", "Agent kira"),
    ("${alarm}/${open}", "no/yes"),
    ("${has padd}", "yes"),
    ("${turn}", "4"),
    ("${ trust }", "3"),
    ("${'a}b'}", "a}b"),         # a brace inside a quoted string does not close
    ('${"{x}"}', "{x}"),
    ("${trust}${trust}", "33"),
])
def test_values(src, expected):
    t = compile_text(src, NAMES)
    assert t.static is False
    assert t.render(Env()) == expected


def test_values_are_read_at_render_time():
    t = compile_text("Trust is ${trust}.", NAMES)
    assert t.render(Env(trust=1)) == "Trust is 1."
    assert t.render(Env(trust=-5)) == "Trust is -5."


@pytest.mark.parametrize("src, expected", [
    ("Costs $$5.", "Costs $5."),
    ("$$", "$"),
    ("$$$$", "$$"),
    ("$${trust}", "${trust}"),
    ("$$$${trust}", "$${trust}"),
])
def test_double_dollar_is_a_literal_dollar(src, expected):
    t = compile_text(src, NAMES)
    assert t.static is True
    assert t.render(Env()) == expected


def test_double_dollar_next_to_a_value():
    assert render("$$${trust}") == "$3"
    assert render("${trust}$$") == "3$"


TEMPLATE = "Deck: ${if alarm}red${elif trust > 2}amber${elif open}open${else}quiet${end}."


@pytest.mark.parametrize("values, expected", [
    ({"alarm": True}, "Deck: red."),
    ({"alarm": False, "trust": 3}, "Deck: amber."),
    ({"alarm": False, "trust": 0, "open": True}, "Deck: open."),
    ({"alarm": False, "trust": 0, "open": False}, "Deck: quiet."),
])
def test_if_elif_else(values, expected):
    assert render(TEMPLATE, **values) == expected


@pytest.mark.parametrize("alarm, expected", [(True, "A X B"), (False, "A  B")])
def test_if_without_else_renders_nothing_when_false(alarm, expected):
    assert render("A ${if alarm}X${end} B", alarm=alarm) == expected
    assert render("A ${if alarm}${end} B", alarm=alarm) == "A  B"


@pytest.mark.parametrize("values, expected", [
    ({"alarm": True, "open": True}, "[A1x]"),
    ({"alarm": True, "open": False}, "[A2x]"),
    ({"alarm": False, "open": True}, "[B]"),
    ({"alarm": False, "open": False}, "[C3]"),
])
def test_nested_conditionals(values, expected):
    src = ("[${if alarm}A${if open}1${else}2${end}x"
           "${elif open}B"
           "${else}C${if trust > 2}3${end}${end}]")
    assert render(src, **values) == expected


def test_whitespace_inside_keywords_is_allowed():
    assert render("${ if alarm }x${ else }y${ end }") == "y"
    assert render("${if\nalarm}x${elif  open }o${end}") == "o"


def test_values_inside_branches():
    assert render("${if open}Trust ${trust}, agent ${codename}.${end}") == "Trust 3, agent kira."


# ---- errors and their offsets ----------------------------------------------------

@pytest.mark.parametrize("src, offset", [
    ("${trust", 0),
    ("Abc ${trust", 4),
    ("$$ ${oops", 3),
    ("${if alarm}x${end", 12),
    ("${'}", 0),   # the quote swallows the brace
])
def test_unclosed_dollar_brace(src, offset):
    err = error(src)
    assert err.message == "'${' is never closed with '}' (write $$ for a dollar sign)"
    assert err.offset == offset


@pytest.mark.parametrize("src, word, offset", [
    ("Hello ${else} there", "else", 6),
    ("${end}", "end", 0),
    ("ab ${elif open}x${end}", "elif", 3),
    ("${if open}x${end}${else}", "else", 17),
])
def test_branch_word_without_if(src, word, offset):
    err = error(src)
    assert err.message == f"'${{{word}}}' without an '${{if ...}}' before it"
    assert err.offset == offset


@pytest.mark.parametrize("src", [
    "ab ${if open}x",
    "ab ${if open}x${else}y",
    "ab ${if open}x${elif alarm}y",
    "ab ${if open}${if alarm}x${end}",
    "${if open}",
])
def test_missing_end(src):
    err = error(src)
    assert err.message == "'${if ...}' is never closed with '${end}'"
    assert 0 <= err.offset <= len(src)


@pytest.mark.parametrize("src, if_at", [
    ("ab ${if open}x", 3),
    ("ab ${if open}x${else}y", 3),
    ("ab ${if open}${if alarm}x${end} more", 3),
])
def test_missing_end_points_at_the_open_if(src, if_at):
    err = error(src)
    assert err.offset in (if_at, if_at + 2)  # at '${' or at 'if'


@pytest.mark.parametrize("src, offset", [
    ("${if open}x${else}y${else}z${end}", 21),
    ("${if open}x${else}y${elif alarm}z${end}", 21),
])
def test_nothing_may_follow_else(src, offset):
    err = error(src)
    assert err.message == "nothing may follow '${else}' but '${end}'"
    assert err.offset == offset


@pytest.mark.parametrize("src, offset, message", [
    ("${if}x${end}", 2, "'${if}' needs a condition"),
    ("${if open}x${elif}y${end}", 13, "'${elif}' needs a condition"),
    ("${}", 2, "empty expression"),
    ("Trust ${trsut}.", 8, "unknown variable 'trsut' (did you mean 'trust'?)"),
    ("ab ${if trsut > 1}x${end}", 8, "unknown variable 'trsut' (did you mean 'trust'?)"),
    ("${if open}x${elif alram}y${end}", 18, "unknown variable 'alram' (did you mean 'alarm'?)"),
    ("x ${trust +}", 11, "expected a value, found the end of the expression"),
    ("${alarm == 1}", 8, "cannot compare a flag with a number"),
    ("$$ ${if open}${codename + 1}${end}", 15, "'+' needs numbers, not text"),
])
def test_expression_errors_are_located_in_the_whole_text(src, offset, message):
    err = error(src)
    assert err.message == message
    assert err.offset == offset


# ---- paragraphs -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("\n\n \n", []),
    ("One line.", ["One line."]),
    ("First\nline joined.", ["First line joined."]),
    ("  indented\n    lines  ", ["indented lines"]),
    ("One.\n\nTwo.", ["One.", "Two."]),
    ("One.\n \t\nTwo.\n\n\n\nThree.", ["One.", "Two.", "Three."]),
    ("A\nb\n\nc\nd\n", ["A b", "c d"]),
])
def test_paragraphs(text, expected):
    assert paragraphs(text) == expected


def test_paragraphs_of_rendered_text():
    src = "Deck.\n\n${if alarm}Red light.${else}The\ndeck is quiet.${end}\n"
    assert paragraphs(render(src)) == ["Deck.", "The deck is quiet."]
    assert paragraphs(render(src, alarm=True)) == ["Deck.", "Red light."]


# ---- properties ---------------------------------------------------------------------

@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="$")))
def test_text_without_dollar_renders_as_is(src):
    t = compile_text(src, NAMES)
    assert t.static
    assert t.render(Env()) == src


PIECES = ["${", "}", "$$", "$", "if ", "elif ", "else", "end", "alarm", "trust", "open",
          " ", "x", "'", "==", "1", "\n"]


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_compile_returns_a_template_or_raises_expr_error(src):
    try:
        t = compile_text(src, NAMES)
    except ex.ExprError as err:
        assert 0 <= err.offset <= len(src)
        return
    assert isinstance(t.render(Env()), str)


def test_an_if_that_shows_nothing_leaves_one_space_not_two():
    """'He waits. ${if x}More.${end} Then' with x false reads 'He waits. Then'."""
    from adventure.story.text import paragraphs

    assert paragraphs("He waits.  Then he goes.\n\nAnd  again") == [
        "He waits. Then he goes.", "And again"]
