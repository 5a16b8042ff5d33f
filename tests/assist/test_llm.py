"""The optional LLM backend, against a real local HTTP server that answers like an OpenAI-compatible endpoint.

Only facts of the vocabulary whose evidence is quoted verbatim from the input are accepted; the offline proposals
win where both speak; without FENJI_LLM_URL nothing is sent anywhere.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from fenji import api
from fenji.assist import llm
from fenji.cli import main
from fenji.errors import FenjiError
from fenji.model.facts import vocabulary

TEXT = "Our 30-person startup sells a chatbot to EU customers. It answers questions about invoices."
ANSWER = {
    "facts": [
        {"fact": "org.size_class", "value": "small", "evidence": "Our 30-person startup", "confidence": 0.9},
        {"fact": "market.eu", "value": False, "evidence": "EU customers", "confidence": 0.6},  # offline wins
        {"fact": "technique.conversational", "value": True, "evidence": "a chatbot"},
        {"fact": "org.mood", "value": True, "evidence": "startup"},  # not a fact of the vocabulary
        {"fact": "use.setting", "value": ["workplace"], "evidence": "an office full of people"},  # not in the input
        {"fact": "system.kind", "value": "robot", "evidence": "chatbot"},  # not a value of the fact
        {"fact": "data.personal_data", "value": True, "evidence": ""},  # no evidence
        "not an object",
    ]
}


class Endpoint(BaseHTTPRequestHandler):
    reply: ClassVar[Any] = None
    status: ClassVar[int] = 200
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        Endpoint.requests.append({"path": self.path, "body": body})
        content = Endpoint.reply if isinstance(Endpoint.reply, str) else json.dumps(Endpoint.reply)
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(Endpoint.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    Endpoint.reply, Endpoint.status, Endpoint.requests = ANSWER, 200, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_only_vocabulary_facts_quoting_the_input_are_accepted(endpoint: str) -> None:
    answer = llm.ask(TEXT, endpoint, vocabulary())
    accepted = {p.fact: p for p in answer.accepted}
    assert set(accepted) == {"org.size_class", "market.eu", "technique.conversational"}
    assert all(p.evidence in TEXT for p in answer.accepted)
    assert accepted["technique.conversational"].confidence == llm.DEFAULT_CONFIDENCE
    assert accepted["org.size_class"].confidence == llm.MAX_CONFIDENCE  # capped
    reasons = {r.fact: r.reason for r in answer.rejected}
    assert reasons["org.mood"] == "not a fact of the vocabulary"
    assert reasons["use.setting"] == "the evidence is not a span of the input"
    assert reasons["data.personal_data"] == "the evidence is not a span of the input"
    assert reasons["system.kind"].startswith("value:")
    assert len(answer.rejected) == 5


def test_the_request_is_an_openai_chat_completion_with_the_vocabulary(endpoint: str) -> None:
    llm.ask(TEXT, endpoint, vocabulary(), model="local-model")
    request = Endpoint.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "local-model"
    user = request["body"]["messages"][-1]["content"]
    assert TEXT in user and "market.cn_public" in user and "technique.emotion_recognition" in user


def test_offline_proposals_win_and_the_endpoint_fills_open_facts(endpoint: str) -> None:
    proposals = {p.fact: p for p in api.propose_facts(TEXT, llm_url=endpoint)}
    assert proposals["market.eu"].value is True  # the offline cue, not the endpoint's false
    assert proposals["org.size_class"].value == "small"
    assert all(p.evidence in TEXT for p in proposals.values())


def test_given_facts_are_not_filled_by_the_endpoint(endpoint: str) -> None:
    proposals = {p.fact for p in api.propose_facts(TEXT, llm_url=endpoint, given={"org.size_class": "large"})}
    assert "org.size_class" not in proposals


def test_fenced_json_answers_are_read(endpoint: str) -> None:
    Endpoint.reply = "Here you are:\n```json\n" + json.dumps(ANSWER) + "\n```"
    assert {p.fact for p in llm.ask(TEXT, endpoint, vocabulary()).accepted} >= {"org.size_class"}


def test_a_broken_endpoint_is_an_error_not_a_silent_guess(endpoint: str) -> None:
    Endpoint.reply = "I cannot help with that."
    with pytest.raises(FenjiError):
        api.propose_facts(TEXT, llm_url=endpoint)
    with pytest.raises(FenjiError):
        api.propose_facts(TEXT, llm_url="http://127.0.0.1:9/v1")  # nothing listens on the discard port


def test_the_cli_uses_the_endpoint_named_by_the_environment(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FENJI_LLM_URL", endpoint)
    result = CliRunner().invoke(main, ["assess", "--text", TEXT, "--format", "json", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    proposed = {p["fact"]: p for p in json.loads(result.output)["facts"]["proposed"]}
    assert proposed["org.size_class"]["value"] == "small"
    assert Endpoint.requests


def test_without_the_environment_variable_nothing_is_sent(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FENJI_LLM_URL", raising=False)
    proposals = {p.fact for p in api.propose_facts(TEXT)}
    assert "org.size_class" not in proposals
    assert Endpoint.requests == []
