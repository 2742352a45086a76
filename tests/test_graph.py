"""The story graph exporter: Mermaid and DOT text for the demo, the bundled story and
a tiny story whose titles are full of syntax characters."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import DEMO, STORY

from adventure.author.graph import FORMATS, clean_label, render, to_dot, to_mermaid
from adventure.story.loader import load_story
from adventure.story.model import Story

DEMO_CHAPTERS = {
    "aboard": {"airlock", "corridor", "crawlway", "engineering", "hold"},
    "escape": {"bridge", "computer", "home", "captured"},
}

NASTY_TITLE = 'Ops "Deck": [A] #1 {x} } ; %% end <b>&amp; 日本語 \\N | `t`'
NASTY_CHAPTER = 'Part 1: "Arrival" {x} #2'
NASTY_LABEL = 'Say "hi" ${if n > 0}again${end}: #{ok}; and $$5 more'

TINY = f"""\
story:
  id: tiny
  title: 'Tiny "quoted": [story] #1 {{x}}'
  author: me
  version: 1.0.0
  start: ops
  state:
    n: 0
chapter: '{NASTY_CHAPTER}'
scenes:
  ops:
    title: '{NASTY_TITLE}'
    text: Here.
    exits:
      down: x_ray
      east: end
    actions:
      - id: talk
        label: '{NASTY_LABEL}'
        call: o_chat
  x_ray:
    title: X-ray room
    text: There.
    exits:
      up: ops
  o_chat:
    title: 'Chat "room"'
    conversation: true
    text: Talk.
  end:
    title: 'The End: "fin" {{'
    text: ""
    ending:
      kind: victory
      title: Done
