"""Draw the study group's lifecycle (bot/core/lifecycle.py) as docs/lifecycle.png, from the state machine itself
(python-statemachine's diagram support: pydot, and Graphviz's `dot`, Debian package graphviz). Run it again when
the lifecycle changes; the README embeds the picture.

    apt-get install graphviz && pip install pydot==4.0.1
    python scripts/draw_lifecycle.py [OUT.png]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statemachine.contrib.diagram import DotGraphMachine  # noqa: E402

from bot.core.lifecycle import STATE_NAMES, Lifecycle  # noqa: E402


class Diagram(DotGraphMachine):
    graph_rankdir = "LR"
    font_name = "Noto Sans CJK SC"
    state_font_size = "14"
    transition_font_size = "11"


def main(out: Path) -> None:
    graph = Diagram(Lifecycle).get_graph()
    nodes = graph.get_nodes() + [n for sub in graph.get_subgraphs() for n in sub.get_nodes()]
    for node in nodes:  # each state with its Chinese name under the code name
        name = node.get_name().strip('"')
        if name in STATE_NAMES:
            node.set_label(f'"{name}\\n{STATE_NAMES[name]}"')
    graph.set_label('"study group lifecycle (bot/core/lifecycle.py)"')
    graph.set_dpi(110)
    out.parent.mkdir(parents=True, exist_ok=True)
    graph.write_png(str(out))
    print(f"{out}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "lifecycle.png")
