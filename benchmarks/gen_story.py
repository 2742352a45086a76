"""Generate a synthetic story of N scenes for the scale benchmark.

Each scene has a paragraph of text and three actions, each with a guard, effects
and text; the scenes are written 1,000 to a file.

    python benchmarks/gen_story.py N OUTDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

PER_FILE = 1000
VARS = 10
PARAGRAPH = (
    "The corridor bends here under a ceiling of rusted conduit. Somewhere far off a "
    "pump labours, stops, and labours again; the deck plates carry the sound into "
    "your boots. A panel on the wall shows a map nobody has updated in years, and "
    "a draught smells faintly of ozone and old coffee. ${if v%d > 2}You have been "
    "busy around here.${else}Nothing seems to have changed in a long while.${end}"
)


def scene_yaml(i: int, n: int) -> str:
    v = f"v{i % VARS}"
    nxt, jump, back = (i + 1) % n, (i * 7 + 3) % n, (i - 1) % n
    text = PARAGRAPH % (i % VARS)
    return f"""  s{i}:
    title: Junction {i}
    text: |
      {text}
    actions:
      - id: forward
        commands: [go forward, walk on]
        label: Walk on
        when: {v} < 1000000
        do: [{v} += 1, score += 1]
        text: You walk on.
        to: s{nxt}
      - id: lever
        verbs: [pull, yank]
        nouns: [lever, handle]
        label: Pull the lever
        when: not alarm or {v} > 3
        do: [set alarm, {{if: {v} > 5, then: [{v} -= 1], else: [{v} += 2]}}]
        text: The lever gives with a clank.
        to: s{jump}
      - id: retreat
        commands: [go back, retreat]
        label: Go back
        when: turn >= 0
        do: [unset alarm]
        text: You retrace your steps.
        to: s{back}
"""


def generate(n: int, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    state = "".join(f"    v{k}: 0\n" for k in range(VARS))
    head = out / "story.yaml"
    head.write_text(f"""story:
  id: synthetic-{n}
  title: Synthetic {n}
  author: benchmarks/gen_story.py
  version: 1.0.0
  start: s0
  max_score: 1000000
  state:
    alarm: false
{state}""")
    files = [head]
    for start in range(0, n, PER_FILE):
        path = out / f"scenes_{start // PER_FILE:03d}.yaml"
        with path.open("w") as f:
            f.write(f"chapter: part{start // PER_FILE}\nscenes:\n")
            for i in range(start, min(n, start + PER_FILE)):
                f.write(scene_yaml(i, n))
        files.append(path)
    return files


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
