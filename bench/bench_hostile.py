"""Hostile input: the worst pastes and uploads the caps accept, their cost, and what they do to a class.

Run from the repository root:

    python bench/bench_hostile.py                  # every input, then a class of 50 while one session sends them
    python bench/bench_hostile.py --inputs-only    # the inputs only (about a minute)
    python bench/bench_hostile.py --quick          # a class of 10 for 20 s
    python bench/bench_hostile.py --cap 120        # give an input up after 120 s (the default)

First, each input goes through the path the app and the command line take (geo/geoparser/
ingest.py read_upload or read_paste, then geo/geoparser/draft.py find_places), in a
process of its own that is given up after --cap seconds; the table gives its CPU seconds
(that process and the workers it started), wall seconds, the peak memory of the process
that read it, and what came out. The same file runs on older code, where the work is done
in the calling process: copy it into that checkout's bench/ and run it with --inputs-only.

Then a class of 50 sessions on Explore, as bench/bench_classroom.py plays it, twice on one
server: once quiet, once while another session sends the inputs one after the other
through the "Map your own article" page (upload or paste, then "Find places"), as a
student with a browser would. Goal: the class's change p95 stays under 500 ms. bench/README.md
explains every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.support import cpu_seconds, descendants, fmt_spread, percentile
from geo.paths import ROOT

MB = 1_000_000
UPLOAD_CAP = 2_000_000  # geo/geoparser/ingest.py MAX_UPLOAD_BYTES
PASTE_CAP = 200_000  # geo/geoparser/ingest.py MAX_PASTE_CHARS
GOAL_CPU_S = 2.0  # reading and finding the places of any input the caps accept
GOAL_CHANGE_P95_S = 0.5
ATTACK_MAX_PLACES = 300  # --attack capped leaves out texts mapped to more places
ATTACK_READING_CHARS = 1_000  # --attack reading sends only what is refused or read to a shorter text
ENGLISH = "The road from Goris to Stepanakert was closed, and the people of the town waited. "
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True)
class Hostile:
    """One input: a file to upload (bytes) or a text to paste (str), made when needed."""

    name: str
    what: str
    make: Callable[[], bytes | str]


# The inputs ---------------------------------------------------------------------------------


def place_names(seed: int = 1) -> list[str]:
    """Gazetteer names written in plain letters, shuffled: a text naming thousands of places."""
    from geo.geoparser.gazetteer import load_toponyms

    plain = (n for n in load_toponyms().names if n.isascii() and n[0].isupper())
    names = sorted(n for n in plain if n.replace(" ", "").replace("-", "").isalpha())
    random.Random(seed).shuffle(names)
    return names


def names_text(limit: int, per_paragraph: int | None) -> str:
    """Place after place ("X and Y and ..."), in paragraphs of per_paragraph names or on one line."""
    parts, size = ["The road of the people goes to "], 31
    for k, name in enumerate(itertools.cycle(place_names())):
        piece = f"{name}.\n\nThe " if per_paragraph and k % per_paragraph == per_paragraph - 1 else f"{name} and "
        if size + len(piece) > limit:
            break
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def namesakes(limit: int) -> str:
    """The CLUSTER_NAMES names that the most settlements and counties of one corner of the world share, each in
    a sentence of its own, over and over: the most the resolver's cluster and seats of a text read."""
    from geo.geoparser.gazetteer import load_toponyms
    from geo.geoparser.geoparse import CLUSTER_KINDS, CLUSTER_NAMES, _cell

    by_cube: dict[tuple[int, int, int], Counter[str]] = {}
    for name, hits in load_toponyms().names.items():
        if len(hits) > 1 and name.replace(" ", "").isalpha() and name.istitle():
            for h in hits:
                if h.toponym.kind in CLUSTER_KINDS:
                    by_cube.setdefault(_cell(h.toponym), Counter())[name] += 1
    densest = max(by_cube.values(), key=lambda c: sum(n for _, n in c.most_common(CLUSTER_NAMES)))
    names = [name for name, _ in densest.most_common(CLUSTER_NAMES)]
    return repeat_to(" ".join(f"The fair moved to {name} on Monday." for name in names) + " ", limit)


