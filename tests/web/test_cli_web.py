"""`fenji users`, `fenji audit` and `fenji serve` (a real server in a subprocess; the store is created on first run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from fenji.cli import main
from fenji.store import open_store
from fenji.web.demo import DEMO_PASSWORD
from fenji.web.security import verify_password


def test_users_create_admin_and_list(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(
        main, ["users", "create-admin", "--password-stdin", "--database-url", url], input="a long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "created admin 'admin'" in result.output
    short = runner.invoke(main, ["users", "create", "bob", "--password-stdin", "--database-url", url], input="short\n")
    assert short.exit_code == 2 and "at least 8" in short.output
    taken = runner.invoke(
        main, ["users", "create-admin", "--password-stdin", "--database-url", url], input="a long passphrase\n"
    )
    assert taken.exit_code == 2 and "store.duplicate" in taken.output
    prompted = runner.invoke(
        main, ["users", "create", "rita", "--role", "reviewer", "--database-url", url], input="rita's passphrase\n" * 2
    )
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(main, ["users", "list", "--database-url", url])
    assert "admin\tadmin\tactive\tdefault" in listed.output and "rita\treviewer" in listed.output
    store = open_store(url)
    user = store.user_by_name("admin")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long passphrase")
    log = runner.invoke(main, ["audit", "log", "--database-url", url])
    assert "user.create" in log.output
    store.close()


def test_a_bad_database_url_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["audit", "verify", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 2 and "store.error" in result.output


def test_serve_creates_the_store_on_first_run_and_seeds_the_demo(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FENJI_")}
    env |= {"FENJI_DATA_DIR": str(tmp_path / "data"), "FENJI_AS_OF": "2026-11-22"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from fenji.cli import main; main()", "serve", "--port", str(port), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise AssertionError("fenji serve did not start")
        assert (tmp_path / "data" / "fenji.db").exists()
        assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
        token = httpx.post(base + "/api/session", json={"username": "viewer", "password": DEMO_PASSWORD}).json()
        systems = httpx.get(base + "/api/systems", headers={"Authorization": f"Bearer {token['token']}"}).json()
        assert systems["total"] >= 20
        login = httpx.get(base + "/login")
        assert login.status_code == 200 and "Secure" not in login.headers["set-cookie"]  # plain http on loopback
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    assert "--demo users" in output
