"""Explore's time to map, two versions of the code side by side with the one-marker page, loaded in turn.

A change to Explore's first load is worth a few hundred milliseconds at best, and on a shared machine
two runs of `bench_explore.py --quick` minutes apart differ by more than that. Here every version is
served at once and loaded in rotation, so each sees the same machine:

    git archive main | tar -x -C /tmp/before                     # the code before, as a plain folder
    python bench/compare_trees.py before=/tmp/before after=. --loads 10
    python bench/compare_trees.py after=. notimeline=.,ATLAS_TIMELINE=off   # environment per server

Each `NAME=FOLDER[,VAR=VALUE...]` serves FOLDER's app.py from FOLDER (its own code and static files)
with those environment variables. It prints, per server, the median time from navigation to every
place drawn (bench_explore.py's cold load), its ratio to the one-marker page's, and every sample.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_explore import cold_load, drawn_count
from bench.support import baseline_folder, temp_folder
from geo.atlas.loader import load_atlas
from geo.testing import Server, launch_chromium, start_streamlit, stop_streamlit, wait_healthy


@dataclass
class Tree:
    name: str
    folder: Path
    env: dict[str, str]
    samples: list[float] = field(default_factory=list)


def parse_tree(spec: str) -> Tree:
    """`NAME=FOLDER[,VAR=VALUE...]` as a Tree; a clear message for anything else."""
    name, sep, rest = spec.partition("=")
    folder, *settings = rest.split(",")
    if not sep or not name or not folder or any("=" not in s for s in settings):
        raise argparse.ArgumentTypeError(f"expected NAME=FOLDER[,VAR=VALUE...], got {spec!r}")
    path = Path(folder).resolve()
    if not (path / "app.py").is_file():
        raise argparse.ArgumentTypeError(f"{path} has no app.py")
    return Tree(name, path, dict(s.split("=", 1) for s in settings))


def summary(trees: list[Tree]) -> list[str]:
    """One line per server: median, ratio to the first (the one-marker page), samples."""
    base = statistics.median(trees[0].samples)
    return [
        f"{t.name:14s} median {statistics.median(t.samples):6,.0f} ms  "
        f"{statistics.median(t.samples) / base:5.2f} x  {[round(s) for s in t.samples]}"
        for t in trees
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=parse_tree, metavar="NAME=FOLDER[,VAR=VALUE...]")
    parser.add_argument("--loads", type=int, default=8, help="cold loads of each server (default 8)")
    args = parser.parse_args()
    if not 1 <= args.loads <= 100:
        parser.error("--loads must be between 1 and 100")

    from playwright.sync_api import sync_playwright

    expected = drawn_count(load_atlas())
    tmp = temp_folder()
    baseline = Tree("one-marker", baseline_folder(tmp), {})
    trees = [baseline, *args.trees]
    servers: list[tuple[Tree, Server, int]] = []
    try:
        servers.append((baseline, start_streamlit(baseline.folder / "baseline_app.py", name="baseline"), 1))
        for tree in args.trees:
            env = {"PYTHONPATH": str(tree.folder), **tree.env}
            server = start_streamlit(tree.folder / "app.py", name=tree.name, cwd=tree.folder, env=env)
            servers.append((tree, server, expected))
        for _, server, _ in servers:
            wait_healthy(server)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for _, server, shapes in servers:
                    cold_load(browser, server.url, shapes)  # warm: a first session has loaded the data
                for i in range(args.loads):  # in rotation, so none is always first after the others
                    for tree, server, shapes in servers[i % len(servers) :] + servers[: i % len(servers)]:
                        tree.samples.append(cold_load(browser, server.url, shapes)[0])
            finally:
                browser.close()
    finally:
        for _, server, _ in servers:
            stop_streamlit(server)
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(summary(trees)))


if __name__ == "__main__":
    main()
