"""Server-rendered pages. Every page works without JavaScript; forms post back and redirect (303).
Every form carries the CSRF token; every route states the least role it needs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from fenji import api
from fenji.errors import CardError, Issue, StoreConflictError, StoreDuplicateError, StoreNotFoundError
from fenji.store import REVIEW_STATES, ROLES, Session, role_at_least
from fenji.web import charts, diffs
from fenji.web import questionnaire as qn
from fenji.web.deps import (
    Admin,
    Ctx,
    Editor,
    Reviewer,
    Viewer,
    card_text,
    check_csrf,
    ctx,
    current_session,
    evidence_type,
    lang_of,
    read_upload,
    safe_filename,
)
from fenji.web.errors import Forbidden, InvalidCredentials, Problem, RateLimited, RequestInvalid, problem_of
from fenji.web.i18n import HTML_LANG, Translate, translator
from fenji.web.inventory import EXPORT_FORMATS, check_date
from fenji.web.schemas import MAX_INT
from fenji.web.security import (
    CSRF_COOKIE,
    DUMMY_HASH,
    SESSION_COOKIE,
    hash_password,
    password_problem,
    verify_password,
)

router = APIRouter(include_in_schema=False)
PageId = Annotated[int, Path(ge=1, le=MAX_INT)]
SEVERITY_CLASS = {"prohibited": "sev-prohibited", "high": "sev-high", "medium": "sev-medium", "low": "sev-low"}
TRACE_STATUS = re.compile(r": (applies|waived|indeterminate)( —|$| \()")


# --- rendering --------------------------------------------------------------------------


def _lang_url(request: Request, lang: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    return request.url.path + "?" + urlencode(params)


def render(request: Request, template: str, who: Session | None, status: int = 200, **values: Any) -> HTMLResponse:
    app = ctx(request)
    lang = lang_of(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    new_cookie = None
    if not cookie:
        cookie = new_cookie = app.csrf.new_cookie()
    _ = translator(lang)
    catalog = app.catalog

    def tier_badge(regime: str, tier: str, status: str | None = None, short: bool = False) -> Markup:
        key = (regime, tier, status, short, lang)
        cached = catalog.badges.get(key)
        if cached is None:
            info = catalog.regime(regime).tier(tier)
            css = SEVERITY_CLASS.get(info.severity, "sev-none")
            mark = (
                Markup('<abbr class="prov" title="{}">?</abbr>').format(_("provisional"))
                if status == "provisional"
                else ""
            )
            label = info.title.short.get(lang) if short else info.title.get(lang)
            cached = catalog.badges[key] = str(
                Markup('<span class="tier {}" data-tier="{}" title="{}">{}{}</span>').format(
                    css, tier, info.title.get(lang), label, mark
                )
            )
        return Markup(cached)

    def text(value: Any) -> str:
        """A bilingual {en, zh} mapping in the page's language."""
        if isinstance(value, dict):
            return str(value.get(lang) or value.get("en") or "")
        return "" if value is None else str(value)

    def local_dt(value: dt.datetime | None) -> str:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""

    html = app.templates.get_template(template).render(
        request=request,
        who=who,
        lang=lang,
        html_lang=HTML_LANG[lang],
        _=_,
        csrf_token=app.csrf.token(cookie),
        path=request.url.path,
        lang_url=lambda target: _lang_url(request, target),
        catalog=catalog,
        tier_badge=tier_badge,
        t=text,
        when=local_dt,
        role_at_least=role_at_least,
        today=app.inventory.today(),
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    if new_cookie:
        response.set_cookie(
            CSRF_COOKIE, new_cookie, httponly=True, samesite="strict", secure=app.settings.secure_cookies, path="/"
        )
    return response


def error_page(request: Request, problem: Problem) -> Response:
    who = getattr(request.state, "fenji_session", (None, ""))[0]
    try:
        return render(request, "error.html", who, status=problem.status, problem=problem)
    except Exception:  # the error page itself must never fail
        return HTMLResponse(f"<h1>{problem.status}</h1><p>{problem.code}</p>", status_code=problem.status)


def tr(request: Request) -> Translate:
    """The request's translator: call the result with the English UI text."""
    return translator(lang_of(request))


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# --- login ------------------------------------------------------------------------------


@router.get("/login")
async def login_form(request: Request, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    session, _how = await current_session(request)
    if session is not None:
        return redirect(_safe_next(next))
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    await check_csrf(request)
    app = ctx(request)
    keys = (f"user:{username.lower()}", "ip:" + (request.client.host if request.client else "unknown"))
    wait = app.limiter.blocked(*keys)
    if wait is not None:
        problem = problem_of(RateLimited(tr(request)("Too many failed logins; wait a few minutes.")))
        return render(request, "login.html", None, status=429, next=_safe_next(next), error=problem)

    def check() -> tuple[str, Any] | None:
        user = app.store.user_by_name(username) if "\x00" not in username else None
        ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
        if user is None or not ok or not user.active:
            app.limiter.failed(*keys)
            app.store.record(
                username.replace("\x00", ""),
                user.org_id if user else None,
                "login.failed",
                f"user:{username.replace(chr(0), '')}",
                {"via": "web"},
            )
            return None
        app.limiter.succeeded(keys[0])
        token, _session = app.store.create_session(user, "browser", app.settings.session_ttl)
        return token, user

    outcome = await run_in_threadpool(check)
    if outcome is None:
        problem = problem_of(InvalidCredentials(tr(request)("Wrong user name or password.")))
        return render(request, "login.html", None, status=401, next=_safe_next(next), error=problem)
    token, _user = outcome
    response = redirect(_safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(app.settings.session_ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=app.settings.secure_cookies,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        app.csrf.new_cookie(),
        httponly=True,
        samesite="strict",
        secure=app.settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, who: Viewer, app: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        app.store.delete_session(token, who.user.username, who.user.org_id)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- dashboard --------------------------------------------------------------------------


@router.get("/")
def dashboard(
    request: Request,
    who: Viewer,
    app: Ctx,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    org = who.user.org_id
    q = (q or "").replace("\x00", "").strip() or None
    size = app.settings.page_size
    systems, total = app.store.list_systems(org, limit=size, offset=(page - 1) * size, query=q)
    counts = app.store.tier_counts(org)
    lang = lang_of(request)
    regimes = [r for r in app.catalog.regimes.values() if r.id in counts] or list(app.catalog.regimes.values())
    return render(
        request,
        "dashboard.html",
        who,
        systems=systems,
        total=total,
        page=page,
        pages=max(1, -(-total // size)),
        q=q or "",
        regimes=regimes,
        chart=charts.tier_chart(counts, app.catalog, lang, translator(lang)),
        deadlines=app.store.upcoming_deadlines(org, app.inventory.today(), limit=8),
        attention=app.store.attention(org, limit=15),
    )


# --- systems ----------------------------------------------------------------------------


def _explanations(result: dict[str, Any], explanation: dict[str, Any], lang: str) -> dict[str, list[str]]:
    traces = explanation.get(lang) if lang != "en" else None
    out: dict[str, list[str]] = {}
    for rid, regime in result.get("regimes", {}).items():
        lines = (traces or {}).get(rid) or regime.get("trace", [])
        out[rid] = [line for line in lines if TRACE_STATUS.search(line)][:40]
    return out


def _timeline(result: dict[str, Any] | None, today: dt.date) -> list[dict[str, Any]]:
    """The dated obligations of a stored result, past/current/upcoming as of today (the page's timeline; the
    full timeline with tier changes is ``GET /api/systems/{id}/timeline``)."""
    events = []
    for rid, regime in (result or {}).get("regimes", {}).items():
        for o in regime.get("obligations", []):
            if o.get("status") != "applies":
                continue
            date = dt.date.fromisoformat(o.get("due_date") or o["applies_from"])
            ended = o.get("superseded_on") and dt.date.fromisoformat(o["superseded_on"]) <= today
            phase = "past" if ended else ("upcoming" if date > today else "current")
            events.append({"date": date, "regime": rid, "title": o["title"], "citation": o["citation"], "phase": phase})
    return sorted(events, key=lambda e: (e["date"], e["regime"], e["citation"]))


def _result_context(app: Any, record: Any, lang: str, uploaded: dict[str, list[Any]]) -> dict[str, Any]:
    result = record.result or {}
    regimes = result.get("regimes", {})
    ordered = [rid for rid in app.catalog.regimes if rid in regimes] + [
        r for r in regimes if r not in app.catalog.regimes
    ]
    controls = []
    for control in result.get("plan", {}).get("controls", []):
        files = uploaded.get(control["id"], [])
        controls.append({**control, "files": files, "live_status": "done" if files else control.get("evidence_status")})
    vocab = app.catalog.packs.vocab
    pending: dict[str, dict[str, Any]] = {}  # fact -> question and the regimes it would settle
    for rid in ordered:
        for p in regimes[rid].get("pending", []):
            if p.get("fact") in vocab.facts:
                entry = pending.setdefault(p["fact"], {"fact": p["fact"], "question": p["question"], "regimes": []})
                entry["regimes"].append(rid)
    return {
        "record": record,
        "result": result,
        "regime_order": ordered,
        "explanations": _explanations(result, record.explanation or {}, lang),
        "controls": controls,
        "pending": list(pending.values())[:12],
        "same_packs": app.inventory.same_packs(record),
    }


@router.get("/systems/{system_id}")
def system_page(request: Request, system_id: PageId, who: Viewer, app: Ctx) -> Response:
    lang = lang_of(request)
    view = app.inventory.view(who, system_id)
    uploaded: dict[str, list[Any]] = {}
    for e in view.evidence:
        uploaded.setdefault(e.control, []).append(e)
    values: dict[str, Any] = {}
    if view.latest is not None:
        values = _result_context(app, view.latest, lang, uploaded)
    facts = [
        (
            fid,
            app.catalog.packs.vocab.facts[fid].question.get(lang) if fid in app.catalog.packs.vocab.facts else fid,
            app.catalog.fact_label(fid, value, lang),
        )
        for fid, value in view.effective.facts_json().items()
    ]
    return render(
        request,
        "system.html",
        who,
        view=view,
        facts=facts,
        events=_timeline(view.latest.result if view.latest else None, app.inventory.today()),
        versions=app.store.card_versions(who.user.org_id, system_id),
        assessments=app.store.assessments_for(who.user.org_id, system_id),
        control_choices=sorted(app.catalog.controls.values(), key=lambda c: c.title.get(lang)),
        export_formats=EXPORT_FORMATS,
        **values,
    )


@router.get("/systems/{system_id}/edit")
def edit_form(request: Request, system_id: PageId, who: Editor, app: Ctx) -> Response:
    system = app.store.get_system(who.user.org_id, system_id)
    card = app.store.card_version(who.user.org_id, system_id, system.version)
    text = yaml.safe_dump(card.card, allow_unicode=True, sort_keys=False)
    return render(request, "edit.html", who, system=system, text=text, version=system.version, error=None, note="")


@router.post("/systems/{system_id}/edit")
def edit_save(
    request: Request,
    system_id: PageId,
    who: Editor,
    app: Ctx,
    card: Annotated[str, Form(max_length=256 * 1024)],
    expected_version: Annotated[int, Form(ge=1, le=MAX_INT)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    system = app.store.get_system(who.user.org_id, system_id)
    try:
        parsed = app.inventory.parse_card(card.replace("\x00", ""), f"system {system_id}")
        app.inventory.update_card(
            who, system_id, parsed, expected_version=expected_version, note=note.replace("\x00", "") or None
        )
    except (CardError, StoreConflictError) as exc:
        status = 409 if isinstance(exc, StoreConflictError) else 422
        return render(
            request,
            "edit.html",
            who,
            status=status,
            system=system,
            text=card,
            version=expected_version,
            error=problem_of(exc),
            note=note,
            current_version=system.version,
        )
    return redirect(f"/systems/{system_id}")


@router.post("/systems/{system_id}/assess")
def assess(
    system_id: PageId,
    who: Editor,
    app: Ctx,
    as_of: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    when = None
    if as_of.strip():
        try:
            when = check_date(dt.date.fromisoformat(as_of.strip()), "as_of")
        except ValueError:
            raise RequestInvalid("write the date as YYYY-MM-DD", field="as_of") from None
    record = app.inventory.assess(who, system_id, when)
    return redirect(f"/assessments/{record.id}")


@router.post("/systems/{system_id}/evidence")
async def evidence_upload(
    request: Request,
    system_id: PageId,
    who: Editor,
    control: Annotated[str, Form(max_length=100)],
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    app = ctx(request)
    filename = safe_filename(file.filename)
    content = await read_upload(file, app.settings.max_upload_bytes)
    media = evidence_type(filename, content)
    await run_in_threadpool(
        lambda: app.inventory.add_evidence(
            who,
            system_id,
            control=control.replace("\x00", ""),
            filename=filename,
            content_type=media,
            content=content,
            note=note.replace("\x00", "") or None,
        )
    )
    return redirect(f"/systems/{system_id}#evidence")


@router.get("/evidence/{evidence_id}")
def evidence_download(evidence_id: PageId, who: Viewer, app: Ctx) -> Response:
    record, content = app.store.evidence_content(who.user.org_id, evidence_id)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{record.filename}"'},
    )


@router.post("/systems/{system_id}/waivers")
def waiver_add(
    system_id: PageId,
    who: Reviewer,
    app: Ctx,
    rule: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=2000)],
    expires: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        until = dt.date.fromisoformat(expires.strip())
    except ValueError:
        raise RequestInvalid("write the expiry date as YYYY-MM-DD", field="expires") from None
    app.inventory.add_waiver(who, system_id, rule=rule.strip(), reason=reason.replace("\x00", ""), expires=until)
    return redirect(f"/systems/{system_id}#waivers")


@router.post("/waivers/{waiver_id}/revoke")
def waiver_revoke(waiver_id: PageId, who: Reviewer, app: Ctx) -> Response:
    waiver = app.store.revoke_waiver(who.user.org_id, waiver_id, actor=who.user.username)
    return redirect(f"/systems/{waiver.system_id}#waivers")


@router.get("/systems/{system_id}/diff")
def diff_page(
    request: Request,
    system_id: PageId,
    who: Viewer,
    app: Ctx,
    a: Annotated[int, Query(ge=1, le=MAX_INT)],
    b: Annotated[int, Query(ge=1, le=MAX_INT)],
    kind: Annotated[str, Query(pattern="^(cards|assessments)$")] = "cards",
) -> Response:
    org = who.user.org_id
    system = app.store.get_system(org, system_id)
    if kind == "cards":
        changes = diffs.card_changes(
            app.store.card_version(org, system_id, a).card, app.store.card_version(org, system_id, b).card
        )
    else:
        ra, rb = app.store.get_assessment(org, a), app.store.get_assessment(org, b)
        if ra.system_id != system_id or rb.system_id != system_id:
            raise RequestInvalid("both assessments must belong to this system", field="a")
        changes = diffs.assessment_changes(ra.result or {}, rb.result or {})
    return render(request, "diff.html", who, system=system, kind=kind, a=a, b=b, changes=changes)


# --- assessments and reviews ------------------------------------------------------------


@router.get("/assessments/{assessment_id}")
def assessment_page(request: Request, assessment_id: PageId, who: Viewer, app: Ctx) -> Response:
    lang = lang_of(request)
    record = app.store.get_assessment(who.user.org_id, assessment_id)
    system = app.store.get_system(who.user.org_id, record.system_id)
    uploaded: dict[str, list[Any]] = {}
    for e in app.store.evidence_for(who.user.org_id, record.system_id):
        uploaded.setdefault(e.control, []).append(e)
    return render(
        request,
        "assessment.html",
        who,
        system=system,
        events=app.store.review_events(who.user.org_id, assessment_id),
        export_formats=EXPORT_FORMATS,
        report_kinds=api.report_kinds(),
        **_result_context(app, record, lang, uploaded),
    )


@router.post("/assessments/{assessment_id}/review")
def review(
    assessment_id: PageId,
    who: Editor,
    app: Ctx,
    action: Annotated[str, Form(pattern="^(submit|approve|return)$")],
    expected_version: Annotated[int, Form(ge=1, le=MAX_INT)],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    if action in ("approve", "return") and not role_at_least(who.user.role, "reviewer"):
        raise Forbidden(f"{action} needs the reviewer role", field="action")
    app.store.review(
        who.user.org_id,
        assessment_id,
        action,
        actor=who.user.username,
        expected_version=expected_version,
        comment=comment.replace("\x00", "").strip() or None,
    )
    return redirect(f"/assessments/{assessment_id}#review")


@router.get("/assessments/{assessment_id}/export")
def export(
    request: Request,
    assessment_id: PageId,
    who: Viewer,
    app: Ctx,
    format: Annotated[str, Query(pattern="^(json|md|html|docx|pdf|text|sarif|junit)$")] = "json",
    kind: Annotated[str, Query(max_length=50)] = "assessment",
) -> Response:
    content, media, ext = app.inventory.export_assessment(who, assessment_id, format, lang_of(request), kind)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="fenji-{kind}-{assessment_id}.{ext}"'},
    )


@router.get("/reviews")
def reviews(
    request: Request,
    who: Viewer,
    app: Ctx,
    state: Annotated[str, Query(pattern="^(draft|submitted|approved|returned)$")] = "submitted",
) -> Response:
    return render(
        request,
        "reviews.html",
        who,
        state=state,
        states=REVIEW_STATES,
        items=app.store.reviews_in_state(who.user.org_id, [state]),
    )


@router.get("/audit")
def audit(
    request: Request,
    who: Reviewer,
    app: Ctx,
    before: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> Response:
    entries = app.store.audit_entries(who.user.org_id, limit=100, before=before)
    return render(
        request,
        "audit.html",
        who,
        entries=entries,
        report=app.store.verify_audit(),
        older=entries[-1].seq if len(entries) == 100 else None,
    )


# --- the questionnaire ------------------------------------------------------------------


def _question_page(
    request: Request, who: Session, state: qn.State, system: Any = None, error: Problem | None = None, status: int = 200
) -> Response:
    app = ctx(request)
    step = qn.run(app.catalog, state.answers, state.unknown, state.regimes, app.inventory.today(), state.follow)
    lang = lang_of(request)
    answered = [
        (fid, app.catalog.packs.vocab.facts[fid].question.get(lang), app.catalog.fact_label(fid, value, lang))
        for fid, value in state.answers.items()
        if fid in app.catalog.packs.vocab.facts
    ]
    return render(
        request,
        "questionnaire.html",
        who,
        status=status,
        state=state,
        step=step,
        screen=step.screen,
        answered=answered,
        system=system,
        error=error,
        regime_choices=list(app.catalog.regimes.values()),
    )


@router.get("/questionnaire")
def questionnaire_start(request: Request, who: Editor) -> Response:
    return _question_page(request, who, qn.State())


@router.get("/systems/{system_id}/questionnaire")
def questionnaire_resume(request: Request, system_id: PageId, who: Editor, app: Ctx) -> Response:
    view = app.inventory.view(who, system_id, with_result=False)
    state = qn.State(answers=view.effective.facts_json(), order=list(view.effective.facts_json()))
    return _question_page(request, who, state, system=view.system)


@router.post("/questionnaire")
async def questionnaire_step(request: Request, who: Editor) -> Response:
    form = await request.form()
    app = ctx(request)

    def field(name: str, limit: int = 200_000) -> str:
        value = form.get(name)
        return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""

    def strings(name: str) -> list[str]:
        return [v[:100] for v in form.getlist(name)[:100] if isinstance(v, str)]

    state = qn.State.load(field("state"))
    action = field("action", 20) or "answer"
    fact_id = field("fact", 100)
    checklist = strings("facts")  # the facts of a checklist screen
    system_id = int(field("system_id", 12)) if field("system_id", 12).isdigit() else None
    system = app.store.get_system(who.user.org_id, system_id) if system_id else None

    def work() -> Response:
        try:
            if action == "start":
                chosen = [r for r in form.getlist("regimes") if isinstance(r, str) and r in app.catalog.regimes]
                state.regimes = chosen or None
            elif action == "answer" and fact_id:
                fact = app.catalog.packs.vocab.facts.get(fact_id)
                if fact is None:
                    raise RequestInvalid("unknown question", field="fact")
                values = [v for v in form.getlist("value") if isinstance(v, str)]
                answer = {fact_id: qn.form_value(fact.type, values)}
                qn.validated_facts(state.answers | answer)  # a contradiction is reported on this question
                state.record(answer, ())
            elif action == "checklist" and checklist:
                ticked, unsure = strings("tick"), strings("unsure")
                answers, unknown, follow = qn.checklist_answers(checklist, ticked, unsure)
                qn.validated_facts(state.answers | answers)
                state.record(answers, unknown, follow)
            elif action == "unknown" and (checklist or fact_id):
                state.record({}, checklist or [fact_id])
            elif action == "back":
                state.back()
            elif action == "save":
                return _save_questionnaire(request, who, state, system, form)
        except (CardError, RequestInvalid) as exc:
            return _question_page(request, who, state, system=system, error=problem_of(exc), status=422)
        return _question_page(request, who, state, system=system)

    return await run_in_threadpool(work)


def _save_questionnaire(request: Request, who: Session, state: qn.State, system: Any, form: Any) -> Response:
    app = ctx(request)
    if system is not None:
        expected = form.get("expected_version")
        current = app.store.card_version(who.user.org_id, system.id, system.version).card
        data = {**current, "facts": dict(state.answers)}
        card = app.inventory.card_from_data(data)
        try:
            updated, record = app.inventory.update_card(
                who,
                system.id,
                card,
                expected_version=int(expected) if isinstance(expected, str) and expected.isdigit() else system.version,
                note="questionnaire",
            )
        except StoreConflictError as exc:
            return _question_page(request, who, state, system=system, error=problem_of(exc), status=409)
        return redirect(f"/systems/{updated.id}")
    name = str(form.get("name") or "").replace("\x00", "").strip()
    card_id = str(form.get("card_id") or "").replace("\x00", "").strip()
    if not name:
        problem = problem_of(RequestInvalid(tr(request)("Give the system a name."), field="name"))
        return _question_page(request, who, state, error=problem, status=422)
    card_id = card_id or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "system"
    card = app.inventory.card_from_data(qn.card_data(state, card_id, name))
    try:
        created, _record = app.inventory.create_system(who, card, note="questionnaire")
    except StoreDuplicateError as exc:
        return _question_page(request, who, state, error=problem_of(exc), status=409)
    return redirect(f"/systems/{created.id}")


# --- rules library ----------------------------------------------------------------------


@router.get("/rules")
def rules(
    request: Request,
    who: Viewer,
    app: Ctx,
    q: Annotated[str | None, Query(max_length=200)] = None,
    pack: Annotated[str | None, Query(max_length=50)] = None,
    kind: Annotated[str | None, Query(pattern="^(classification|obligation|control|)$")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    q = (q or "").replace("\x00", "").strip()
    size = 50
    hits, total = app.store.search_rules(
        q or None, pack=pack or None, kind=kind or None, limit=size, offset=(page - 1) * size
    )
    return render(
        request,
        "rules.html",
        who,
        q=q,
        pack=pack or "",
        kind=kind or "",
        hits=hits,
        total=total,
        page=page,
        pages=max(1, -(-total // size)),
        packs=list(app.catalog.regimes.values()),
    )


@router.get("/rules/{rule_id}")
def rule_page(request: Request, rule_id: Annotated[str, Path(max_length=100)], who: Viewer, app: Ctx) -> Response:
    rule = app.catalog.rules.get(rule_id)
    control = app.catalog.controls.get(rule_id)
    if rule is None and control is None:
        raise StoreNotFoundError(f"no rule {rule_id!r}", [Issue("unknown rule ID", field="rule_id")])
    return render(request, "rule.html", who, rule=rule, control=control)


# --- import and admin -------------------------------------------------------------------


@router.get("/import")
def import_form(request: Request, who: Editor) -> Response:
    return render(request, "import.html", who, error=None, text="")


@router.post("/import")
async def import_card(
    request: Request,
    who: Editor,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form(max_length=256 * 1024)] = "",
) -> Response:
    app = ctx(request)
    if file is not None and file.filename:
        filename = safe_filename(file.filename)
        source = card_text(filename, await read_upload(file, app.settings.max_card_bytes))
    else:
        filename, source = "pasted card", text.replace("\x00", "")
    if not source.strip():
        problem = problem_of(RequestInvalid(tr(request)("Choose a file or paste a card."), field="file"))
        return render(request, "import.html", who, status=422, error=problem, text=text)

    def work() -> Response:
        try:
            card = app.inventory.parse_card(source, filename)
            existing = app.store.system_by_slug(who.user.org_id, card.id)
            if existing is None:
                system, _record = app.inventory.create_system(who, card, note=f"imported {filename}")
            else:
                system, _record = app.inventory.update_card(
                    who, existing.id, card, expected_version=existing.version, note=f"imported {filename}"
                )
        except (CardError, StoreConflictError) as exc:
            return render(request, "import.html", who, status=422, error=problem_of(exc), text=source)
        return redirect(f"/systems/{system.id}")

    return await run_in_threadpool(work)


@router.get("/admin/users")
def users(request: Request, who: Admin, app: Ctx) -> Response:
    return render(request, "users.html", who, users=app.store.list_users(who.user.org_id), roles=ROLES, error=None)


@router.post("/admin/users")
def user_create(
    request: Request,
    who: Admin,
    app: Ctx,
    username: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.@-]{1,100}$")],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(pattern="^(viewer|editor|reviewer|admin)$")],
) -> Response:
    problem = password_problem(password)
    if problem:
        raise RequestInvalid(f"the password needs {problem}", field="password")
    app.store.create_user(username, hash_password(password), role, org_id=who.user.org_id, actor=who.user.username)
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}")
def user_update(
    user_id: PageId,
    who: Admin,
    app: Ctx,
    role: Annotated[str, Form(pattern="^(viewer|editor|reviewer|admin)$")],
    active: Annotated[str, Form(pattern="^(yes|no)$")] = "yes",
) -> Response:
    if user_id == who.user.id and (role != "admin" or active != "yes"):
        raise Forbidden("you cannot demote or deactivate yourself", field="role")
    app.store.update_user(who.user.org_id, user_id, actor=who.user.username, role=role, active=active == "yes")
    return redirect("/admin/users")
