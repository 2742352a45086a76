"""The story as a graph: Mermaid (for GitHub Markdown) or Graphviz DOT text.

Scenes are nodes grouped by chapter; exits, actions, calls, returns, fallbacks and
timed events are edges. The text is generated here rather than by transitions'
GraphMachine: it has no chapter grouping or per-edge styling, and its escaping of
author text is not ours to control. MarkupMachine is never used (it imports classes
named in its input). The Mermaid output is a `flowchart`, not a `stateDiagram-v2`:
Mermaid documents that a state diagram cannot link states of different composite
states (our chapters) nor style states inside them, and a flowchart can do both.
The output depends only on the story, so the same story gives byte-identical text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..story.model import Action, Story
from ..story.text import Template

FORMATS = ("mermaid", "dot")

LABEL_LIMIT = 40

_START = "*start"  # pseudo-nodes: never a scene id (ids start with a letter)
_ANY = "*any"

_CODE = re.compile(r"""\$\$|\$\{(?:[^}"']|"[^"]*"|'[^']*')*\}""")


@dataclass(frozen=True)
class _Edge:
    src: str
    dst: str
    label: str
    kind: str  # start, exit, action, call, return, fallback, event


@dataclass
class _Graph:
    chapters: list[tuple[str, list[str]]] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)  # scenes with no chapter
    edges: list[_Edge] = field(default_factory=list)
    uses_any: bool = False


# -- labels --------------------------------------------------------------------


def clean_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """Drop `${...}` code, turn `$$` into `$`, squeeze whitespace, cut at `limit` chars."""
    text = _CODE.sub(lambda m: "$" if m.group() == "$$" else "", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def _source(spec: object) -> str:
    """The author's text of a Template or of the first option of a OneOf."""
    if isinstance(spec, Template):
        return spec.source
    options = getattr(spec, "options", None)
    if options:
        return _source(options[0])
    return ""


def _action_text(a: Action) -> str:
    """An action's label text, else its first command, else verb and noun, else its id."""
    text = clean_label(_source(a.label)) if a.label is not None else ""
    if not text and a.commands:
        text = clean_label(" ".join(a.commands[0]))
    if not text and a.verbs:
        obj = " ".join(a.nouns[0]) if a.nouns else (a.thing or "")
        text = clean_label(" ".join([*a.verbs[0], obj]))
    return text or a.id


def _hidden(text: str, hidden: bool) -> str:
    return f"{text} (hidden)" if hidden else text


# -- the graph, independent of the output format ---------------------------------------


def _build(story: Story) -> _Graph:
    g = _Graph()
    by_chapter: dict[str, list[str]] = {}
    for s in story.scenes.values():
        if s.chapter:
            by_chapter.setdefault(s.chapter, []).append(s.id)
        else:
            g.loose.append(s.id)
    g.chapters = list(by_chapter.items())

    edges: list[_Edge] = []
    if story.start in story.scenes:
        edges.append(_Edge(_START, story.start, "", "start"))
    callers: dict[str, list[str]] = {}
    for s in story.scenes.values():
        for a in s.actions:
            if a.call:
                src = _ANY if a.key.startswith("global.") else s.id
                if src not in callers.setdefault(a.call, []):
                    callers[a.call].append(src)
    for s in story.scenes.values():
        if s.ending is not None:
            continue  # only restart and quit work after an ending
        for ex in s.exits:
            if ex.blocked:
                continue  # a way that leads nowhere is no edge
            edges.append(_Edge(s.id, ex.to, _hidden(ex.key, ex.hidden), "exit"))
        for a in s.actions:
            glob = a.key.startswith("global.")
            src = _ANY if glob else s.id
            text = _hidden(_action_text(a), a.hidden)
            if a.to:
                edges.append(_Edge(src, a.to, text, "action"))
            elif a.call:
                edges.append(_Edge(src, a.call, f"call: {text}", "call"))
            elif a.ret:
                for caller in sorted(callers.get(s.id, []), key=_order):
                    edges.append(_Edge(s.id, caller, f"return: {text}", "return"))
        if s.fallback is not None and s.fallback.to:
            edges.append(_Edge(s.id, s.fallback.to, "fallback", "fallback"))
    for event in story.events.values():
        if event.to:
            edges.append(_Edge(_ANY, event.to, f"event: {event.id}", "event"))
    g.edges = list(dict.fromkeys(edges))  # drop repeats, keep order
    g.uses_any = any(_ANY in (e.src, e.dst) for e in g.edges)
    return g


def _order(sid: str) -> tuple[bool, str]:
    return (sid.startswith("*"), sid)


def _unique_ids(names: Iterable[str], prefix: str) -> dict[str, str]:
    """A safe, distinct identifier (`prefix` + [a-z0-9_]) for each name."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = prefix + (re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "x")
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}_{n}", n + 1
        taken.add(ident)
        out[name] = ident
    return out


def _ending_label(story: Story, sid: str) -> str:
    s = story.scenes[sid]
    kind = s.ending.kind if s.ending is not None else ""
    return f"{clean_label(s.title) or sid} ({clean_label(kind, 20)})"


# -- Mermaid -----------------------------------------------------------------------------

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ,.!?'_/+=*~@$-]|[^\x00-\x7f]")

_MERMAID_ARROWS = {
    "start": "-->", "exit": "-->", "action": "-->", "fallback": "-->",
    "call": "-.->", "return": "-.->", "event": "-.->",
}


def _mq(text: str) -> str:
    """A double-quoted Mermaid string: every ASCII sign that could mean syntax becomes an
    entity code (`#quot;`, `#35;`, ...), which Mermaid turns back into the character."""
    out = []
    for ch in text:
        if _MERMAID_SAFE.fullmatch(ch):
            out.append(ch)
        elif ch == '"':
            out.append("#quot;")
        elif ch in "\t\r\n":
            out.append(" ")
        else:
            out.append(f"#{ord(ch)};")
    return f'"{"".join(out)}"'


def to_mermaid(story: Story) -> str:
    """The story as a Mermaid flowchart that renders in GitHub Markdown."""
    g = _build(story)
    ids = {sid: f"s_{sid}" for sid in story.scenes}  # s_ keeps clear of `end`, `o`/`x` arrows
    ids[_START] = "START"
    ids[_ANY] = "ANY"
    chapter_ids = _unique_ids([name for name, _ in g.chapters], "ch_")
    lines = ["flowchart TD"]

    def node(sid: str, indent: str) -> str:
        s = story.scenes[sid]
        if s.ending is not None:
            return f"{indent}{ids[sid]}((({_mq(_ending_label(story, sid))})))"
        label = _mq(clean_label(s.title) or sid)
        if s.conversation:
            return f"{indent}{ids[sid]}({label})"
        return f"{indent}{ids[sid]}[{label}]"

    lines.append(f'    START(({_mq("start")}))')
    if g.uses_any:
        lines.append(f'    ANY[/{_mq("any scene")}/]')
    for name, sids in g.chapters:
        lines.append(f"    subgraph {chapter_ids[name]}[{_mq(clean_label(name))}]")
        lines.extend(node(sid, "        ") for sid in sids)
        lines.append("    end")
    lines.extend(node(sid, "    ") for sid in g.loose)
    for e in g.edges:
        arrow = _MERMAID_ARROWS[e.kind]
        label = f"|{_mq(e.label)}|" if e.label else ""
        lines.append(f"    {ids[e.src]} {arrow}{label} {ids[e.dst]}")
    endings = [ids[s.id] for s in story.scenes.values() if s.ending is not None]
    talks = [ids[s.id] for s in story.scenes.values() if s.conversation and s.ending is None]
    lines.append("    classDef ending fill:#fde68a,stroke:#b45309,stroke-width:3px")
    lines.append("    classDef conversation fill:#e0f2fe,stroke:#0369a1,stroke-dasharray:5 3")
    lines.append("    classDef marker fill:#1f2937,color:#ffffff,stroke:#1f2937")
    lines.append("    class START marker")
    if g.uses_any:
        lines.append("    class ANY marker")
    if endings:
        lines.append(f"    class {','.join(endings)} ending")
    if talks:
        lines.append(f"    class {','.join(talks)} conversation")
    return "\n".join(lines) + "\n"


# -- DOT ---------------------------------------------------------------------------------

_DOT_STYLE = {
    "start": "",
    "exit": "",
    "action": "",
    "fallback": ", style=dashed, color=gray40",
    "call": ", style=dashed, color=blue",
    "return": ", style=dashed, color=blue, arrowhead=empty",
    "event": ", style=dotted, color=red",
}


def _dq(*lines: str) -> str:
    """A double-quoted DOT string of one or more lines; backslashes are doubled so that
    `\\N`, `\\G`... in author text stay literal."""
    parts = [" ".join(t.replace("\\", "\\\\").replace('"', '\\"').split()) for t in lines]
    return '"' + "\\n".join(parts) + '"'


def to_dot(story: Story) -> str:
    """The story as a Graphviz digraph (DOT source)."""
    g = _build(story)
    ids = {sid: _dq(sid) for sid in story.scenes}
    ids[_START] = _dq("__start")
    ids[_ANY] = _dq("__any")
    cluster_ids = _unique_ids([name for name, _ in g.chapters], "cluster_")
    lines = [
        f"digraph {_dq(story.id or 'story')} {{",
        f"    graph [label={_dq(clean_label(story.title, 80))}, labelloc=t, fontsize=18,"
        " fontname=Helvetica];",
        "    node [shape=box, style=rounded, fontname=Helvetica];",
        "    edge [fontname=Helvetica, fontsize=10];",
        f'    {ids[_START]} [shape=point, width=0.2, label=""];',
    ]
    if g.uses_any:
        lines.append(f"    {ids[_ANY]} [shape=note, label={_dq('any scene')}];")

    def node(sid: str, indent: str) -> str:
        s = story.scenes[sid]
        if s.ending is not None:
            label = _dq(clean_label(s.title) or sid, f"({clean_label(s.ending.kind, 20)})")
            return (f"{indent}{ids[sid]} [shape=doublecircle, style=filled, "
                    f'fillcolor="#fde68a", label={label}];')
        attrs = f"label={_dq(clean_label(s.title) or sid)}"
        if s.conversation:
            attrs += ', style="rounded,dashed"'
        return f"{indent}{ids[sid]} [{attrs}];"

    for name, sids in g.chapters:
        lines.append(f"    subgraph {_dq(cluster_ids[name])} {{")
        lines.append(f"        label={_dq(clean_label(name))};")
        lines.append("        style=rounded; color=gray60;")
        lines.extend(node(sid, "        ") for sid in sids)
        lines.append("    }")
    lines.extend(node(sid, "    ") for sid in g.loose)
    for e in g.edges:
        attrs = (f"label={_dq(e.label)}" if e.label else "") + _DOT_STYLE[e.kind]
        attrs = attrs.removeprefix(", ")
        tail = f" [{attrs}]" if attrs else ""
        lines.append(f"    {ids[e.src]} -> {ids[e.dst]}{tail};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(story: Story, fmt: str) -> str:
    """The story graph in `fmt`: "mermaid" or "dot"."""
    if fmt == "mermaid":
        return to_mermaid(story)
    if fmt == "dot":
        return to_dot(story)
    raise ValueError(f"unknown graph format {fmt!r} (expected one of: {', '.join(FORMATS)})")