"""


@pytest.fixture(scope="module")
def tiny_story(tmp_path_factory) -> Story:
    root = tmp_path_factory.mktemp("tiny_story")
    (root / "story.yaml").write_text(TINY, encoding="utf-8")
    return load_story(root)


@pytest.fixture(scope="module")
def bundled_story() -> Story:
    return load_story(STORY)


# -- helpers ------------------------------------------------------------------------------

MERMAID_STRING = re.compile(r'"[^"\n]*"')
DOT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def mermaid_decode(label: str) -> str:
    """Undo Mermaid entity codes, as Mermaid does when it draws the label."""
    label = label.replace("#quot;", '"')
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


def dot_decode(label: str) -> str:
    return re.sub(r"\\(.)", r"\1", label)


def mermaid_groups(text: str) -> dict[str, set[str]]:
    """subgraph id -> the node ids declared in it."""
    groups: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"\s*subgraph (\w+)\[", line)
        if m:
            current = groups.setdefault(m.group(1), set())
        elif line.strip() == "end":
            current = None
        elif current is not None:
            current.add(re.match(r"\s*(\w+)", line).group(1))
    return groups


def dot_clusters(text: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r'\s*subgraph "(cluster_\w+)" \{', line)
        if m:
            current = groups.setdefault(m.group(1), set())
        elif line.strip() == "}":
            current = None
        elif current is not None:
            node = re.match(r'\s*"(\w+)" \[', line)
            if node:
                current.add(node.group(1))
    return groups


def balanced(text: str, open_: str = "{", close: str = "}") -> bool:
    depth = 0
    for ch in text:
        depth += (ch == open_) - (ch == close)
        if depth < 0:
            return False
    return depth == 0


def mermaid_class(text: str, name: str) -> set[str]:
    members: set[str] = set()
    for line in text.splitlines():
        m = re.fullmatch(rf"\s*class (\S+) {name}", line)
        if m:
            members |= set(m.group(1).split(","))
    return members


# -- Mermaid ------------------------------------------------------------------------------


def test_mermaid_header_and_start(demo_story):
    out = to_mermaid(demo_story)
    assert out.startswith("flowchart TD\n")
    assert "    START --> s_airlock\n" in out


def test_mermaid_exits(demo_story):
    out = to_mermaid(demo_story)
    assert '    s_airlock -->|"north"| s_corridor\n' in out
    assert '    s_corridor -->|"vent #40;hidden#41;"| s_crawlway\n' in out  # the hidden exit
    assert '    s_corridor -->|"fore"| s_bridge\n' in out


def test_mermaid_actions_call_return_event(demo_story):
    out = to_mermaid(demo_story)
    assert '    s_bridge -->|"Fly home"| s_home\n' in out
    assert '    s_bridge -.->|"call#58; Talk to the computer"| s_computer\n' in out
    assert '    s_computer -.->|"return#58; Log off"| s_bridge\n' in out
    assert '    ANY -.->|"event#58; guards"| s_captured\n' in out
    assert 'ANY[/"any scene"/]' in out


def test_mermaid_endings(demo_story):
    out = to_mermaid(demo_story)
    assert 's_home((("Home #40;victory#41;")))' in out
    assert 's_captured((("Captured #40;defeat#41;")))' in out
    assert mermaid_class(out, "ending") == {"s_home", "s_captured"}
    assert "classDef ending " in out
    assert mermaid_class(out, "conversation") == {"s_computer"}


def test_mermaid_chapters(demo_story):
    groups = mermaid_groups(to_mermaid(demo_story))
    assert groups == {
        f"ch_{name}": {f"s_{sid}" for sid in sids} for name, sids in DEMO_CHAPTERS.items()
    }
    assert 'subgraph ch_aboard["aboard"]' in to_mermaid(demo_story)


def test_mermaid_escapes_labels(tiny_story):
    out = to_mermaid(tiny_story)
    for line in out.splitlines():
        assert line.count('"') % 2 == 0, line
    labels = [s[1:-1] for s in MERMAID_STRING.findall(out)]
    for label in labels:
        bare = re.sub(r"#\w+;", "", label)
        assert not re.search(r"[\[\]{}():;<>|`#&%\\]", bare), label
    outside = MERMAID_STRING.sub('""', out)
    assert '"' not in outside.replace('""', "")
    assert "{" not in outside and "}" not in outside
    assert balanced(out) and balanced(out, "[", "]") and balanced(out, "(", ")")
    decoded = {mermaid_decode(label) for label in labels}
    assert clean_label(NASTY_TITLE) in decoded
    assert clean_label(NASTY_CHAPTER) in decoded
    assert 'call: Say "hi" again: #{ok}; and $5 more' in decoded  # no ${...}; $$ is $
    assert "    START --> s_ops\n" in out
    assert '    s_ops -->|"east"| s_end\n' in out  # `end` is a keyword: ids are prefixed
    assert mermaid_class(out, "ending") == {"s_end"}


# -- DOT ----------------------------------------------------------------------------------


def test_dot_structure(demo_story):
    out = to_dot(demo_story)
    assert out.startswith('digraph "demo-derelict" {\n') and out.endswith("}\n")
    assert '    "__start" -> "airlock";\n' in out
    assert '    "airlock" -> "corridor" [label="north"];\n' in out
    assert '    "corridor" -> "crawlway" [label="vent (hidden)"];\n' in out
    assert '"bridge" -> "computer" [label="call: Talk to the computer", style=dashed' in out
    assert '"computer" -> "bridge" [label="return: Log off", style=dashed' in out
    assert '"__any" -> "captured" [label="event: guards"' in out


def test_dot_endings_and_clusters(demo_story):
    out = to_dot(demo_story)
    for sid, label in (("home", "Home\\n(victory)"), ("captured", "Captured\\n(defeat)")):
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(f'"{sid}" ['))
        assert "shape=doublecircle" in line and f'label="{label}"' in line
    doubles = {m for m in re.findall(r'"(\w+)" \[shape=doublecircle', out)}
    assert doubles == {"home", "captured"}
    clusters = dot_clusters(out)
    assert clusters == {f"cluster_{name}": sids for name, sids in DEMO_CHAPTERS.items()}
    assert 'label="aboard";' in out


def test_dot_escapes_labels(tiny_story):
    out = to_dot(tiny_story)
    strings = DOT_STRING.findall(out)
    outside = DOT_STRING.sub('""', out)
    assert '"' not in outside.replace('""', "")
    assert balanced(outside) and balanced(outside, "[", "]")
    decoded = {dot_decode(s[1:-1]) for s in strings}
    assert clean_label(NASTY_TITLE) in decoded
    assert clean_label(NASTY_CHAPTER) in decoded
    assert '"end" [shape=doublecircle' in out


def _dot_binary() -> str:
    found = shutil.which("dot")
    if found is None:
        pytest.skip("Graphviz `dot` is not installed")
    return found


@pytest.mark.parametrize("which", ["demo", "tiny", "bundled"])
def test_dot_is_accepted_by_graphviz(which, demo_story, tiny_story, bundled_story):
    dot = _dot_binary()
    story = {"demo": demo_story, "tiny": tiny_story, "bundled": bundled_story}[which]
    done = subprocess.run([dot, "-Tsvg"], input=to_dot(story), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "<svg" in done.stdout


# -- both ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt, demo_story):
    first = render(demo_story, fmt)
    assert render(demo_story, fmt) == first
    assert render(load_story(DEMO), fmt) == first  # a fresh load gives the same bytes


def test_render_dispatch(demo_story):
    assert render(demo_story, "mermaid") == to_mermaid(demo_story)
    assert render(demo_story, "dot") == to_dot(demo_story)
    with pytest.raises(ValueError, match="svg"):
        render(demo_story, "svg")


def test_bundled_story_every_scene_is_a_node(bundled_story):
    mermaid = to_mermaid(bundled_story)
    dot = to_dot(bundled_story)
    declared = set(re.findall(r"^\s*s_(\w+)[\[(]", mermaid, re.M))
    assert declared == set(bundled_story.scenes)
    dot_nodes = set(re.findall(r'^\s*"(\w+)" \[', dot, re.M)) - {"__start", "__any"}
    assert dot_nodes == set(bundled_story.scenes)
    assert f"START --> s_{bundled_story.start}\n" in mermaid
    assert f'"__start" -> "{bundled_story.start}";' in dot


def test_clean_label():
    assert clean_label("Open ${if a}the${else}a${end} door") == "Open thea door"
    assert clean_label("Costs $$5 ${n}") == "Costs $5"
    assert clean_label('say ${"}"} it') == "say it"
    long = clean_label("word " * 20)
    assert len(long) == 40 and long.endswith("\u2026")
    assert clean_label("  two\n lines ") == "two lines"

