"""Load run of the web app: dashboard, system page and assessment POST at 20 concurrent users with 1,000
systems in the store, on SQLite and on PostgreSQL. Prints p50/p95/p99 latency and throughput.

    python bench/web.py                          # both backends, 20 users, 1,000 systems, 15 s per scenario
    python bench/web.py --backend sqlite --duration 5 --systems 200
    python bench/web.py --think 0                # closed loop without think time: the saturation figures

The server is real: ``uvicorn fenji.web.app:app_from_env`` in a subprocess on loopback (``--workers``,
default one per CPU). Each virtual user logs in once (bearer token), then loops: request, wait a think
time drawn uniformly from [0.5, 1.5] x ``--think`` seconds, repeat. The store is seeded directly through
``fenji.store`` (1,000 systems, each with its card version and a real assessment of one of the example
cards). PostgreSQL is ``FENJI_BENCH_POSTGRES_URL`` (default: the test database on 127.0.0.1:5432), used in a
throwaway schema. Targets: p95 < 200 ms for pages, < 300 ms for the assessment POST.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

from fenji import api
from fenji.store import Session, open_store
from fenji.web.inventory import assessment_input
from fenji.web.security import hash_password

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "cards"
AS_OF = dt.date(2026, 11, 22)
PASSWORD = "bench-password"
PG_URL = os.environ.get("FENJI_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS_MS = {"dashboard": 200.0, "system page": 200.0, "assessment POST": 300.0}


@dataclasses.dataclass
class Row:
    backend: str
    scenario: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def seed(url: str, systems: int) -> None:
    """``systems`` systems, each with card version 1 and an assessment (one of the example cards, renamed)."""
    store = open_store(url)
    user = store.create_user("bench", hash_password(PASSWORD), "editor")
    cards = [api.load_card(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    templates = [assessment_input(api.assess(c, as_of=AS_OF, with_decision_id=True)) for c in cards]
    who = Session(user, "api", "", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    started = time.perf_counter()
    for i in range(systems):
        card, template = cards[i % len(cards)], templates[i % len(cards)]
        slug, name = f"{card.id}-{i:04d}", f"{card.name} #{i}"
        data = card.to_data() | {"id": slug, "name": name}
        system = store.create_system(user.org_id, data, card.digest(), actor=who.user.username)
        result = template.result | {"system": {"id": slug, "name": name}}
        record = dataclasses.replace(template, decision_id=str(uuid.uuid4()), result=result)
        store.add_assessment(user.org_id, system.id, 1, record, actor=who.user.username)
    print(f"  seeded {systems} systems in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, data: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "FENJI_DATABASE_URL": url,
        "FENJI_DATA_DIR": str(data),
        "FENJI_SECRET_KEY": "bench-secret-" + "x" * 40,
        "FENJI_AS_OF": AS_OF.isoformat(),
        "FENJI_SECURE_COOKIES": "0",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "fenji.web.app:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "server.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start:\n" + (data / "server.log").read_text())


async def run_scenario(
    base: str, tokens: list[str], systems: int, scenario: str, duration: float, think: float, backend: str
) -> Row:
    latencies: list[float] = []
    errors = 0
    requests = 0
    pages = max(1, systems // 50)

    async def one(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        if scenario == "dashboard":
            return await client.get(f"/?page={rng.randint(1, pages)}")
        if scenario == "system page":
            return await client.get(f"/systems/{rng.randint(1, systems)}")
        return await client.post(f"/api/systems/{rng.randint(1, systems)}/assessments", json={})

    async def user(index: int, stop: float) -> None:
        nonlocal errors, requests
        rng = random.Random(index)
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            await one(client, rng)  # warm the connection
            await asyncio.sleep(rng.random() * max(think, 0.05))  # users do not start in lockstep
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await one(client, rng)
                elapsed = (time.perf_counter() - started) * 1000
                requests += 1
                if response.status_code >= 400:
                    errors += 1
                latencies.append(elapsed)
                if think:
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    began = time.perf_counter()
    stop = began + duration
    await asyncio.gather(*(user(i, stop) for i in range(len(tokens))))
    return Row(backend, scenario, requests, errors, time.perf_counter() - began, latencies)


def login_all(base: str, users: int) -> list[str]:
    tokens = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(users):
            response = client.post("/api/session", json={"username": "bench", "password": PASSWORD})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return tokens


def bench_backend(backend: str, args: argparse.Namespace) -> list[Row]:
    data = Path(tempfile.mkdtemp(prefix=f"fenji-bench-{backend}-"))
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{data / 'fenji.db'}"
    else:
        schema = "fenji_bench_" + uuid.uuid4().hex[:8]
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    print(f"{backend}: seeding…", file=sys.stderr)
    seed(url, args.systems)
    proc, base = start_server(url, data, args.workers)
    rows = []
    try:
        tokens = login_all(base, args.users)
        for scenario in ("dashboard", "system page", "assessment POST"):
            print(f"{backend}: {scenario} for {args.duration:.0f} s…", file=sys.stderr)
            rows.append(
                asyncio.run(run_scenario(base, tokens, args.systems, scenario, args.duration, args.think, backend))
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if schema:
            engine = sa.create_engine(PG_URL)
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()
        shutil.rmtree(data, ignore_errors=True)
    return rows


def table(rows: list[Row], args: argparse.Namespace) -> str:
    head = (
        f"{args.users} users, {args.systems} systems, think time {args.think:g} s (x0.5–1.5), "
        f"{args.duration:g} s per scenario, {args.workers} uvicorn worker(s), {os.cpu_count()} CPU(s)"
    )
    lines = [
        head,
        "",
        "| backend | scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | target p95 | ok |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        target = TARGETS_MS[r.scenario]
        ok = "yes" if r.pct(95) < target and not r.errors else "NO"
        lines.append(
            f"| {r.backend} | {r.scenario} | {r.requests} | {r.errors} | {r.throughput:.1f} | {r.pct(50):.1f} | "
            f"{r.pct(95):.1f} | {r.pct(99):.1f} | < {target:.0f} | {ok} |"
        )
    mean = statistics.fmean(x for r in rows for x in r.latencies_ms) if any(r.latencies_ms for r in rows) else 0
    lines.append("")
    lines.append(f"mean latency over all requests: {mean:.1f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between a user's requests (s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows: list[Row] = []
    for backend in backends:
        rows.extend(bench_backend(backend, args))
    print(table(rows, args))


if __name__ == "__main__":
    main()
