"""Write BENCHMARKS.md from the per-area reports that each benchmark script leaves in results/.

Every figure in those reports was measured by its script, baseline and specgui in the same
run on the machine the report names; this only puts them in one file, in a fixed order.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = (
    ("splits.md", "python benchmarks/bench_splits.py"),
    ("sanity.md", "python benchmarks/bench_sanity.py"),
    ("view.md", "python benchmarks/bench_view.py"),
    ("gui.md", "python benchmarks/bench_gui.py"),
    ("audit.md", "python benchmarks/bench_audit.py"),
    ("grouping.md", "python benchmarks/bench_grouping.py"),
    ("audit_scale.md", "python benchmarks/bench_audit_scale.py"),
    ("gui_audit.md", "python benchmarks/bench_gui_audit.py"),
    ("box_editing.md", "python benchmarks/bench_save.py"),
    ("box_editing_stepping.md", "python benchmarks/bench_stepping.py --base <checkout of the branch base>"),
    ("guard.md", "python benchmarks/bench_guard.py"),
)

INTRO = """# Benchmarks

Each section below is written by the benchmark script named in it, which measures its
baseline (the seed's code, or the naive way of drawing) and specgui **in the same run, on the
same files**, and names the machine. Figures are ratios against that baseline; absolute
times are quoted for context on the named machine only (no GPU was available when these
were taken, so no CUDA figure is claimed here: `benchmarks/bench_sanity.py --device cuda`
measures it where a GPU exists). Regenerate one area with its script, then this file with
`python benchmarks/assemble_report.py`.

The shared 2-core machine these ran on also ran other work, so several reports add CPU time
next to wall time (CPU time is the figure least moved by other processes).

"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE.parent / "BENCHMARKS.md")
    args = parser.parse_args()
    parts = [INTRO]
    for name, command in ORDER:
        path = HERE / "results" / name
        if path.exists():
            parts.append(path.read_text().rstrip() + "\n")
        else:
            parts.append(f"## {name[:-3]}\n\nNot measured yet: run `{command}`.\n")
    args.out.write_text("\n".join(parts))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
