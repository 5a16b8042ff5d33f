"""The inventory's operations: ``fenji.api`` does the law, ``fenji.store`` keeps the records. Routes (pages
and the REST API) call these and nothing deeper.

A system's *effective card* is its stored card version plus the evidence files uploaded for it (each one
``done`` evidence for its control) plus the waivers approved in the app; that is what an assessment sees.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from fenji import api
from fenji.errors import CardValidationError, Issue
from fenji.store import (
    AssessmentInput,
    AssessmentRecord,
    CardVersion,
    ControlStatus,
    EvidenceRecord,
    RegimeTier,
    Session,
    Store,
    System,
    WaiverRecord,
)
from fenji.web.library import Catalog

JSON_MEDIA = "application/json"
# fenji report formats and the CI renderers a stored assessment can be exported in
REPORT_FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
CI_FORMATS = {
    "text": ("text/plain; charset=utf-8", "txt"),
    "sarif": ("application/sarif+json", "sarif"),
    "junit": ("application/xml", "xml"),
}
EXPORT_FORMATS = ("json", *REPORT_FORMATS, *CI_FORMATS)
MAX_ID = 200
MAX_NAME = 500
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def check_date(value: dt.date, field: str) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise CardValidationError(
            f"{field} {value.isoformat()} is out of range",
            [Issue(f"use a date between {EARLIEST} and {LATEST}", field=field)],
        )
    return value


def check_card_size(card: api.SystemCard) -> None:
    issues = []
    if len(card.id) > MAX_ID or not card.id.strip():
        issues.append(Issue(f"the ID must have 1 to {MAX_ID} characters", field="id"))
    if len(card.name) > MAX_NAME:
        issues.append(Issue(f"the name must have at most {MAX_NAME} characters", field="name"))
    if issues:
        raise CardValidationError("the card cannot be stored", issues)


def assessment_input(result: api.Assessment, lang_traces: tuple[str, ...] = ("zh",)) -> AssessmentInput:
    """The store's record of one assessment: the JSON contract plus the figures the dashboard queries."""
    data = result.to_dict("en")
    explanation = {
        lang: {rid: [t.render(lang) for t in regime.trace] for rid, regime in result.regimes.items()}
        for lang in lang_traces
    }
    tiers = [RegimeTier(rid, r.tier, r.status, r.applies) for rid, r in result.regimes.items()]
    controls = [
        ControlStatus(
            control=c.id,
            required_now=c.required_now,
            evidence_status=c.evidence_status,
            earliest_deadline=c.earliest_deadline,
            title=c.title.as_dict(),
        )
        for c in result.plan.controls
    ]
    return AssessmentInput(
        as_of=result.as_of,
        decision_id=result.decision_id or str(uuid.uuid4()),
        card_digest=result.card_digest,
        packs=result.packs,
        result=data,
        explanation=explanation,
        tiers=tiers,
        controls=controls,
    )


@dataclass(frozen=True)
class SystemView:
    system: System
    card: CardVersion
    effective: api.SystemCard
    evidence: list[EvidenceRecord]
    waivers: list[WaiverRecord]
    latest: AssessmentRecord | None


