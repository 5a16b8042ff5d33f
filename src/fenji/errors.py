"""Every error fenji raises on purpose.

::

    FenjiError                      code prefix     stage
    ├── CardError                   card.*          parse / validate user input
    │   ├── CardParseError          card.parse      file, line, column
    │   └── CardValidationError     card.invalid    list of issues: field, line, message, hint
    ├── RulePackError               pack.*          load / validate author input
    │   ├── PackSchemaError         pack.schema
    │   ├── UnknownFactError        pack.unknown_fact   (with "did you mean")
    │   └── DuplicateRuleIdError    pack.duplicate_id
    ├── EvaluationError             eval.*          engine bug or operator type mismatch
    └── StoreError                  store.*
        ├── StoreConflictError      store.conflict      optimistic lock lost: nothing was overwritten
        ├── StoreNotFoundError      store.not_found     no such system, version, assessment, evidence or user
        ├── StoreDuplicateError     store.duplicate     a system ID or user name that is taken
        ├── ReviewStateError        store.review_state  a review step the current state does not allow
        └── StoreImportError        store.import        an export file that cannot be imported

Each class has a stable ``code``; ``docs/errors/<code>.md`` explains cause and fix.
Errors carry structured context (``issues``: file, line, field, message, hint) so the
CLI and the web app can show the same thing in their own way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One problem in user or author input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        elif self.line:
            where = f"line {self.line}"
        parts = [p for p in (where, self.field) if p]
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class FenjiError(Exception):
    """Base class: a message plus located issues."""

    message: str
    issues: list[Issue] = field(default_factory=list)
    code = "fenji.error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        lines = [self.message] + ["  " + issue.render() for issue in self.issues]
        return "\n".join(lines)


class CardError(FenjiError):
    code = "card.error"


class CardParseError(CardError):
    code = "card.parse"


class CardValidationError(CardError):
    code = "card.invalid"


class RulePackError(FenjiError):
    code = "pack.error"


class PackSchemaError(RulePackError):
    code = "pack.schema"


class UnknownFactError(RulePackError):
    code = "pack.unknown_fact"


class DuplicateRuleIdError(RulePackError):
    code = "pack.duplicate_id"


class EvaluationError(FenjiError):
    code = "eval.error"


class StoreError(FenjiError):
    code = "store.error"


class StoreConflictError(StoreError):
    code = "store.conflict"


class StoreNotFoundError(StoreError):
    code = "store.not_found"


class StoreDuplicateError(StoreError):
    code = "store.duplicate"


class ReviewStateError(StoreError):
    code = "store.review_state"


class StoreImportError(StoreError):
    code = "store.import"


ERROR_CLASSES: tuple[type[FenjiError], ...] = (
    FenjiError,
    CardError,
    CardParseError,
    CardValidationError,
    RulePackError,
    PackSchemaError,
    UnknownFactError,
    DuplicateRuleIdError,
    EvaluationError,
    StoreError,
    StoreConflictError,
    StoreNotFoundError,
    StoreDuplicateError,
    ReviewStateError,
    StoreImportError,
)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean X?" hint for a misspelt identifier, or None."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
