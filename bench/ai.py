"""Chat streaming throughput of oro-ai against ``llama_cpp.server``, same model, same prompts,
same run, both driven by the official ``openai`` client over loopback HTTP.

Servers (each measured alone, one after another):

* ``llama_cpp.server`` — llama-cpp-python's own server (same llama.cpp build), a subprocess with
  default settings; and again with ``--interrupt_requests False`` (it then queues instead of
  cutting streams off).
* ``oro-ai shipped`` — the plugin with its default ``[ai.llm]`` settings: one context decoding
  ``parallel`` sequences together.
* ``oro-ai pool`` — the alternative measured for the record: 2 contexts x 1 sequence x 1 thread.

All four run at once and are measured in turns: each round runs every scenario on every server,
the servers' order rotating from round to round so that none always gets the warmer (or the
quieter) machine; a figure is the median over the rounds.

Scenarios: ``single`` (one stream), ``4 concurrent`` and ``8 concurrent`` (streams started
together). Columns: tokens/s (all streams together; a token is a streamed content chunk), TTFT p50
and max over the streams (time to the first content; max: the median over the rounds of each
round's slowest stream), streams cut off (ended without a finish reason, over all rounds), then
what the ratio compares (``ratio_of``), the ratio and its goal:

* ``tok/s`` — tokens/s ÷ ``llama_cpp.server`` (default settings) in the same scenario (higher
  is better);
* ``tok/s_ni`` — tokens/s ÷ ``llama_cpp.server --interrupt_requests False``, which serves every
  stream to its end (queueing) where its default cuts all but one off;
* ``ttft/lone`` — the slowest stream's TTFT ÷ the same server's lone-stream TTFT (lower is
  better: how long the last of the streams waits for its first token).

Goals for the plugin as shipped: issue 6, at least 1x the single-stream speed and at least 2x the
aggregate at 4 concurrent streams; issue 55, at 8 concurrent streams at least 3x the default
server, at least 1.5x the no-interrupt one, and the slowest stream's first token within 2x a lone
stream's. The other rows are the baselines and the alternative measured for the record (``-``).

Upstream rows (issue 31): the same scenarios against one ``llama_cpp.server`` (queueing, not
interrupting) serving the model as an upstream (``[ai.upstreams.bench]``), once through the host
(``oro-ai -> upstream``) and once talking to it directly with the ``openai`` client (``direct
upstream``), in pairs over several rounds (which goes first alternating). Their ``ratio_of``
column says which figure is compared: the host's tokens/s ÷ direct (goal >= 0.95) and its TTFT
p50 ÷ direct (goal <= 1.1), each the median of the pairs' own ratios (a busy machine's load
comes and goes; a pair's two runs share it).

Loaded row (issue 75): one answer (``max_tokens`` long, no stop) from ``oro-ai shipped`` while a
busy process (bench/_shared.py's ``start_busy``) holds one core, against the same answer on a quiet
machine, alternating over the rounds; ``ratio_of`` ``time/quiet``: the loaded answer's time per
token ÷ the quiet one's (goal <= 2: the default thread count gives way to the other program).

Model: SmolLM2-135M-Instruct Q4_1 (oro-ai-smollm2). Run: ``.venv/bin/python bench/ai.py [--quick]``
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import openai
import oro_ai.plugin
from _shared import GOAL_WIDTH, goal, parse_arguments, start_busy, stop_busy
from oro_ai.models import default_model_file

from oro_framework.testing import served_app

SHIPPED = "oro-ai shipped"
DEFAULT = "llama_cpp.server"
NO_INTERRUPT = "llama_cpp.server no-interrupt"
GOALS = {
    ("single", "tok/s"): ">=1",
    ("4 concurrent", "tok/s"): ">=2",
    ("8 concurrent", "tok/s"): ">=3",
    ("8 concurrent", "tok/s_ni"): ">=1.5",
    ("8 concurrent", "ttft/lone"): "<=2",
}
"""Issues 6 and 55's targets for the shipped default, by scenario and what the ratio compares."""
UPSTREAM_ALIAS = "upstream-smollm2"
"""The model's id on the upstream server: not a local model's name, so the host forwards it."""
UPSTREAM_GOALS = {"tok/s": ">=0.95", "ttft_p50": "<=1.1"}
"""Issue 31's targets for the host relaying an upstream, against talking to it directly."""
SCENARIOS = (("single", 1), ("4 concurrent", 4), ("8 concurrent", 8))
UPSTREAM_SCENARIOS = SCENARIOS
"""Issue 78: the relay at 8 streams too, where a busy host would first fall behind."""
LOADED_GOAL = "<=2"
"""Issue 75's target: an answer with one core taken by another program, against quiet."""
PROMPTS = [
    "Write a short story about a lighthouse keeper and a storm.",
    "Explain how a bicycle works to a ten year old.",
    "Describe a walk through a busy market in the morning.",
    "Write a letter from a cat to its owner about breakfast.",
    "Tell me about the planets of the solar system.",
    "Give three tips for growing tomatoes on a balcony.",
    "Write a poem about rain on a tin roof.",
    "Explain why the sky is blue.",
]


