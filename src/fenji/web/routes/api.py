"""The REST API under ``/api`` (OpenAPI at ``/openapi.json``, browsable at ``/docs``).

Authenticate with ``POST /api/session`` and send ``Authorization: Bearer <token>``; a browser session cookie
works too (then unsafe requests need the ``X-CSRF-Token`` header). Every error has the body
``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from fenji.api import Screen
from fenji.errors import Issue, StoreDuplicateError, StoreNotFoundError
from fenji.store import REVIEW_STATES, role_at_least
from fenji.web import diffs
from fenji.web import questionnaire as qn
from fenji.web.deps import (
    Admin,
    Ctx,
    Editor,
    Reviewer,
    Viewer,
    bearer_token,
    card_text,
    ctx,
    evidence_type,
    read_upload,
    safe_filename,
)
from fenji.web.errors import Forbidden, InvalidCredentials, RateLimited, RequestInvalid
from fenji.web.inventory import check_date
from fenji.web.schemas import (
    MAX_INT,
    AssessIn,
    AssessmentOut,
    AuditEntryOut,
    AuditVerifyOut,
    Bilingual,
    CardIn,
    CardOut,
    Change,
    ChoiceOut,
    DiffOut,
    ErrorBody,
    EvidenceOut,
    LoginIn,
    PackOut,
    PlanOut,
    QuestionOut,
    QuestionsIn,
    RegimeSummary,
    ReviewEventOut,
    ReviewIn,
    ReviewOut,
    ReviewQueueItem,
    RuleHit,
    RuleOut,
    RuleSearchOut,
    ScreenItemOut,
    ScreenOut,
    SurveyOut,
    SystemCreated,
    SystemIn,
    SystemList,
    SystemOut,
    TimelineOut,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
    WaiverIn,
    WaiverOut,
)
from fenji.web.security import DUMMY_HASH, hash_password, needs_rehash, verify_password

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Bad request"),
        (401, "Not logged in, or bad credentials"),
        (403, "Your role may not do this, or the CSRF token is missing"),
        (404, "Not found"),
        (409, "Conflict: someone else changed it first, a duplicate, or a review step not allowed now"),
        (413, "Upload too large"),
        (415, "Upload type not accepted"),
        (422, "Invalid input"),
        (429, "Too many failed logins"),
        (503, "The database is unavailable"),
    )
}

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

SystemId = Annotated[int, Path(ge=1, le=MAX_INT)]
ItemId = Annotated[int, Path(ge=1, le=MAX_INT)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_INT)]
REPORT_MEDIA: dict[str, Any] = {
    "application/json": {"schema": {"type": "object", "description": "The stored JSON result (schema_version 1)"}},
    "application/sarif+json": {"schema": {"type": "object", "description": "SARIF 2.1.0"}},
    **{
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in (
            "text/markdown",
            "text/html",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "text/plain",
            "application/xml",
        )
    },
}


def client_key(request: Request) -> str:
    return "ip:" + (request.client.host if request.client else "unknown")


# --- session ----------------------------------------------------------------------------


@router.get("/health", tags=["session"], summary="Liveness (no login needed)")
def health() -> dict[str, bool]:
    return {"ok": True}


@router.post("/session", tags=["session"], summary="Log in; returns a bearer token", status_code=201)
def login(body: LoginIn, request: Request, app: Ctx) -> TokenOut:
    keys = (f"user:{body.username.lower()}", client_key(request))
    wait = app.limiter.blocked(*keys)
    if wait is not None:
        raise RateLimited(
            f"too many failed logins; try again in {int(wait) + 1} s", headers={"Retry-After": str(int(wait) + 1)}
        )
    user = app.store.user_by_name(body.username)
    ok = verify_password(user.password_hash if user else DUMMY_HASH, body.password)
    if user is None or not ok or not user.active:
        app.limiter.failed(*keys)
        app.store.record(
            body.username, user.org_id if user else None, "login.failed", f"user:{body.username}", {"via": "api"}
        )
        raise InvalidCredentials("wrong user name or password", field="password")
    app.limiter.succeeded(keys[0])
    if needs_rehash(user.password_hash):
        app.store.update_user(user.org_id, user.id, actor=user.username, password_hash=hash_password(body.password))
    token, session = app.store.create_session(user, "api", app.settings.api_token_ttl)
    return TokenOut(token=token, expires_at=session.expires_at, user=UserOut.of(user))


@router.delete("/session", tags=["session"], summary="Log out (revoke this bearer token)", status_code=204)
def logout(request: Request, who: Viewer, app: Ctx) -> Response:
    token = bearer_token(request)
    if token:
        app.store.delete_session(token, who.user.username, who.user.org_id)
    return Response(status_code=204)


@router.get("/me", tags=["session"], summary="Who you are")
def me(who: Viewer) -> UserOut:
    return UserOut.of(who.user)


# --- users (admin) ----------------------------------------------------------------------


@router.get("/users", tags=["users"], summary="Users of your organisation")
def list_users(who: Admin, app: Ctx) -> list[UserOut]:
    return [UserOut.of(u) for u in app.store.list_users(who.user.org_id)]


@router.post("/users", tags=["users"], summary="Create a user", status_code=201)
def create_user(body: UserIn, who: Admin, app: Ctx) -> UserOut:
    user = app.store.create_user(
        body.username, hash_password(body.password), body.role, org_id=who.user.org_id, actor=who.user.username
    )
    return UserOut.of(user)


@router.patch("/users/{user_id}", tags=["users"], summary="Change a user's role, password or whether it is active")
def update_user(user_id: ItemId, body: UserPatch, who: Admin, app: Ctx) -> UserOut:
    if user_id == who.user.id and (body.active is False or (body.role and body.role != "admin")):
        raise Forbidden("you cannot demote or deactivate yourself", field="role")
    user = app.store.update_user(
        who.user.org_id,
        user_id,
        actor=who.user.username,
        role=body.role,
        active=body.active,
        password_hash=hash_password(body.password) if body.password else None,
    )
    return UserOut.of(user)


# --- systems and cards ------------------------------------------------------------------


@router.get("/systems", tags=["systems"], summary="The inventory, with each system's latest tiers")
def list_systems(
    who: Viewer,
    app: Ctx,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SystemList:
    if q and "\x00" in q:
        raise RequestInvalid("NUL characters are not allowed", field="q")
    items, total = app.store.list_systems(who.user.org_id, limit=limit, offset=offset, query=q)
    return SystemList(items=[SystemOut.of_summary(s) for s in items], total=total, limit=limit, offset=offset)


@router.post("/systems", tags=["systems"], summary="Add a system from a card (and assess it)", status_code=201)
def create_system(body: SystemIn, who: Editor, app: Ctx) -> SystemCreated:
    card = app.inventory.card_from_data(body.card)
    system, record = app.inventory.create_system(who, card, note=body.note, assess=body.assess)
    return SystemCreated(system=SystemOut.of_system(system, record), assessment=_assessment(record))


def _assessment(record: Any, with_result: bool = False) -> AssessmentOut | None:
    return AssessmentOut.of(record, with_result=with_result) if record is not None else None


@router.post(
    "/systems/import",
    tags=["systems"],
    summary="Import a card file (YAML or JSON): a new system, or a new version of the system with the same ID",
    status_code=201,
)
async def import_card(
    who: Editor,
    request: Request,
    file: Annotated[UploadFile, File(description="A .yaml, .yml or .json system card")],
    expected_version: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
) -> SystemCreated:
    app = ctx(request)
    filename = safe_filename(file.filename)
    text = card_text(filename, await read_upload(file, app.settings.max_card_bytes))

    def work() -> SystemCreated:
        card = app.inventory.parse_card(text, filename)
        existing = app.store.system_by_slug(who.user.org_id, card.id)
        if existing is None:
            system, record = app.inventory.create_system(who, card, note=f"imported {filename}")
        elif expected_version is None:
            raise StoreDuplicateError(
                f"a system with ID {card.id!r} exists (version {existing.version})",
                [Issue("send expected_version to import a new version of it", field="expected_version")],
            )
        else:
            system, record = app.inventory.update_card(
                who, existing.id, card, expected_version=expected_version, note=f"imported {filename}"
            )
        return SystemCreated(system=SystemOut.of_system(system, record), assessment=_assessment(record))

    return await run_in_threadpool(work)


@router.get("/systems/{system_id}", tags=["systems"], summary="One system and its latest tiers")
def get_system(system_id: SystemId, who: Viewer, app: Ctx) -> SystemOut:
    system = app.store.get_system(who.user.org_id, system_id)
    latest = (
        app.store.get_assessment(who.user.org_id, system.latest_assessment_id, with_result=False)
        if system.latest_assessment_id
        else None
    )
    return SystemOut.of_system(system, latest)


@router.get("/systems/{system_id}/cards", tags=["cards"], summary="Every version of the system's card, newest first")
def list_cards(system_id: SystemId, who: Viewer, app: Ctx) -> list[CardOut]:
    return [CardOut.of(c) for c in app.store.card_versions(who.user.org_id, system_id)]


@router.get("/systems/{system_id}/cards/{version}", tags=["cards"], summary="One version of the card")
def get_card(system_id: SystemId, version: ItemId, who: Viewer, app: Ctx) -> CardOut:
    return CardOut.of(app.store.card_version(who.user.org_id, system_id, version))


@router.put(
    "/systems/{system_id}/card",
    tags=["cards"],
    summary="Save an edited card as a new version (409 when someone saved one since expected_version)",
)
def put_card(system_id: SystemId, body: CardIn, who: Editor, app: Ctx) -> SystemCreated:
    card = app.inventory.card_from_data(body.card)
    system, record = app.inventory.update_card(
        who, system_id, card, expected_version=body.expected_version, note=body.note, assess=body.assess
    )
    return SystemCreated(system=SystemOut.of_system(system, record), assessment=_assessment(record))


# --- assessments ------------------------------------------------------------------------


@router.get("/systems/{system_id}/assessments", tags=["assessments"], summary="The system's assessments, newest first")
def list_assessments(system_id: SystemId, who: Viewer, app: Ctx) -> list[AssessmentOut]:
    return [AssessmentOut.of(a, with_result=False) for a in app.store.assessments_for(who.user.org_id, system_id)]


@router.post(
    "/systems/{system_id}/assessments",
    tags=["assessments"],
    summary="Assess the current card (with its evidence and waivers) and record the result",
    status_code=201,
)
def create_assessment(system_id: SystemId, body: AssessIn, who: Editor, app: Ctx) -> AssessmentOut:
    record = app.inventory.assess(who, system_id, body.as_of)
    return AssessmentOut.of(record, with_result=False)


@router.get("/assessments/{assessment_id}", tags=["assessments"], summary="One assessment with its JSON result")
def get_assessment(assessment_id: ItemId, who: Viewer, app: Ctx) -> AssessmentOut:
    return AssessmentOut.of(app.store.get_assessment(who.user.org_id, assessment_id))


@router.get(
    "/assessments/{assessment_id}/report",
    tags=["assessments"],
    summary="The assessment as a file: json (stored result), md, html, docx, pdf (fenji report), text, sarif, junit",
    response_class=Response,
    responses={200: {"content": REPORT_MEDIA, "description": "The report"}},
)
def report(
    assessment_id: ItemId,
    who: Viewer,
    app: Ctx,
    format: Literal["json", "md", "html", "docx", "pdf", "text", "sarif", "junit"] = "json",
    lang: Literal["en", "zh"] = "en",
    kind: Annotated[
        str, Query(max_length=50, description="for md/html/docx/pdf: assessment or a filing pack")
    ] = "assessment",
) -> Response:
    content, media, ext = app.inventory.export_assessment(who, assessment_id, format, lang, kind)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="fenji-{kind}-{assessment_id}.{ext}"'},
    )


@router.get("/systems/{system_id}/plan", tags=["assessments"], summary="The one-stop plan with evidence status")
def plan(system_id: SystemId, who: Viewer, app: Ctx) -> PlanOut:
    system = app.store.get_system(who.user.org_id, system_id)
    if not system.latest_assessment_id:
        raise StoreNotFoundError("the system has not been assessed yet", [Issue("assess it first", field="system_id")])
    record = app.store.get_assessment(who.user.org_id, system.latest_assessment_id)
    assert record.result is not None
    uploaded: dict[str, list[int]] = {}
    for e in app.store.evidence_for(who.user.org_id, system_id):
        uploaded.setdefault(e.control, []).append(e.id)
    data = dict(record.result["plan"])
    controls = []
    for control in data.get("controls", []):
        ids = uploaded.get(control["id"], [])
        controls.append({**control, "uploaded_evidence": ids, **({"evidence_status": "done"} if ids else {})})
    data["controls"] = controls
    return PlanOut(system_id=system_id, assessment_id=record.id, as_of=record.as_of, plan=data)


@router.get("/systems/{system_id}/timeline", tags=["assessments"], summary="Dated obligations: past, current, upcoming")
def timeline(system_id: SystemId, who: Viewer, app: Ctx) -> TimelineOut:
    view = app.inventory.view(who, system_id, with_result=False)
    result = app.inventory.timeline(view.effective)
    return TimelineOut(system_id=system_id, as_of=result.as_of, timeline=result.to_dict())


@router.get(
    "/systems/{system_id}/diff", tags=["assessments"], summary="What changed between two card versions or assessments"
)
def diff(
    system_id: SystemId,
    who: Viewer,
    app: Ctx,
    a: Annotated[int, Query(ge=1, le=MAX_INT)],
    b: Annotated[int, Query(ge=1, le=MAX_INT)],
    kind: Literal["cards", "assessments"] = "cards",
) -> DiffOut:
    org = who.user.org_id
    if kind == "cards":
        ca, cb = app.store.card_version(org, system_id, a), app.store.card_version(org, system_id, b)
        changes = diffs.card_changes(ca.card, cb.card)
    else:
        ra, rb = app.store.get_assessment(org, a), app.store.get_assessment(org, b)
        if ra.system_id != system_id or rb.system_id != system_id:
            raise StoreNotFoundError("both assessments must belong to the system", [Issue("wrong system", field="a")])
        assert ra.result is not None and rb.result is not None
        changes = diffs.assessment_changes(ra.result, rb.result)
    return DiffOut(kind=kind, a=a, b=b, changes=[Change(**c.__dict__) for c in changes])


# --- the questionnaire ------------------------------------------------------------------


@router.post(
    "/questions",
    tags=["questions"],
    summary="The adaptive questionnaire: the tiers so far and the questions that settle most, first",
)
def questions(body: QuestionsIn, who: Viewer, app: Ctx) -> SurveyOut:
    as_of = check_date(body.as_of, "as_of") if body.as_of else app.inventory.today()
    step = qn.run(app.catalog, body.answers, body.unknown, body.regimes, as_of)
    out = [
        QuestionOut(
            fact=q.id,
            type=q.fact.type,
            question=Bilingual(**q.fact.question.as_dict()),
            help=Bilingual(**q.fact.help.as_dict()),
            values=[ChoiceOut(id=c.id, **c.label.as_dict()) for c in q.fact.values],
            affects=q.affects,
            severity=q.severity,
            regimes=list(q.regimes),
            group=q.group.id if q.group else None,
        )
        for q in step.survey.questions[: body.limit]
    ]
    return SurveyOut(
        done=step.survey.done,
        determined=step.survey.determined,
        summary={
            s.regime: RegimeSummary(tier=s.tier, status=s.status, applies=s.applies, could_be=s.could_be)
            for s in step.summary
        },
        questions=out,
        screen=_screen_out(step.screen),
    )


def _screen_out(screen: Screen | None) -> ScreenOut | None:
    if screen is None:
        return None
    group = screen.group
    if group is None:
        text = screen.questions[0].fact.question
        return ScreenOut(group=None, question=Bilingual(**text.as_dict()), facts=list(screen.facts))
    items = [
        ScreenItemOut(
            fact=fid,
            label=Bilingual(**group.item(fid).label.as_dict()),
            gate=group.item(fid).gated,
            none=qn.none_json(group.item(fid).none),
        )
        for fid in screen.facts
    ]
    return ScreenOut(
        group=group.id, question=Bilingual(**group.question.as_dict()), facts=list(screen.facts), items=items
    )


# --- evidence and waivers ---------------------------------------------------------------


@router.get("/systems/{system_id}/evidence", tags=["evidence"], summary="Evidence files of the system")
def list_evidence(system_id: SystemId, who: Viewer, app: Ctx) -> list[EvidenceOut]:
    return [EvidenceOut.of(e) for e in app.store.evidence_for(who.user.org_id, system_id)]


@router.post(
    "/systems/{system_id}/evidence",
    tags=["evidence"],
    summary="Upload a file that proves a control (PDF, PNG, JPEG, DOCX, XLSX, ZIP, TXT, MD, CSV, JSON, YAML)",
    status_code=201,
)
async def upload_evidence(
    system_id: SystemId,
    who: Editor,
    request: Request,
    control: Annotated[str, Form(min_length=1, max_length=100)],
    file: Annotated[UploadFile, File()],
    note: Annotated[str | None, Form(max_length=1000)] = None,
) -> EvidenceOut:
    app = ctx(request)
    filename = safe_filename(file.filename)
    content = await read_upload(file, app.settings.max_upload_bytes)
    media = evidence_type(filename, content)
    if "\x00" in control or (note and "\x00" in note):
        raise RequestInvalid("NUL characters are not allowed", field="note")
    record = await run_in_threadpool(
        lambda: app.inventory.add_evidence(
            who, system_id, control=control, filename=filename, content_type=media, content=content, note=note or None
        )
    )
    return EvidenceOut.of(record)


@router.get(
    "/evidence/{evidence_id}/content",
    tags=["evidence"],
    summary="Download an evidence file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def evidence_content(evidence_id: ItemId, who: Viewer, app: Ctx) -> Response:
    record, content = app.store.evidence_content(who.user.org_id, evidence_id)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{record.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/systems/{system_id}/waivers", tags=["waivers"], summary="Waivers approved for the system")
def list_waivers(system_id: SystemId, who: Viewer, app: Ctx) -> list[WaiverOut]:
    return [WaiverOut.of(w) for w in app.store.waivers_for(who.user.org_id, system_id)]


@router.post(
    "/systems/{system_id}/waivers",
    tags=["waivers"],
    summary="Approve a waiver of a rule (reviewer); it applies from the next assessment",
    status_code=201,
)
def add_waiver(system_id: SystemId, body: WaiverIn, who: Reviewer, app: Ctx) -> WaiverOut:
    return WaiverOut.of(
        app.inventory.add_waiver(who, system_id, rule=body.rule, reason=body.reason, expires=body.expires)
    )


@router.delete("/waivers/{waiver_id}", tags=["waivers"], summary="Revoke a waiver (reviewer)")
def revoke_waiver(waiver_id: ItemId, who: Reviewer, app: Ctx) -> WaiverOut:
    return WaiverOut.of(app.store.revoke_waiver(who.user.org_id, waiver_id, actor=who.user.username))


# --- reviews ----------------------------------------------------------------------------


@router.get("/reviews", tags=["reviews"], summary="Assessments in a review state (default: submitted)")
def list_reviews(
    who: Viewer,
    app: Ctx,
    state: Literal["draft", "submitted", "approved", "returned"] = "submitted",
) -> list[ReviewQueueItem]:
    assert state in REVIEW_STATES
    return [
        ReviewQueueItem(system_name=name, assessment=AssessmentOut.of(record, with_result=False))
        for record, name in app.store.reviews_in_state(who.user.org_id, [state])
    ]


@router.get("/assessments/{assessment_id}/review", tags=["reviews"], summary="An assessment's review state and history")
def get_review(assessment_id: ItemId, who: Viewer, app: Ctx) -> ReviewOut:
    record = app.store.get_assessment(who.user.org_id, assessment_id, with_result=False)
    events = app.store.review_events(who.user.org_id, assessment_id)
    return ReviewOut(
        assessment=AssessmentOut.of(record, with_result=False), events=[ReviewEventOut.of(e) for e in events]
    )


@router.post(
    "/assessments/{assessment_id}/review",
    tags=["reviews"],
    summary="submit (editor): draft/returned -> submitted; approve/return (reviewer): submitted -> approved/returned",
)
def post_review(assessment_id: ItemId, body: ReviewIn, who: Editor, app: Ctx) -> ReviewOut:
    if body.action in ("approve", "return") and not role_at_least(who.user.role, "reviewer"):
        raise Forbidden(f"{body.action} needs the reviewer role; you are {who.user.role}", field="action")
    record = app.store.review(
        who.user.org_id,
        assessment_id,
        body.action,
        actor=who.user.username,
        expected_version=body.expected_version,
        comment=body.comment,
    )
    events = app.store.review_events(who.user.org_id, assessment_id)
    return ReviewOut(
        assessment=AssessmentOut.of(record, with_result=False), events=[ReviewEventOut.of(e) for e in events]
    )


# --- audit ------------------------------------------------------------------------------


@router.get("/audit", tags=["audit"], summary="The audit log, newest first (reviewer)")
def audit(
    who: Reviewer,
    app: Ctx,
    limit: Limit = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> list[AuditEntryOut]:
    return [AuditEntryOut.of(e) for e in app.store.audit_entries(who.user.org_id, limit=limit, before=before)]


@router.get("/audit/verify", tags=["audit"], summary="Recompute the audit log's hash chain (reviewer)")
def audit_verify(who: Reviewer, app: Ctx) -> AuditVerifyOut:
    report = app.store.verify_audit()
    return AuditVerifyOut(
        ok=report.ok, entries=report.entries, head=report.head, bad_seq=report.bad_seq, problem=report.problem
    )


# --- rules library ----------------------------------------------------------------------


@router.get("/rules", tags=["rules"], summary="Search rules, obligations and controls (English or Chinese)")
def search_rules(
    who: Viewer,
    app: Ctx,
    q: Annotated[str | None, Query(max_length=200)] = None,
    pack: Annotated[str | None, Query(max_length=50)] = None,
    kind: Literal["classification", "obligation", "control"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RuleSearchOut:
    for name, value in (("q", q), ("pack", pack)):
        if value and "\x00" in value:
            raise RequestInvalid("NUL characters are not allowed", field=name)
    hits, total = app.store.search_rules(q, pack=pack, kind=kind, limit=limit, offset=offset)
    return RuleSearchOut(
        items=[
            RuleHit(
                kind=h.doc.kind,
                ref=h.doc.ref,
                pack=h.doc.pack,
                citation=h.doc.citation,
                title=Bilingual(en=h.doc.title_en, zh=h.doc.title_zh),
                rank=h.rank,
            )
            for h in hits
        ],
        total=total,
    )


@router.get("/rules/{rule_id}", tags=["rules"], summary="One rule")
def get_rule(rule_id: Annotated[str, Path(max_length=100)], who: Viewer, app: Ctx) -> RuleOut:
    rule = app.catalog.rules.get(rule_id)
    if rule is None:
        raise StoreNotFoundError(f"no rule {rule_id!r}", [Issue("unknown rule ID", field="rule_id")])
    return RuleOut(
        id=rule.id,
        pack=rule.pack,
        kind=rule.kind,
        title=Bilingual(en=rule.title.en, zh=rule.title.zh),
        rationale=Bilingual(en=rule.rationale.en, zh=rule.rationale.zh),
        citation=rule.citation,
        url=rule.url,
        applies_from=rule.applies_from,
        superseded_on=rule.superseded_on,
        confidence=rule.confidence,
        outcome=rule.outcome,
        addressee=rule.addressee,
        controls=list(rule.controls),
        when=rule.when_yaml,
    )


@router.get("/packs", tags=["rules"], summary="The rule packs loaded, with versions and digests")
def list_packs(who: Viewer, app: Ctx) -> list[PackOut]:
    return [
        PackOut(
            id=r.id,
            title=Bilingual(en=r.title.en, zh=r.title.zh),
            version=r.version,
            digest=r.digest,
            tiers=list(r.tiers),
        )
        for r in app.catalog.regimes.values()
    ]
