"""Optional LLM backend: ask an OpenAI-compatible endpoint (``FENJI_LLM_URL``) for facts.

The offline assist stays the default and is what the tests and the benchmark measure. An answer from the endpoint is
only a list of candidates: :func:`accept` keeps a fact only when it is a fact of the vocabulary, its value fits the
fact, and its evidence is a span quoted verbatim from the input; everything else is rejected with a reason.
:func:`merge_llm` then adds the accepted facts that the offline path left open (the offline proposals win).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fenji.model.facts import Fact, FactValue, ValueProblem, Vocabulary, coerce_value
from fenji.model.result import ProposedFact

MAX_CONFIDENCE = 0.7  # an endpoint's facts never outrank a clear offline cue
DEFAULT_CONFIDENCE = 0.5
JSON_BLOCK = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)
SYSTEM_PROMPT = (
    "You extract facts about an AI system from its description for a regulatory classifier. "
    'Answer with JSON only: {"facts": [{"fact": ID, "value": VALUE, "evidence": SPAN, "confidence": 0-1}]}. '
    "Use only the fact IDs and values listed. SPAN must be copied exactly from the description. "
    "Leave out every fact the description does not settle; never guess."
)


class LlmError(RuntimeError):
    """The endpoint could not be reached or did not answer in the expected shape."""


@dataclass(frozen=True)
class Rejection:
    fact: str
    reason: str


@dataclass
class LlmAnswer:
    accepted: list[ProposedFact] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL such as ``http://127.0.0.1:8080/v1``."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def _fact_line(fact: Fact) -> str:
    values = f" values: {', '.join(fact.value_ids)}" if fact.value_ids else ""
    kind = "list" if fact.type == "multi" else fact.type
    return f"- {fact.id} ({kind}{values}): {fact.question.en}"


def build_request(text: str, vocab: Vocabulary, model: str) -> dict[str, Any]:
    facts = "\n".join(_fact_line(f) for f in vocab.facts.values() if not f.deprecated)
    user = f"Facts you may use:\n{facts}\n\nDescription:\n{text}"
    return {
        "model": model,
        "temperature": 0,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}],
    }


def _post(url: str, payload: dict[str, Any], api_key: str | None, timeout: float) -> Any:
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    body = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(endpoint(url), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own endpoint
            return json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LlmError(f"{endpoint(url)}: {exc}") from None


def answer_items(response: Any) -> list[Any]:
    """The fact objects in an OpenAI-style chat response (JSON in the message, fenced or not)."""
    try:
        content = response["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LlmError("the response has no choices[0].message.content") from None
    match = JSON_BLOCK.search(str(content))
    if match is None:
        raise LlmError("the answer holds no JSON")
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise LlmError(f"the answer is not valid JSON: {exc.msg}") from None
    items = data.get("facts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LlmError('expected {"facts": [...]}')
    return items


def _confidence(raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = DEFAULT_CONFIDENCE
    return round(min(max(value, 0.0), MAX_CONFIDENCE), 2)


def _check(item: Any, text: str, vocab: Vocabulary) -> ProposedFact | Rejection:
    if not isinstance(item, dict):
        return Rejection("?", "not an object")
    fact_id = str(item.get("fact", ""))
    fact = vocab.facts.get(fact_id)
    if fact is None:
        return Rejection(fact_id, "not a fact of the vocabulary")
    evidence = item.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip() or evidence not in text:
        return Rejection(fact_id, "the evidence is not a span of the input")
    try:
        value: FactValue = coerce_value(fact, item.get("value"))
    except ValueProblem as exc:
        return Rejection(fact_id, f"value: {exc}")
    return ProposedFact(fact_id, value, evidence, _confidence(item.get("confidence")))


def accept(items: Iterable[Any], text: str, vocab: Vocabulary) -> LlmAnswer:
    """Keep the vocabulary facts that quote their evidence from ``text``; reject the rest with a reason."""
    answer = LlmAnswer()
    for item in items:
        checked = _check(item, text, vocab)
        if isinstance(checked, Rejection):
            answer.rejected.append(checked)
        else:
            answer.accepted.append(checked)
    return answer


def ask(
    text: str,
    url: str,
    vocab: Vocabulary,
    *,
    model: str = "default",
    api_key: str | None = None,
    timeout: float = 30.0,
) -> LlmAnswer:
    """Ask the endpoint for facts about ``text`` and filter its answer (raises LlmError when it fails)."""
    response = _post(url, build_request(text, vocab, model), api_key, timeout)
    return accept(answer_items(response), text, vocab)


def merge_llm(
    offline: list[ProposedFact], extra: Iterable[ProposedFact], skip: Iterable[str] = ()
) -> list[ProposedFact]:
    """The offline proposals plus the endpoint's facts for facts the offline path (and ``skip``) left open."""
    settled = {p.fact for p in offline} | set(skip)
    added = []
    for p in extra:
        if p.fact not in settled:
            added.append(p)
            settled.add(p.fact)
    return [*offline, *added]