@dataclass
class Result:
    server: str
    scenario: str
    tokens_per_second: float
    ttft_p50: float
    ttft_max: float
    cut_off: int


async def _stream(
    client: openai.AsyncOpenAI, model: str, prompt: str, max_tokens: int
) -> tuple[int, float, bool]:
    """One chat stream: content chunks, time to the first one, whether it finished properly."""
    started = time.perf_counter()
    first = float("nan")
    chunks = 0
    finished = False
    stream = await client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
    )
    async for chunk in stream:
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        if choice.delta.content:
            if chunks == 0:
                first = time.perf_counter() - started
            chunks += 1
        if choice.finish_reason is not None:
            finished = True
    return chunks, first, finished


async def _scenario(
    base_url: str, headers: dict[str, str], model: str, streams: int, max_tokens: int
) -> tuple[float, list[float], int]:
    async with openai.AsyncOpenAI(
        base_url=base_url,
        api_key="bench-key-0123456789",
        default_headers=headers,
        max_retries=0,
        timeout=600,
    ) as client:
        # Warm-up: loads the model and fills caches, outside the measurement.
        await _stream(client, model, "Say hello.", 4)
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                _stream(client, model, PROMPTS[index % len(PROMPTS)], max_tokens)
                for index in range(streams)
            )
        )
        elapsed = time.perf_counter() - started
    tokens = sum(chunks for chunks, _, _ in results)
    ttfts = [ttft for chunks, ttft, _ in results if chunks]
    cut = sum(1 for chunks, _, finished in results if not finished or chunks == 0)
    return tokens / elapsed, ttfts, cut


@dataclass
class _Samples:
    """One server's figures in one scenario, a value per round."""

    rates: list[float]
    ttfts: list[float]
    slowest: list[float]
    cut_off: int = 0

    def result(self, server: str, scenario: str) -> Result:
        return Result(
            server,
            scenario,
            statistics.median(self.rates),
            statistics.median(self.ttfts) if self.ttfts else float("nan"),
            statistics.median(self.slowest) if self.slowest else float("nan"),
            self.cut_off,
        )