class Inventory:
    def __init__(self, store: Store, catalog: Catalog, today: dt.date | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self._today = today

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- cards ---------------------------------------------------------------------------

    @staticmethod
    def parse_card(text: str, source: str = "upload") -> api.SystemCard:
        card = api.card_from_text(text, source)
        check_card_size(card)
        return card

    @staticmethod
    def card_from_data(data: Any, source: str = "request") -> api.SystemCard:
        card = api.card_from_mapping(data, source=source)
        check_card_size(card)
        return card

    def effective_card(
        self,
        card: CardVersion,
        evidence: list[EvidenceRecord],
        waivers: list[WaiverRecord],
        at: dt.datetime | None = None,
    ) -> api.SystemCard:
        """The card an assessment sees (as it was at ``at`` when given: for re-rendering an old assessment)."""
        if at is not None:
            evidence = [e for e in evidence if e.created_at <= at]
            waivers = [w for w in waivers if w.created_at <= at and (w.revoked_at is None or w.revoked_at > at)]
        else:
            waivers = [w for w in waivers if w.revoked_at is None]
        data = dict(card.card)
        data["evidence"] = list(data.get("evidence") or []) + [
            {
                "control": e.control,
                "ref": f"fenji:evidence/{e.id} {e.filename}",
                "date": e.created_at.date().isoformat(),
                "owner": e.created_by,
                "status": "done",
                **({"note": e.note} if e.note else {}),
            }
            for e in evidence
        ]
        data["waivers"] = list(data.get("waivers") or []) + [w.card_data() for w in waivers]
        return api.card_from_mapping(data, source=f"system {card.system_id} v{card.version}")

    # --- systems -------------------------------------------------------------------------

    def create_system(
        self, who: Session, card: api.SystemCard, *, note: str | None = None, assess: bool = True
    ) -> tuple[System, AssessmentRecord | None]:
        system = self.store.create_system(
            who.user.org_id, card.to_data(), card.digest(), actor=who.user.username, note=note
        )
        record = self.assess(who, system.id) if assess else None
        return self.store.get_system(who.user.org_id, system.id), record

    def update_card(
        self,
        who: Session,
        system_id: int,
        card: api.SystemCard,
        *,
        expected_version: int,
        note: str | None = None,
        assess: bool = True,
    ) -> tuple[System, AssessmentRecord | None]:
        system = self.store.update_card(
            who.user.org_id,
            system_id,
            card.to_data(),
            card.digest(),
            expected_version=expected_version,
            actor=who.user.username,
            note=note,
        )
        record = self.assess(who, system.id) if assess else None
        return self.store.get_system(who.user.org_id, system.id), record

    def view(self, who: Session, system_id: int, *, with_result: bool = True) -> SystemView:
        org = who.user.org_id
        system = self.store.get_system(org, system_id)
        card = self.store.card_version(org, system_id, system.version)
        evidence = self.store.evidence_for(org, system_id)
        waivers = self.store.waivers_for(org, system_id)
        latest = (
            self.store.get_assessment(org, system.latest_assessment_id, with_result=with_result)
            if system.latest_assessment_id
            else None
        )
        return SystemView(system, card, self.effective_card(card, evidence, waivers), evidence, waivers, latest)

    def assess(self, who: Session, system_id: int, as_of: dt.date | None = None) -> AssessmentRecord:
        """Assess the system's current card (with its evidence and waivers) and record the result."""
        org = who.user.org_id
        system = self.store.get_system(org, system_id)
        card = self.store.card_version(org, system_id, system.version)
        effective = self.effective_card(
            card, self.store.evidence_for(org, system_id), self.store.waivers_for(org, system_id)
        )
        when = check_date(as_of, "as_of") if as_of else self.today()
        result = api.assess(effective, packs=self.catalog.packs, as_of=when, with_decision_id=True)
        return self.store.add_assessment(
            org, system_id, card.version, assessment_input(result), actor=who.user.username
        )

    def add_evidence(
        self,
        who: Session,
        system_id: int,
        *,
        control: str,
        filename: str,
        content_type: str,
        content: bytes,
        note: str | None,
    ) -> EvidenceRecord:
        if control not in self.catalog.controls:
            raise CardValidationError(
                f"unknown control {control!r}",
                [Issue("not a control of the catalogue", field="control", hint="pick a control from the plan")],
            )
        return self.store.add_evidence(
            who.user.org_id,
            system_id,
            control=control,
            filename=filename,
            content_type=content_type,
            content=content,
            note=note,
            actor=who.user.username,
        )

    def add_waiver(self, who: Session, system_id: int, *, rule: str, reason: str, expires: dt.date) -> WaiverRecord:
        if rule not in self.catalog.rules:
            raise CardValidationError(
                f"unknown rule {rule!r}", [Issue("not a rule of the packs", field="rule", hint="see the rules library")]
            )
        if not reason.strip():
            raise CardValidationError("a waiver needs a reason", [Issue("say why", field="reason")])
        check_date(expires, "expires")
        return self.store.add_waiver(
            who.user.org_id, system_id, rule=rule, reason=reason.strip(), expires=expires, actor=who.user.username
        )

    def timeline(self, card: api.SystemCard) -> Any:
        return api.timeline(card, packs=self.catalog.packs, as_of=self.today())

    def export_assessment(
        self, who: Session, assessment_id: int, fmt: str, lang: str, kind: str = "assessment"
    ) -> tuple[bytes, str, str]:
        """(content, media type, file extension) of a stored assessment in an output format.

        ``json`` is the stored record itself. The other formats re-render the same card version (with the
        evidence and waivers it had) as of the same date with the packs loaded now, which is identical
        whenever the pack digests match (the pages say when they do not): ``text``, ``sarif``, ``junit``
        are the CI renderers; ``md``, ``html``, ``docx``, ``pdf`` are ``fenji report`` (``kind``: the
        assessment report or a filing pack)."""
        from fenji.outputs import RENDERERS, Item

        org = who.user.org_id
        record = self.store.get_assessment(org, assessment_id)
        if fmt == "json":
            import json

            return (json.dumps(record.result, ensure_ascii=False, indent=2) + "\n").encode(), JSON_MEDIA, "json"
        card_version = self.store.card_version(org, record.system_id, record.card_version)
        effective = self.effective_card(
            card_version,
            self.store.evidence_for(org, record.system_id),
            self.store.waivers_for(org, record.system_id),
            at=record.created_at,
        )
        if fmt in REPORT_FORMATS:
            if kind not in api.report_kinds():
                raise CardValidationError(
                    f"unknown report kind {kind!r}",
                    [Issue("not a report kind", field="kind", hint=", ".join(api.report_kinds()))],
                )
            data = api.render_report(effective, kind, fmt, lang, packs=self.catalog.packs, as_of=record.as_of)
            return data, REPORT_FORMATS[fmt], fmt
        result = api.assess(effective, packs=self.catalog.packs, as_of=record.as_of)
        result.decision_id = record.decision_id
        items = [Item(effective, result, api.check_findings(effective, result, self.catalog.packs))]
        text = RENDERERS[fmt](items, lang)
        media, ext = CI_FORMATS[fmt]
        return text.encode("utf-8"), media, ext

    def same_packs(self, record: AssessmentRecord) -> bool:
        return all(self.catalog.regime(rid).digest == info.get("digest") for rid, info in record.packs.items()) and set(
            record.packs
        ) == set(self.catalog.regimes)