def capitalised_words(limit: int) -> str:
    """Made-up capitalised words, half of them followed by "of the": every word a candidate name."""
    rng, parts, size = random.Random(2), [], 0
    while size < limit - 40:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 9))).title()
        piece = word + (" of the " if rng.random() < 0.5 else " ")
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def people(limit: int) -> str:
    """Thousands of different people named like a place ("the man Xyz Baku"), each read as a person's name."""
    rng, parts, size = random.Random(3), ["The people of the town. "], 24
    while size < limit - 40:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8))).title()
        piece = f"the man {word} Baku and the road, "
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def repeat_to(unit: str, limit: int, head: str = "") -> str:
    return (head + unit * ((limit - len(head)) // len(unit)))[:limit]


def docx_package(body: str, styles: str = "") -> bytes:
    """A .docx written by python-docx, its document.xml body (and its styles) replaced."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>'
    )
    replace = {"word/document.xml": document.encode()}
    if styles:
        replace["word/styles.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
            f"{styles}</w:styles>"
        ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def many_styles(paragraphs: int, styles: int, text: str = "The road from Goris.") -> bytes:
    """paragraphs paragraphs, each in one of `styles` paragraph styles, picked at random."""
    rng = random.Random(0)
    defined = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="Style {i}"/></w:style>' for i in range(styles)
    )
    run = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="S{rng.randrange(styles)}"/></w:pPr>{run}</w:p>' for _ in range(paragraphs)
    )
    return docx_package(f"<w:p><w:r><w:t>{ENGLISH}</w:t></w:r></w:p>{body}", defined)


def merged_cells(rows: int) -> bytes:
    """A table of `rows` rows whose first cell is one cell merged down the whole column (python-docx: recursion)."""
    rng = random.Random(4)
    first = '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Goris</w:t></w:r></w:p></w:tc>'
    rows_xml = "".join(
        f"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>{rng.random()}</w:t></w:r></w:p>"
        "</w:tc></w:tr>"
        for _ in range(rows)
    )
    table = f"<w:tbl><w:tr>{first}<w:tc><w:p/></w:tc></w:tr>{rows_xml}</w:tbl>"
    return docx_package(f"<w:p><w:r><w:t>{ENGLISH}</w:t></w:r></w:p>{table}")


def wide_row(cells: int) -> bytes:
    """One table row of `cells` cells, each holding a number (numbers, so the package is no zip bomb)."""
    rng = random.Random(5)
    row = "".join(f"<w:tc><w:p><w:r><w:t>{rng.randrange(10**6)}</w:t></w:r></w:p></w:tc>" for _ in range(cells))
    return docx_package(f"<w:p><w:r><w:t>{ENGLISH}</w:t></w:r></w:p><w:tbl><w:tr>{row}</w:tr></w:tbl>")


def html(markup: str) -> bytes:
    return markup.encode()


INPUTS = [
    Hostile("a-25k.html", '"<a " repeated, 25 kB', lambda: html(repeat_to("<a ", 25_000))),
    Hostile("a-50k.html", '"<a " repeated, 50 kB', lambda: html(repeat_to("<a ", 50_000))),
    Hostile("a-100k.html", '"<a " repeated, 100 kB', lambda: html(repeat_to("<a ", 100_000))),
    Hostile("a-2mb.html", '"<a " repeated, 2 MB (the cap)', lambda: html(repeat_to("<a ", UPLOAD_CAP))),
    Hostile("comments.html", '"<!--" repeated, 2 MB', lambda: html(repeat_to("<!--", UPLOAD_CAP))),
    Hostile("bang.html", '"<!" repeated, 2 MB', lambda: html(repeat_to("<!", UPLOAD_CAP))),
    Hostile("endtags.html", '"</a" repeated, 2 MB', lambda: html(repeat_to("</a", UPLOAD_CAP))),
    Hostile("attrs.html", "one tag with 330,000 attributes, 2 MB", lambda: html(repeat_to(' a="x"', UPLOAD_CAP, "<p"))),
    Hostile("elements.html", '"<p>x" repeated: 500,000 elements, 2 MB', lambda: html(repeat_to("<p>x", UPLOAD_CAP))),
    Hostile("nested.html", "400,000 nested <div>s, 2 MB", lambda: html(repeat_to("<div>", UPLOAD_CAP))),
    Hostile(
        "places.html",
        "a 2 MB page whose 200,000 characters name thousands of places",
        lambda: html(
            "<html><head><style>" + "p{}" * 400_000 + "</style></head><body><p>" + names_text(PASTE_CAP - 100, 10)
        ),
    ),
    Hostile("styles-4k.docx", ".docx, 4,000 paragraphs x 4,000 styles", lambda: many_styles(4_000, 4_000)),
    Hostile("styles-8k.docx", ".docx, 8,000 paragraphs x 8,000 styles", lambda: many_styles(8_000, 8_000)),
    Hostile("styles-100k.docx", ".docx, 100,000 paragraphs x 100,000 styles", lambda: many_styles(100_000, 100_000)),
    Hostile(
        "empty-100k.docx", ".docx, 130,000 empty paragraphs x 100,000 styles", lambda: many_styles(130_000, 100_000, "")
    ),
    Hostile("merged.docx", ".docx, a cell merged down 8,000 rows", lambda: merged_cells(8_000)),
    Hostile("wide.docx", ".docx, one row of 25,000 cells", lambda: wide_row(25_000)),
    Hostile("places-paras", "paste: 200,000 characters naming ~4,500 places", lambda: names_text(PASTE_CAP, 10)),
    Hostile("places-line", "paste: the same on one line", lambda: names_text(PASTE_CAP, None)),
    Hostile("namesakes", "paste: the 100 names most shared in one corner, over and over", lambda: namesakes(PASTE_CAP)),
    Hostile("capitalised", "paste: 200,000 characters of capitalised words", lambda: capitalised_words(PASTE_CAP)),
    Hostile("people", "paste: 6,000 people named like Baku", lambda: people(PASTE_CAP)),
    Hostile(
        "one-place",
        "paste: Baku 14,000 times",
        lambda: repeat_to("Baku and the town of Goris. ", PASTE_CAP, "The road "),
    ),
    Hostile(
        "countries",
        "paste: Julfa beside a country 8,000 times, one sentence",
        lambda: repeat_to("Julfa in Azerbaijan and Jolfa in Iran and the town of Julfa, Azerbaijan, ", PASTE_CAP),
    ),
    Hostile("one-word", "paste: a 199,000-letter word", lambda: ENGLISH * 10 + "a" * (PASTE_CAP - 1000)),
    Hostile(
        "no-sentence",
        "paste: 200,000 characters with no sentence end",
        lambda: repeat_to("the road to Goris and the town of Kapan was closed by the army in Stepanakert ", PASTE_CAP),
    ),
]
BY_NAME = {h.name: h for h in INPUTS}


# One input, in a process of its own -------------------------------------------------------------


def children_cpu() -> float:
    """CPU seconds of this process's children, living (from /proc) and reaped (getrusage)."""
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return cpu_seconds(*(descendants(os.getpid()) - {os.getpid()})) + reaped.ru_utime + reaped.ru_stime


def peak_rss_mb() -> float:
    """The largest peak resident memory (VmHWM) of this process and its living children."""
    peaks = []
    for pid in descendants(os.getpid()):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
    return max(peaks, default=0.0)


def run_one(name: str) -> dict:
    """Read one input and find its places the way the app does; CPU, wall time and outcome."""
    from geo.errors import DataError, InputError
    from geo.geoparser.draft import find_places
    from geo.geoparser.ingest import read_paste, read_upload

    hostile = BY_NAME[name]
    data = hostile.make()
    read_paste(ENGLISH * 3)  # start the workers, if the code has them, before the clock
    find_places(ENGLISH * 3, "Warm-up")
    cpu0, child0, wall0 = time.process_time(), children_cpu(), time.perf_counter()
    steps = {}
    try:
        text = read_upload(name, data) if isinstance(data, bytes) else read_paste(data)
        steps["read_s"] = time.perf_counter() - wall0
        markdown, places = find_places(text, "A title")
        outcome = f"{len(text):,} characters, {len(places):,} places"
    except (InputError, DataError) as exc:
        outcome = f"refused: {exc}"
    return {
        "name": name,
        "size": len(data),
        "cpu_s": time.process_time() - cpu0 + children_cpu() - child0,
        "wall_s": time.perf_counter() - wall0,
        "peak_mb": peak_rss_mb(),
        "outcome": outcome,
        **steps,
    }


def measure_inputs(names: list[str], cap: float) -> list[dict]:
    """Each input in a fresh `python bench/bench_hostile.py --one NAME`, given up after cap seconds."""
    results = []
    for name in names:
        print(f"... {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--one", name],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=cap)
            results.append(json.loads(out) if proc.returncode == 0 else {"name": name, "outcome": "crashed"})
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            results.append({"name": name, "outcome": f"not done after {time.perf_counter() - started:.0f} s (cap)"})
    return results


def sandbox_overhead() -> dict | None:
    """The cost of a call through the workers against the same work in this process (None: no workers)."""
    try:
        from geo.geoparser.draft import find_places, find_places_in_process
        from geo.geoparser.ingest import read_paste, read_paste_in_process
    except ImportError:
        return None
    article = (ROOT / "data" / "article.md").read_text(encoding="utf-8")
    small = ENGLISH * 3
    read_paste(small)
    find_places_in_process(article, None)  # the gazetteer, loaded here too
    out = {}
    for label, through, here, args in [
        ("read_paste, 250 characters", read_paste, read_paste_in_process, (small,)),
        ("find_places, the atlas's article", find_places, find_places_in_process, (article, None)),
    ]:
        times = {}
        for way, function in (("workers", through), ("in process", here)):
            samples = []
            for _ in range(30):
                t = time.perf_counter()
                function(*args)
                samples.append(time.perf_counter() - t)
            times[way] = sorted(samples)[len(samples) // 2]
        out[label] = times
    return out


# The class while one session sends the inputs -------------------------------------------------


@dataclass
class Attacks:
    """What the attacking session sent and how long each "Find places" run took."""

    runs: list[tuple[str, float, str]] = field(default_factory=list)  # input, seconds, what the page said
    dropped: str | None = None


async def attacker(url: str, names: list[str], until: float, timeout: float, attacks: Attacks) -> None:
    """One session on "Map your own article": each input pasted or uploaded, then "Find places", until `until`."""
    from bench.streamlit_client import RerunTimeout, SessionClosed, StreamlitSession
    from geo.app.registry import MAPANY_PATH

    made = {name: BY_NAME[name].make() for name in names}
    session = StreamlitSession(url, MAPANY_PATH, timeout)
    try:
        await session.open()
        await session.rerun("")
        while time.monotonic() < until:
            for name in names:
                if time.monotonic() >= until:
                    break
                data = made[name]
                if isinstance(data, bytes):
                    mode = [session.text("mapany-mode", "Upload a file")]
                    await session.set_values(mode)  # shows the uploader
                    values = [*mode, await session.upload("mapany-upload", name, data)]
                else:
                    values = [session.text("mapany-mode", "Paste the text"), session.text("mapany-text", data)]
                values.append(session.text("mapany-title", "A title"))  # a text of one paragraph needs one
                run = await session.click("mapany-find", values=values)
                attacks.runs.append((name, run.seconds, "; ".join(run.problems)[:120] or "mapped"))
    except (SessionClosed, RerunTimeout, KeyError) as exc:
        attacks.dropped = f"{type(exc).__name__}: {exc}"
    finally:
        await session.close()


def class_under_attack(quick: bool, names: list[str]) -> dict:
    """A class on Explore, quiet then with one session sending the inputs, on one server."""
    from bench.bench_classroom import FULL, QUICK, Plan, Target, TargetResult, Walk, classroom, cold_join
    from bench.support import temp_folder
    from geo.testing import start_streamlit, stop_streamlit, wait_healthy

    preset = QUICK if quick else FULL
    plan = Plan(
        page="explore",
        sessions=preset["sessions"],
        arrival=preset["arrival"],
        think=preset["think"],
        duration=preset["duration"],
        timeout=60.0,
        cpu_reruns=0,
        seed=1,
    )
    tmp = temp_folder()
    server = start_streamlit(ROOT / "app.py", log=tmp / "app.log")
    try:
        wait_healthy(server)
        target = Target("app", server.url, "", lambda: [server.pid], server)

        async def both() -> dict:
            walk = Walk(plan.page)
            await cold_join(target, plan, walk)
            out = {}
            for phase in ("quiet", "attacked"):
                print(f"... class of {plan.sessions}, {phase}", file=sys.stderr, flush=True)
                result = TargetResult(phase, target.page_url)
                attacks = Attacks()
                cpu0, own0 = cpu_seconds(server.pid), cpu_seconds(server.pid, children=False)
                end = time.monotonic() + plan.arrival + plan.duration
                tasks = [classroom(target, plan, walk, result)]
                if phase == "attacked":
                    tasks.append(attacker(server.url, names, end, plan.timeout, attacks))
                await asyncio.gather(*tasks)
                own = cpu_seconds(server.pid, children=False) - own0
                workers = cpu_seconds(server.pid) - cpu0 - own
                out[phase] = {"result": result, "attacks": attacks, "server_cpu_s": own, "workers_cpu_s": workers}
            return out

        return asyncio.run(both())
    finally:
        stop_streamlit(server)
        shutil.rmtree(tmp, ignore_errors=True)


# Report ---------------------------------------------------------------------------------------


def fmt_cpu(r: dict) -> str:
    return f"{r['cpu_s']:.2f}" if "cpu_s" in r else "-"


def inputs_table(results: list[dict]) -> list[str]:
    lines = [f"{'input':<18} {'size':>9} {'CPU s':>7} {'wall s':>7} {'peak MB':>8}  outcome"]
    for r in results:
        size = f"{r['size']:,}" if "size" in r else "-"
        wall = f"{r['wall_s']:.2f}" if "wall_s" in r else "-"
        peak = f"{r['peak_mb']:.0f}" if "peak_mb" in r else "-"
        lines.append(f"{r['name']:<18} {size:>9} {fmt_cpu(r):>7} {wall:>7} {peak:>8}  {r['outcome'][:90]}")
    worst = max((r for r in results if "cpu_s" in r), key=lambda r: r["cpu_s"], default=None)
    done = all("cpu_s" in r for r in results)
    if worst is not None:
        ok = done and worst["cpu_s"] <= GOAL_CPU_S
        lines.append(
            f"Most CPU: {worst['name']} {worst['cpu_s']:.2f} s; goal: every input at most {GOAL_CPU_S:g} s: "
            + ("PASS" if ok else "FAIL")
        )
    return lines


def class_lines(phases: dict) -> list[str]:
    lines = []
    for phase, got in phases.items():
        result, attacks = got["result"], got["attacks"]
        p95 = percentile(result.changes_s, 95)
        verdict = "" if p95 is None else (" PASS" if p95 < GOAL_CHANGE_P95_S else " FAIL")
        spread = fmt_spread(result.changes_s)
        lines.append(
            f"{phase:<9} changes {len(result.changes_s):>4}, median / p95 / max {spread}{verdict}; "
            f"joins p95 {percentile(result.joins_s, 95) or 0:.2f} s; dropped {result.dropped}; "
            f"errors shown {result.exceptions}; CPU: server {got['server_cpu_s']:.1f} s, "
            f"input workers {got['workers_cpu_s']:.1f} s"
        )
        if phase == "attacked":
            seconds = [s for _, s, _ in attacks.runs]
            lines.append(
                f'          the attacker\'s "Find places" runs: {len(seconds)}, '
                f"median / p95 / max {fmt_spread(seconds) if seconds else '-'}"
            )
            shown: dict[str, tuple[float, str]] = {}
            for name, seconds_, said in attacks.runs:
                shown.setdefault(name, (seconds_, said))
            for name, (seconds_, said) in shown.items():
                lines.append(f"            {name:<18} {seconds_:6.2f} s  {said}")
            if attacks.dropped:
                lines.append(f"          the attacker was dropped: {attacks.dropped}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--inputs-only", action="store_true", help="measure the inputs, not the class")
    parser.add_argument("--quick", action="store_true", help="a class of 10 for 20 s")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before an input is given up (120)")
    parser.add_argument("--only", nargs="+", choices=sorted(BY_NAME), help="these inputs only")
    parser.add_argument(
        "--attack",
        choices=("capped", "reading", "all"),
        default="capped",
        help="what the attacker sends: all but texts of many places (capped), only what is refused or tiny (reading)",
    )
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    names = args.only or [h.name for h in INPUTS]
    print("Karabakh Atlas, hostile input benchmark (the machine may be shared: compare within one run)")
    print(f"Each input read and its places found as the app does, in a process of its own; cap {args.cap:g} s")
    results = measure_inputs(names, args.cap)
    for line in inputs_table(results):
        print(line)
    overhead = sandbox_overhead()
    if overhead:
        print("A call through the input workers, against the same call in this process (median of 30):")
        for label, times in overhead.items():
            extra = (times["workers"] - times["in process"]) * 1000
            print(
                f"  {label}: {times['workers'] * 1000:.1f} ms against {times['in process'] * 1000:.1f} ms "
                f"({extra:+.1f} ms)"
            )
    if not args.inputs_only:
        attack, left_out = attack_set(results, args.attack)
        if left_out:
            print(f"Left out of the attack (--attack {args.attack}; see bench/README.md): {', '.join(left_out)}")
        for line in class_lines(class_under_attack(args.quick, attack)):
            print(line)
    return 0


def attack_set(results: list[dict], which: str) -> tuple[list[str], list[str]]:
    """The inputs the attacking session sends, and those left out (the smaller "<a " pages add nothing).

    capped: all but the texts mapped to more than ATTACK_MAX_PLACES places, whose review the page
    draws place by place in the server's process; reading: only the inputs refused or read to a
    text too short to need a review, so that what the class feels is the reading alone; all: every one.
    """
    attack, left_out = [], []
    for r in results:
        if r["name"] in ("a-25k.html", "a-50k.html", "a-100k.html"):
            continue
        outcome = r.get("outcome", "")
        found = re.match(r"([\d,]+) characters, ([\d,]+) places$", outcome)
        chars, places = (int(g.replace(",", "")) for g in found.groups()) if found else (0, 0)
        keep = which == "all" or (which == "capped" and places <= ATTACK_MAX_PLACES)
        keep = keep or (which == "reading" and chars < ATTACK_READING_CHARS)
        (attack if keep else left_out).append(r["name"])
    return attack, left_out


if __name__ == "__main__":
    sys.exit(main())