def _measure_in_turns(
    targets: dict[str, tuple[str, dict[str, str]]], model: str, max_tokens: int, rounds: int
) -> list[Result]:
    """Every scenario on every target, ``rounds`` times, the targets' order rotating."""
    samples = {
        (name, scenario): _Samples([], [], []) for name in targets for scenario, _ in SCENARIOS
    }
    names = list(targets)
    for round_index in range(rounds):
        shift = round_index % len(names)
        for scenario, streams in SCENARIOS:
            for name in names[shift:] + names[:shift]:
                url, headers = targets[name]
                rate, ttfts, cut = asyncio.run(_scenario(url, headers, model, streams, max_tokens))
                sample = samples[name, scenario]
                sample.rates.append(rate)
                sample.ttfts += ttfts
                if ttfts:
                    sample.slowest.append(max(ttfts))
                sample.cut_off += cut
    return [
        samples[name, scenario].result(name, scenario)
        for name in targets
        for scenario, _ in SCENARIOS
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _llama_cpp_server(model_path: str, *extra: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            model_path,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _serve(config: dict[str, Any], connection: Any) -> None:
    """In a child process, like llama_cpp.server: the client's work must not share our GIL."""
    with served_app([oro_ai.plugin], config={"ai.llm.idle_timeout": 0, **config}) as app:
        cookie = f"{app.server.cookie_name}={app.call(app.server.session_cookie)}"
        connection.send((app.server.origin, cookie))
        connection.recv()


@contextmanager
def _host(config: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """A served app in a child process: its ``/ai/llama/v1`` URL and the session cookie."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(config, child))
    process.start()
    try:
        origin, cookie = parent.recv()
        yield f"{origin}/ai/llama/v1", {"Cookie": cookie}
    finally:
        parent.send("stop")
        process.join(timeout=60)


def _upstream_rows(
    model_path: str, max_tokens: int, rounds: int
) -> tuple[list[Result], dict[str, tuple[float, float]]]:
    """Direct and through the host to one upstream, in pairs, alternating which goes first each
    round so that neither gets the warmer machine; with each scenario's ratios (tok/s, first
    token) as the median of the pairs' own: on a loaded machine, load that comes and goes
    would otherwise land on one side of a ratio of medians."""
    results: list[Result] = []
    ratios: dict[str, tuple[float, float]] = {}
    with (
        _llama_cpp_server(
            model_path, "--interrupt_requests", "False", "--model_alias", UPSTREAM_ALIAS
        ) as upstream,
        _host(
            {
                "ai.upstreams.bench.base_url": upstream,
                "ai.upstreams.bench.models": [UPSTREAM_ALIAS],
            }
        ) as (host_url, headers),
    ):
        targets = {"direct upstream": (upstream, {}), "oro-ai -> upstream": (host_url, headers)}
        for scenario, streams in UPSTREAM_SCENARIOS:
            rates: dict[str, list[float]] = {name: [] for name in targets}
            ttfts: dict[str, list[float]] = {name: [] for name in targets}
            firsts: dict[str, list[float]] = {name: [] for name in targets}
            cut = dict.fromkeys(targets, 0)
            for round_index in range(rounds):
                order = list(targets) if round_index % 2 == 0 else list(targets)[::-1]
                for name in order:
                    url, extra = targets[name]
                    rate, times, cut_off = asyncio.run(
                        _scenario(url, extra, UPSTREAM_ALIAS, streams, max_tokens)
                    )
                    rates[name].append(rate)
                    ttfts[name] += times
                    firsts[name].append(statistics.median(times) if times else float("nan"))
                    cut[name] += cut_off
            for name in targets:
                results.append(
                    Result(
                        name,
                        scenario,
                        statistics.median(rates[name]),
                        statistics.median(ttfts[name]) if ttfts[name] else float("nan"),
                        max(ttfts[name]) if ttfts[name] else float("nan"),
                        cut[name],
                    )
                )
            direct, relayed = (rates[name] for name in targets)
            direct_first, relayed_first = (firsts[name] for name in targets)
            ratios[scenario] = (
                statistics.median(r / d for r, d in zip(relayed, direct, strict=True)),
                statistics.median(r / d for r, d in zip(relayed_first, direct_first, strict=True)),
            )
    return results, ratios


def _loaded_rows(model: str, max_tokens: int, rounds: int) -> tuple[Result, Result]:
    """The shipped host's lone answer quiet and with one core busy, alternating."""
    rates: dict[bool, list[float]] = {False: [], True: []}
    ttfts: dict[bool, list[float]] = {False: [], True: []}
    with _host({}) as (url, headers):
        for round_index in range(rounds):
            for busy in (False, True) if round_index % 2 == 0 else (True, False):
                spinner = start_busy(1 if busy else 0)
                try:
                    if busy:
                        # The host measures the other programs' load while it waits for work.
                        time.sleep(1.5)
                    rate, times, _ = asyncio.run(_scenario(url, headers, model, 1, max_tokens))
                finally:
                    stop_busy(spinner)
                rates[busy].append(rate)
                ttfts[busy] += times

    def result(busy: bool) -> Result:
        p50 = statistics.median(ttfts[busy]) if ttfts[busy] else float("nan")
        scenario = "1_core_busy" if busy else "quiet"
        return Result(SHIPPED, scenario, statistics.median(rates[busy]), p50, p50, 0)

    return result(False), result(True)


def _row(result: Result, ratio_of: str, ratio: float, bound: str | None) -> None:
    print(
        f"{result.server.replace(' ', '_'):<30} {result.scenario.replace(' ', '_'):<13} "
        f"{result.tokens_per_second:7.1f} {result.ttft_p50:9.3f} {result.ttft_max:9.3f} "
        f"{result.cut_off:7d} {ratio_of:>9} {ratio:6.2f}{goal(bound)}"
    )


def _report(results: list[Result]) -> None:
    by = {(result.server, result.scenario): result for result in results}
    for result in results:
        base = by[DEFAULT, result.scenario]
        shipped = result.server == SHIPPED
        ratios = [("tok/s", result.tokens_per_second / base.tokens_per_second)]
        if result.scenario == "8 concurrent" and result.server not in (DEFAULT, NO_INTERRUPT):
            queueing = by[NO_INTERRUPT, result.scenario].tokens_per_second
            lone = by[result.server, "single"].ttft_p50
            ratios += [
                ("tok/s_ni", result.tokens_per_second / queueing),
                ("ttft/lone", result.ttft_max / lone),
            ]
        for ratio_of, ratio in ratios:
            bound = GOALS.get((result.scenario, ratio_of)) if shipped else None
            _row(result, ratio_of, ratio, bound)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few tokens (smoke run)")
    quick = parse_arguments(parser).quick
    max_tokens = 16 if quick else 128
    path = default_model_file()
    if path is None:
        raise SystemExit("oro-ai-smollm2 is not installed: the benchmark needs its SmolLM2 model")
    model = path.stem
    with (
        _llama_cpp_server(str(path)) as default,
        _llama_cpp_server(str(path), "--interrupt_requests", "False") as queueing,
        _host({}) as shipped,
        _host({"ai.llm.pool_capacity": 2, "ai.llm.parallel": 1, "ai.llm.threads": 1}) as pool,
    ):
        targets = {
            DEFAULT: (default, {}),
            NO_INTERRUPT: (queueing, {}),
            SHIPPED: shipped,
            "oro-ai pool 2x1": pool,
        }
        results = _measure_in_turns(targets, model, max_tokens, rounds=1 if quick else 3)
    upstream, paired = _upstream_rows(str(path), max_tokens, rounds=3 if quick else 5)
    quiet, loaded = _loaded_rows(model, max_tokens if quick else 400, rounds=2 if quick else 4)
    print(
        f"{'server':<30} {'scenario':<13} {'tok/s':>7} {'ttft_p50':>9} {'ttft_max':>9} "
        f"{'cut_off':>7} {'ratio_of':>9} {'ratio':>6}{'goal':>{GOAL_WIDTH}}"
    )
    _report(results)
    for result in upstream:
        if result.server == "direct upstream":
            _row(result, "tok/s", 1.0, None)
            continue
        rate, first = paired[result.scenario]
        _row(result, "tok/s", rate, UPSTREAM_GOALS["tok/s"])
        _row(result, "ttft_p50", first, UPSTREAM_GOALS["ttft_p50"])
    _row(quiet, "time/quiet", 1.0, None)
    _row(loaded, "time/quiet", quiet.tokens_per_second / loaded.tokens_per_second, LOADED_GOAL)


if __name__ == "__main__":
    main()
