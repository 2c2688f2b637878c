"""What one follower's page receives when the presenter presses Next, message by message, and what
such a woken run costs its worker.

Run from the repository root:

    python bench/wake_messages.py                    # one worker, one presenter, one follower, one Next
    python bench/wake_messages.py --followers 40 --presses 10    # and the CPU of a woken run

It starts one Streamlit worker (rooms in a temporary folder), opens a room on the Classroom tour,
lets `--followers` followers join it and presses Next `--presses` times, a second apart. For the
first follower and the first press it lists every ForwardMsg the server sent after the click:
its kind, the element a delta draws (with its path in the page) and its size as serialised. Then
the worker's CPU over the presses, shared over the follower runs they woke (the presenter's own
runs included: one in `--followers` + 1), and the woken runs' messages per wake. The figures of
`bench_classroom.py --scenario follow` come from a class through the deployment; this is the
close-up of one wake-up, on a machine the class does not load.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.follow import STEP, TOUR_PATH
from bench.streamlit_client import StreamlitSession
from bench.support import cpu_seconds, temp_folder
from geo.testing import running_streamlit

SETTLE_S = 2.0  # after a press, before the next: every follower's woken run is over by then, on a busy machine too


@dataclass
class Received:
    """The messages one session received, each with when it was read."""

    messages: list[tuple[float, ForwardMsg]] = field(default_factory=list)

    def __call__(self, msg: ForwardMsg, moment: float) -> None:
        self.messages.append((moment, msg))

    def since(self, moment: float) -> list[ForwardMsg]:
        return [msg for t, msg in self.messages if t >= moment]


def describe(msg: ForwardMsg) -> str:
    """A message's kind, and for a delta the element it draws (markdown and html with their marker) and where."""
    kind = msg.WhichOneof("type") or "?"
    if kind == "script_finished":
        return f"script_finished {ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}"
    if kind != "delta":
        return kind
    delta = msg.delta
    which = delta.WhichOneof("type")
    path = list(msg.metadata.delta_path)
    if which != "new_element":
        return f"delta {which} at {path}"
    element = delta.new_element
    name = element.WhichOneof("type")
    body = getattr(element, name)
    if name in ("markdown", "html") and STEP.search(body.body):
        name += " (the step's passage)"
    elif name in ("button", "checkbox", "download_button", "text_input"):
        name += f" {body.label!r}"
    elif name == "component_instance":
        name += f" {body.component_name}"
    return f"element {name} at {path}"


def wake_list(messages: list[ForwardMsg]) -> list[tuple[str, int]]:
    """(description, bytes) of each message of the first woken run in `messages`."""
    out: list[tuple[str, int]] = []
    for msg in messages:
        out.append((describe(msg), msg.ByteSize()))
        if msg.WhichOneof("type") == "script_finished":
            break
    return out


def woken_runs(messages: list[ForwardMsg]) -> int:
    return sum(1 for msg in messages if msg.WhichOneof("type") == "script_finished")


def steps_shown(messages: list[ForwardMsg]) -> list[int]:
    """The steps whose passage the messages drew, in order."""
    shown = []
    for msg in messages:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            if kind in ("markdown", "html") and (found := STEP.search(getattr(element, kind).body)):
                shown.append(int(found.group(1)))
    return shown


async def measure(url: str, pid: int, followers: int, presses: int) -> None:
    presenter = StreamlitSession(url, TOUR_PATH)
    await presenter.open()
    await presenter.rerun("step=1")
    await presenter.click("room-start")
    code = dict(part.split("=", 1) for part in presenter.query.split("&"))["room"]
    sessions = [StreamlitSession(url, TOUR_PATH) for _ in range(followers)]
    logs = [Received() for _ in sessions]
    for session, log in zip(sessions, logs, strict=True):
        await session.open()
        await session.rerun(f"room={code}", log)

    async def stay(until: float) -> None:
        followers = (s.listen(until, log) for s, log in zip(sessions, logs, strict=True))
        await asyncio.gather(presenter.listen(until), *followers)

    await stay(time.monotonic() + SETTLE_S)
    first = time.monotonic()
    cpu0 = cpu_seconds(pid)
    for _ in range(presses):
        await presenter.click("tour-next")
        await stay(time.monotonic() + SETTLE_S)
    cpu = cpu_seconds(pid) - cpu0
    for session in [presenter, *sessions]:
        await session.close()

    listed = wake_list(logs[0].since(first))
    print(f"One follower's woken run after a Next ({len(listed)} messages, {sum(b for _, b in listed)} bytes):")
    for i, (text, size) in enumerate(listed, 1):
        print(f"  {i:>2}  {size:>6} B  {text}")
    per_follower = [log.since(first) for log in logs]
    runs = sum(woken_runs(m) for m in per_follower)
    shown = [m for m in per_follower]
    counts = [len(m) / max(woken_runs(m), 1) for m in shown]
    kinds = Counter(describe(msg).split(" at ")[0] for msg in per_follower[0])
    missed = sum(len(set(range(2, presses + 2)) - set(steps_shown(m))) for m in per_follower)
    print(f"\n{followers} followers, {presses} Nexts: {runs} woken runs (expected {followers * presses})")
    print(f"  steps a follower never showed: {missed}")
    gaps = Counter(step for m in per_follower for step in set(range(2, presses + 2)) - set(steps_shown(m)))
    if gaps:
        print("  of which, by step: " + ", ".join(f"{step}: {n}" for step, n in sorted(gaps.items())))
    print(f"  messages per woken run: median {statistics.median(counts):.1f}")
    print(
        f"  worker CPU over the presses: {cpu:.2f} s; per woken run (presenter's runs included): "
        f"{cpu / max(runs, 1) * 1000:.1f} ms"
    )
    print("  kinds of the first follower's messages: " + ", ".join(f"{k} x{n}" for k, n in kinds.most_common()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--followers", type=int, default=1)
    parser.add_argument("--presses", type=int, default=1)
    args = parser.parse_args()
    tmp = temp_folder()
    with running_streamlit(env={"ATLAS_ROOMS_DIR": str(tmp / "rooms")}, log=tmp / "worker.log") as server:
        asyncio.run(measure(server.url, server.pid, args.followers, args.presses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
