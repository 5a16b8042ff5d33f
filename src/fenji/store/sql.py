"""The inventory store on SQLAlchemy 2 (SQLite or PostgreSQL).

Every change runs in one transaction together with its audit-log entry, so the log cannot miss a change
that happened nor record one that did not. Edits of the current state use optimistic locking: the caller
passes the version it read, the ``UPDATE … WHERE version = :read`` touches no row when someone else was
first, and the caller gets ``StoreConflictError`` with nothing overwritten.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine, RowMapping

from fenji.errors import (
    Issue,
    ReviewStateError,
    StoreConflictError,
    StoreDuplicateError,
    StoreError,
    StoreImportError,
    StoreNotFoundError,
)
from fenji.store import audit as chain
from fenji.store import db, search
from fenji.store import tables as t
from fenji.store.records import (
    REVIEW_ACTIONS,
    ROLES,
    AssessmentInput,
    AssessmentRecord,
    Attention,
    AuditEntry,
    AuditReport,
    CardVersion,
    Deadline,
    EvidenceRecord,
    Organisation,
    RegimeTier,
    ReviewEvent,
    SearchDoc,
    SearchHit,
    Session,
    System,
    SystemSummary,
    User,
    WaiverRecord,
)

Clock = Callable[[], dt.datetime]
DEFAULT_ORG = "default"
EXPORT_FORMAT = 1
SEARCH_DIGEST_KEY = "rule_index_digest"
LOCK_ORGS = 74_657_002  # advisory lock keys (PostgreSQL)
LOCK_SEARCH_INDEX = 74_657_003


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


R = TypeVar("R")


def _record(cls: type[R], row: Any) -> R:
    """A record dataclass from a row whose columns carry the same names as its fields."""
    return cls(**{f.name: getattr(row, f.name) for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


class Store:
    """The inventory: systems and their card versions, assessments, reviews, evidence, waivers, users,
    sessions and the audit log. Open one with :func:`open_store`."""

    def __init__(self, engine: Engine, *, evidence_dir: Path | None = None, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.evidence_dir = evidence_dir
        self.clock = clock

    # --- plumbing ------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        db.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect().execution_options(fenji_write=True) as conn, conn.begin():
                yield conn
        except sa.exc.IntegrityError as exc:
            raise StoreDuplicateError(
                "that already exists", [Issue(str(exc.orig).splitlines()[0], hint="choose another name or ID")]
            ) from None
        except sa.exc.DataError as exc:
            raise StoreError(
                "the database refused a value", [Issue(str(exc.orig).splitlines()[0], hint="check lengths and formats")]
            ) from None
        except sa.exc.OperationalError as exc:
            raise StoreError(
                "the database could not complete the operation",
                [Issue(str(exc.orig).splitlines()[0], hint="check FENJI_DATABASE_URL and that the database is up")],
            ) from None

    @staticmethod
    def _serialize(conn: sa.Connection, key: int) -> None:
        """One writer at a time for a check-then-write that a unique key does not cover (PostgreSQL; a SQLite
        write transaction holds the database's write lock already)."""
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def _audit(
        self,
        conn: sa.Connection,
        actor: str,
        org_id: int | None,
        action: str,
        target: str,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one entry to the chain, inside the caller's write transaction."""
        head_q = sa.select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1)
        if conn.dialect.name == "postgresql":
            head_q = head_q.with_for_update()
        head = conn.execute(head_q).one()  # migration 0001 writes the head row (seq 0)
        prev_seq, prev_hash = int(head.seq), str(head.hash)
        seq = prev_seq + 1
        at = self.clock()
        safe = chain.json_safe(dict(details or {}))
        digest = chain.entry_hash(prev_hash, seq, at, actor, org_id, action, target, safe)
        conn.execute(
            sa.insert(t.audit_log).values(
                seq=seq,
                at=at,
                actor=actor,
                org_id=org_id,
                action=action,
                target=target,
                details=safe,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        conn.execute(sa.update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=seq, hash=digest))
        return AuditEntry(seq, at, actor, org_id, action, target, safe, prev_hash, digest)

    def record(
        self, actor: str, org_id: int | None, action: str, target: str, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """Append an audit entry for an event that changes nothing else (a login, an export)."""
        with self._write() as conn:
            return self._audit(conn, actor, org_id, action, target, details)

    # --- organisations and users ----------------------------------------------------------

    def ensure_org(self, name: str = DEFAULT_ORG, actor: str = "system") -> Organisation:
        with self._read() as conn:
            row = conn.execute(sa.select(t.organisations).where(t.organisations.c.name == name)).first()
        if row is not None:
            return Organisation(row.id, row.name)
        with self._write() as conn:
            self._serialize(conn, LOCK_ORGS)
            row = conn.execute(sa.select(t.organisations).where(t.organisations.c.name == name)).first()
            if row is not None:
                return Organisation(row.id, row.name)
            org_id = conn.execute(
                sa.insert(t.organisations).values(name=name, created_at=self.clock()).returning(t.organisations.c.id)
            ).scalar_one()
            self._audit(conn, actor, org_id, "org.create", f"org:{org_id}", {"name": name})
            return Organisation(org_id, name)

    def organisations(self) -> list[Organisation]:
        with self._read() as conn:
            rows = conn.execute(sa.select(t.organisations).order_by(t.organisations.c.id)).all()
        return [Organisation(r.id, r.name) for r in rows]

    @staticmethod
    def _user(row: Any) -> User:
        return User(
            id=row.id,
            org_id=row.org_id,
            username=row.username,
            role=row.role,
            active=bool(row.active),
            created_at=row.created_at,
            password_hash=row.password_hash,
        )

    def create_user(
        self, username: str, password_hash: str, role: str, *, org_id: int | None = None, actor: str = "system"
    ) -> User:
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r}", [Issue("unknown role", field="role", hint=", ".join(ROLES))])
        org = org_id if org_id is not None else self.ensure_org().id
        with self._write() as conn:
            taken = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first()
            if taken is not None:
                raise StoreDuplicateError(
                    f"user {username!r} exists", [Issue("the user name is taken", field="username")]
                )
            user_id = conn.execute(
                sa.insert(t.users)
                .values(
                    org_id=org,
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    active=True,
                    created_at=self.clock(),
                )
                .returning(t.users.c.id)
            ).scalar_one()
            self._audit(conn, actor, org, "user.create", f"user:{username}", {"role": role})
            row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).one()
        return self._user(row)

    def user_by_name(self, username: str) -> User | None:
        with self._read() as conn:
            row = conn.execute(sa.select(t.users).where(t.users.c.username == username)).first()
        return self._user(row) if row is not None else None

    def get_user(self, org_id: int, user_id: int) -> User:
        with self._read() as conn:
            row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id, t.users.c.org_id == org_id)).first()
        if row is None:
            raise StoreNotFoundError(f"no user {user_id}", [Issue("no such user", field="user_id")])
        return self._user(row)

    def list_users(self, org_id: int | None = None) -> list[User]:
        q = sa.select(t.users).order_by(t.users.c.username)
        if org_id is not None:
            q = q.where(t.users.c.org_id == org_id)
        with self._read() as conn:
            return [self._user(r) for r in conn.execute(q).all()]

    def count_users(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.users)).scalar_one())

    def update_user(
        self,
        org_id: int,
        user_id: int,
        *,
        actor: str,
        role: str | None = None,
        active: bool | None = None,
        password_hash: str | None = None,
    ) -> User:
        values: dict[str, Any] = {}
        details: dict[str, Any] = {}
        if role is not None:
            if role not in ROLES:
                raise StoreError(f"unknown role {role!r}", [Issue("unknown role", field="role", hint=", ".join(ROLES))])
            values["role"] = details["role"] = role
        if active is not None:
            values["active"] = details["active"] = active
        if password_hash is not None:
            values["password_hash"] = password_hash
            details["password"] = "changed"
        with self._write() as conn:
            row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id, t.users.c.org_id == org_id)).first()
            if row is None:
                raise StoreNotFoundError(f"no user {user_id}", [Issue("no such user", field="user_id")])
            if values:
                conn.execute(sa.update(t.users).where(t.users.c.id == user_id).values(**values))
                if active is False or password_hash is not None:
                    conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user_id))
                self._audit(conn, actor, org_id, "user.update", f"user:{row.username}", details)
            row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).one()
        return self._user(row)

    # --- sessions (browser cookies and API bearer tokens) ----------------------------------

    def create_session(self, user: User, kind: str, ttl: dt.timedelta) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.clock()
        with self._write() as conn:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.expires_at < now))
            conn.execute(
                sa.insert(t.sessions).values(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    kind=kind,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            self._audit(conn, user.username, user.org_id, "session.create", f"user:{user.username}", {"kind": kind})
        return token, Session(user, kind, csrf, now + ttl)

    def session(self, token: str) -> Session | None:
        """The live session of a token (None when unknown, expired, or the user is inactive)."""
        q = (
            sa.select(t.sessions.c.kind, t.sessions.c.csrf, t.sessions.c.expires_at, t.users)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == _token_hash(token))
        )
        with self._read() as conn:
            row = conn.execute(q).first()
        if row is None or not row.active or row.expires_at <= self.clock():
            return None
        return Session(self._user(row), row.kind, row.csrf, row.expires_at)

    def delete_session(self, token: str, actor: str, org_id: int | None) -> None:
        with self._write() as conn:
            gone = conn.execute(sa.delete(t.sessions).where(t.sessions.c.token_hash == _token_hash(token))).rowcount
            if gone:
                self._audit(conn, actor, org_id, "session.delete", f"user:{actor}")

    # --- systems and card versions ---------------------------------------------------------

    @staticmethod
    def _system(row: Any) -> System:
        return _record(System, row)

    def create_system(
        self, org_id: int, card: Mapping[str, Any], digest: str, *, actor: str, note: str | None = None
    ) -> System:
        """A new system whose card is version 1. The card's ``id`` is the system's slug (unique per org)."""
        slug, name = str(card["id"]), str(card.get("name") or card["id"])
        now = self.clock()
        with self._write() as conn:
            taken = conn.execute(
                sa.select(t.systems.c.id).where(t.systems.c.org_id == org_id, t.systems.c.slug == slug)
            ).first()
            if taken is not None:
                raise StoreDuplicateError(
                    f"a system with ID {slug!r} exists",
                    [Issue("the system ID is taken", field="id", hint="edit that system, or choose another ID")],
                )
            system_id = conn.execute(
                sa.insert(t.systems)
                .values(
                    org_id=org_id,
                    slug=slug,
                    name=name,
                    version=1,
                    latest_assessment_id=None,
                    provisional=False,
                    missing_evidence=0,
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                )
                .returning(t.systems.c.id)
            ).scalar_one()
            self._insert_card(conn, system_id, 1, card, digest, actor, note, now)
            self._audit(
                conn,
                actor,
                org_id,
                "system.create",
                f"system:{system_id}",
                {"slug": slug, "version": 1, "digest": digest},
            )
            row = conn.execute(sa.select(t.systems).where(t.systems.c.id == system_id)).one()
        return self._system(row)

    @staticmethod
    def _insert_card(
        conn: sa.Connection,
        system_id: int,
        version: int,
        card: Mapping[str, Any],
        digest: str,
        actor: str,
        note: str | None,
        now: dt.datetime,
    ) -> None:
        conn.execute(
            sa.insert(t.card_versions).values(
                system_id=system_id,
                version=version,
                card=chain.json_safe(dict(card)),
                digest=digest,
                note=note,
                created_by=actor,
                created_at=now,
            )
        )

    def update_card(
        self,
        org_id: int,
        system_id: int,
        card: Mapping[str, Any],
        digest: str,
        *,
        expected_version: int,
        actor: str,
        note: str | None = None,
    ) -> System:
        """Save an edit as a new card version, if nobody saved one since ``expected_version`` was read."""
        now = self.clock()
        with self._write() as conn:
            current = self._system_row(conn, org_id, system_id)
            new_slug = str(card["id"])
            if new_slug != current.slug:
                raise StoreConflictError(
                    "the card's ID cannot change",
                    [Issue(f"this system's ID is {current.slug!r}", field="id", hint="import it as a new system")],
                )
            bumped = conn.execute(
                sa.update(t.systems)
                .where(
                    t.systems.c.id == system_id,
                    t.systems.c.org_id == org_id,
                    t.systems.c.version == expected_version,
                )
                .values(version=t.systems.c.version + 1, name=str(card.get("name") or new_slug), updated_at=now)
            ).rowcount
            if bumped != 1:
                raise StoreConflictError(
                    f"system {system_id} was changed by someone else (you edited version {expected_version}, "
                    f"the current version is {current.version}); nothing was saved",
                    [
                        Issue(
                            "edit conflict",
                            field="expected_version",
                            hint="reload the system and apply your change again",
                        )
                    ],
                )
            version = expected_version + 1
            self._insert_card(conn, system_id, version, card, digest, actor, note, now)
            self._audit(
                conn,
                actor,
                org_id,
                "card.update",
                f"system:{system_id}",
                {"version": version, "digest": digest, "note": note},
            )
            row = conn.execute(sa.select(t.systems).where(t.systems.c.id == system_id)).one()
        return self._system(row)

    @staticmethod
    def _system_row(conn: sa.Connection, org_id: int, system_id: int) -> Any:
        row = conn.execute(
            sa.select(t.systems).where(t.systems.c.id == system_id, t.systems.c.org_id == org_id)
        ).first()
        if row is None:
            raise StoreNotFoundError(f"no system {system_id}", [Issue("no such system", field="system_id")])
        return row

    def get_system(self, org_id: int, system_id: int) -> System:
        with self._read() as conn:
            return self._system(self._system_row(conn, org_id, system_id))

    def system_by_slug(self, org_id: int, slug: str) -> System | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.systems).where(t.systems.c.org_id == org_id, t.systems.c.slug == slug)
            ).first()
        return self._system(row) if row is not None else None

    @staticmethod
    def _card(row: Any) -> CardVersion:
        return _record(CardVersion, row)

    def card_version(self, org_id: int, system_id: int, version: int | None = None) -> CardVersion:
        with self._read() as conn:
            system = self._system_row(conn, org_id, system_id)
            row = conn.execute(
                sa.select(t.card_versions).where(
                    t.card_versions.c.system_id == system_id,
                    t.card_versions.c.version == (version if version is not None else system.version),
                )
            ).first()
        if row is None:
            raise StoreNotFoundError(
                f"system {system_id} has no card version {version}", [Issue("no such version", field="version")]
            )
        return self._card(row)

    def card_versions(self, org_id: int, system_id: int) -> list[CardVersion]:
        with self._read() as conn:
            self._system_row(conn, org_id, system_id)
            rows = conn.execute(
                sa.select(t.card_versions)
                .where(t.card_versions.c.system_id == system_id)
                .order_by(t.card_versions.c.version.desc())
            ).all()
        return [self._card(r) for r in rows]

    def count_systems(self, org_id: int) -> int:
        with self._read() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t.systems).where(t.systems.c.org_id == org_id)
                ).scalar_one()
            )

    def list_systems(
        self, org_id: int, *, limit: int = 50, offset: int = 0, query: str | None = None
    ) -> tuple[list[SystemSummary], int]:
        """One page of the inventory (by name) with each system's latest tiers, and the total count."""
        where = [t.systems.c.org_id == org_id]
        if query:
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                sa.or_(t.systems.c.name.ilike(pattern, escape="\\"), t.systems.c.slug.ilike(pattern, escape="\\"))
            )
        with self._read() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(t.systems).where(*where)).scalar_one())
            rows = conn.execute(
                sa.select(t.systems, t.reviews.c.state)
                .outerjoin(t.reviews, t.reviews.c.assessment_id == t.systems.c.latest_assessment_id)
                .where(*where)
                .order_by(t.systems.c.name, t.systems.c.id)
                .limit(limit)
                .offset(offset)
            ).all()
            tiers = self._tiers_of(conn, [r.latest_assessment_id for r in rows if r.latest_assessment_id])
        out = [
            SystemSummary(
                id=r.id,
                slug=r.slug,
                name=r.name,
                version=r.version,
                updated_at=r.updated_at,
                latest_assessment_id=r.latest_assessment_id,
                tiers=tiers.get(r.latest_assessment_id, {}) if r.latest_assessment_id else {},
                review_state=r.state,
            )
            for r in rows
        ]
        return out, total

    @staticmethod
    def _tiers_of(conn: sa.Connection, assessment_ids: Sequence[int]) -> dict[int, dict[str, RegimeTier]]:
        out: dict[int, dict[str, RegimeTier]] = {}
        if not assessment_ids:
            return out
        rows = conn.execute(
            sa.select(t.assessment_tiers).where(t.assessment_tiers.c.assessment_id.in_(list(assessment_ids)))
        ).all()
        for r in rows:
            applies = None if r.applies is None else bool(r.applies)
            out.setdefault(r.assessment_id, {})[r.regime] = RegimeTier(r.regime, r.tier, r.status, applies)
        return out

    # --- assessments and reviews -----------------------------------------------------------

    def add_assessment(
        self, org_id: int, system_id: int, card_version: int, data: AssessmentInput, *, actor: str
    ) -> AssessmentRecord:
        """Record an assessment (immutable) with its review in state ``draft``; it becomes the system's latest."""
        now = self.clock()
        provisional = any(tier.status == "provisional" for tier in data.tiers)
        with self._write() as conn:
            self._system_row(conn, org_id, system_id)
            exists = conn.execute(
                sa.select(t.card_versions.c.id).where(
                    t.card_versions.c.system_id == system_id, t.card_versions.c.version == card_version
                )
            ).first()
            if exists is None:
                raise StoreNotFoundError(
                    f"system {system_id} has no card version {card_version}",
                    [Issue("no such version", field="version")],
                )
            assessment_id = conn.execute(
                sa.insert(t.assessments)
                .values(
                    system_id=system_id,
                    card_version=card_version,
                    as_of=data.as_of,
                    decision_id=data.decision_id,
                    card_digest=data.card_digest,
                    packs=data.packs,
                    result=data.result,
                    explanation=data.explanation,
                    provisional=provisional,
                    created_by=actor,
                    created_at=now,
                )
                .returning(t.assessments.c.id)
            ).scalar_one()
            if data.tiers:
                conn.execute(
                    sa.insert(t.assessment_tiers),
                    [
                        {
                            "assessment_id": assessment_id,
                            "regime": tier.regime,
                            "tier": tier.tier,
                            "status": tier.status,
                            "applies": tier.applies,
                        }
                        for tier in data.tiers
                    ],
                )
            if data.controls:
                conn.execute(
                    sa.insert(t.assessment_controls),
                    [
                        {
                            "assessment_id": assessment_id,
                            "control": c.control,
                            "required_now": c.required_now,
                            "evidence_status": c.evidence_status,
                            "earliest_deadline": c.earliest_deadline,
                            "title": c.title,
                        }
                        for c in data.controls
                    ],
                )
            deadlines: dict[dt.date, list[str]] = {}
            for c in data.controls:
                if c.earliest_deadline is not None:
                    deadlines.setdefault(c.earliest_deadline, []).append(c.control)
            if deadlines:
                conn.execute(
                    sa.insert(t.assessment_deadlines),
                    [
                        {"assessment_id": assessment_id, "date": day, "controls": len(ids), "first_control": min(ids)}
                        for day, ids in deadlines.items()
                    ],
                )
            conn.execute(
                sa.insert(t.reviews).values(
                    assessment_id=assessment_id, state="draft", version=1, updated_by=actor, updated_at=now
                )
            )
            conn.execute(
                sa.update(t.systems)
                .where(
                    t.systems.c.id == system_id,
                    sa.or_(
                        t.systems.c.latest_assessment_id.is_(None),
                        t.systems.c.latest_assessment_id < assessment_id,
                    ),
                )
                .values(
                    latest_assessment_id=assessment_id,
                    provisional=provisional,
                    missing_evidence=self._missing_evidence(conn, system_id, assessment_id),
                )
            )
            self._audit(
                conn,
                actor,
                org_id,
                "assessment.create",
                f"assessment:{assessment_id}",
                {
                    "system_id": system_id,
                    "decision_id": data.decision_id,
                    "card_version": card_version,
                    "card_digest": data.card_digest,
                    "as_of": data.as_of,
                    "packs": data.packs,
                    "tiers": {tier.regime: f"{tier.tier} ({tier.status})" for tier in data.tiers},
                },
            )
        return self.get_assessment(org_id, assessment_id)

    @staticmethod
    def _missing_evidence(conn: sa.Connection, system_id: int, assessment_id: int) -> int:
        """Controls of the assessment required now with no evidence: neither in the card nor uploaded."""
        c, e = t.assessment_controls, t.evidence
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(c)
                .where(
                    c.c.assessment_id == assessment_id,
                    c.c.required_now.is_(True),
                    c.c.evidence_status.in_(["missing", "expired", "planned"]),
                    ~sa.exists().where(e.c.system_id == system_id, e.c.control == c.c.control),
                )
            ).scalar_one()
        )

    def _assessment_query(self) -> sa.Select[Any]:
        a = t.assessments
        return (
            sa.select(
                a.c.id,
                a.c.system_id,
                a.c.card_version,
                a.c.as_of,
                a.c.decision_id,
                a.c.card_digest,
                a.c.packs,
                a.c.provisional,
                a.c.created_by,
                a.c.created_at,
                t.reviews.c.state,
                t.reviews.c.version.label("review_version"),
            )
            .join(t.systems, t.systems.c.id == a.c.system_id)
            .join(t.reviews, t.reviews.c.assessment_id == a.c.id)
        )

    @staticmethod
    def _assessment(
        row: Any, tiers: dict[str, RegimeTier], result: Any = None, explanation: Any = None
    ) -> AssessmentRecord:
        return AssessmentRecord(
            id=row.id,
            system_id=row.system_id,
            card_version=row.card_version,
            as_of=row.as_of,
            decision_id=row.decision_id,
            card_digest=row.card_digest,
            packs=row.packs,
            provisional=bool(row.provisional),
            created_by=row.created_by,
            created_at=row.created_at,
            review_state=row.state,
            review_version=row.review_version,
            tiers=tiers,
            result=result,
            explanation=explanation,
        )

    def get_assessment(self, org_id: int, assessment_id: int, *, with_result: bool = True) -> AssessmentRecord:
        with self._read() as conn:
            row = conn.execute(
                self._assessment_query().where(t.assessments.c.id == assessment_id, t.systems.c.org_id == org_id)
            ).first()
            if row is None:
                raise StoreNotFoundError(
                    f"no assessment {assessment_id}", [Issue("no such assessment", field="assessment_id")]
                )
            tiers = self._tiers_of(conn, [assessment_id]).get(assessment_id, {})
            result = explanation = None
            if with_result:
                full = conn.execute(
                    sa.select(t.assessments.c.result, t.assessments.c.explanation).where(
                        t.assessments.c.id == assessment_id
                    )
                ).one()
                result, explanation = full.result, full.explanation
        return self._assessment(row, tiers, result, explanation)

    def assessments_for(self, org_id: int, system_id: int) -> list[AssessmentRecord]:
        with self._read() as conn:
            self._system_row(conn, org_id, system_id)
            rows = conn.execute(
                self._assessment_query()
                .where(t.assessments.c.system_id == system_id)
                .order_by(t.assessments.c.id.desc())
            ).all()
            tiers = self._tiers_of(conn, [r.id for r in rows])
        return [self._assessment(r, tiers.get(r.id, {})) for r in rows]

    def review(
        self,
        org_id: int,
        assessment_id: int,
        action: str,
        *,
        actor: str,
        expected_version: int,
        comment: str | None = None,
    ) -> AssessmentRecord:
        """Move an assessment's review: submit (draft/returned → submitted), approve or return (submitted → …)."""
        if action not in REVIEW_ACTIONS:
            raise ReviewStateError(
                f"unknown review action {action!r}",
                [Issue("unknown action", field="action", hint=", ".join(REVIEW_ACTIONS))],
            )
        sources, target = REVIEW_ACTIONS[action]
        if action == "return" and not (comment and comment.strip()):
            raise ReviewStateError(
                "returning an assessment needs a comment",
                [Issue("say what must change", field="comment", hint="the submitter sees your comment")],
            )
        now = self.clock()
        with self._write() as conn:
            row = conn.execute(
                self._assessment_query().where(t.assessments.c.id == assessment_id, t.systems.c.org_id == org_id)
            ).first()
            if row is None:
                raise StoreNotFoundError(
                    f"no assessment {assessment_id}", [Issue("no such assessment", field="assessment_id")]
                )
            if row.review_version != expected_version:
                raise StoreConflictError(
                    f"the review of assessment {assessment_id} changed since you loaded it "
                    f"(it is now {row.state}); nothing was changed",
                    [Issue("review conflict", field="expected_version", hint="reload and decide again")],
                )
            if row.state not in sources:
                raise ReviewStateError(
                    f"cannot {action} an assessment that is {row.state}",
                    [Issue(f"{action} needs state {' or '.join(sources)}", field="action")],
                )
            changed = conn.execute(
                sa.update(t.reviews)
                .where(t.reviews.c.assessment_id == assessment_id, t.reviews.c.version == expected_version)
                .values(state=target, version=expected_version + 1, updated_by=actor, updated_at=now)
            ).rowcount
            if changed != 1:
                raise StoreConflictError(
                    f"the review of assessment {assessment_id} changed since you loaded it; nothing was changed",
                    [Issue("review conflict", field="expected_version", hint="reload and decide again")],
                )
            conn.execute(
                sa.insert(t.review_events).values(
                    assessment_id=assessment_id,
                    from_state=row.state,
                    to_state=target,
                    actor=actor,
                    comment=comment,
                    created_at=now,
                )
            )
            self._audit(
                conn,
                actor,
                org_id,
                f"review.{action}",
                f"assessment:{assessment_id}",
                {"from": row.state, "to": target, "comment": comment, "decision_id": row.decision_id},
            )
        return self.get_assessment(org_id, assessment_id, with_result=False)

    def review_events(self, org_id: int, assessment_id: int) -> list[ReviewEvent]:
        q = (
            sa.select(t.review_events)
            .join(t.assessments, t.assessments.c.id == t.review_events.c.assessment_id)
            .join(t.systems, t.systems.c.id == t.assessments.c.system_id)
            .where(t.review_events.c.assessment_id == assessment_id, t.systems.c.org_id == org_id)
            .order_by(t.review_events.c.id)
        )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [ReviewEvent(r.assessment_id, r.from_state, r.to_state, r.actor, r.comment, r.created_at) for r in rows]

    def reviews_in_state(self, org_id: int, states: Sequence[str]) -> list[tuple[AssessmentRecord, str]]:
        with self._read() as conn:
            rows = conn.execute(
                self._assessment_query()
                .add_columns(t.systems.c.name.label("system_name"))
                .where(t.systems.c.org_id == org_id, t.reviews.c.state.in_(list(states)))
                .order_by(t.reviews.c.updated_at.desc())
                .limit(200)
            ).all()
            tiers = self._tiers_of(conn, [r.id for r in rows])
        return [(self._assessment(r, tiers.get(r.id, {})), r.system_name) for r in rows]

    # --- evidence ------------------------------------------------------------------------

    @staticmethod
    def _evidence(row: Any) -> EvidenceRecord:
        return _record(EvidenceRecord, row)

    def _disk_path(self, sha256: str) -> Path:
        assert self.evidence_dir is not None
        return self.evidence_dir / sha256[:2] / sha256

    def add_evidence(
        self,
        org_id: int,
        system_id: int,
        *,
        control: str,
        filename: str,
        content_type: str,
        content: bytes,
        note: str | None,
        actor: str,
    ) -> EvidenceRecord:
        """Store a file that proves a control: on disk (content-addressed) when the store has an evidence
        directory, else in the database."""
        sha = hashlib.sha256(content).hexdigest()
        storage = "disk" if self.evidence_dir is not None else "db"
        if storage == "disk":
            path = self._disk_path(sha)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".part")
                tmp.write_bytes(content)
                tmp.replace(path)
        with self._write() as conn:
            self._system_row(conn, org_id, system_id)
            evidence_id = conn.execute(
                sa.insert(t.evidence)
                .values(
                    system_id=system_id,
                    control=control,
                    filename=filename,
                    content_type=content_type,
                    size=len(content),
                    sha256=sha,
                    storage=storage,
                    data=content if storage == "db" else None,
                    note=note,
                    created_by=actor,
                    created_at=self.clock(),
                )
                .returning(t.evidence.c.id)
            ).scalar_one()
            self._audit(
                conn,
                actor,
                org_id,
                "evidence.add",
                f"system:{system_id}",
                {
                    "evidence_id": evidence_id,
                    "control": control,
                    "filename": filename,
                    "sha256": sha,
                    "size": len(content),
                },
            )
            system = self._system_row(conn, org_id, system_id)
            if system.latest_assessment_id is not None:
                missing = self._missing_evidence(conn, system_id, system.latest_assessment_id)
                conn.execute(sa.update(t.systems).where(t.systems.c.id == system_id).values(missing_evidence=missing))
            row = conn.execute(sa.select(t.evidence).where(t.evidence.c.id == evidence_id)).one()
        return self._evidence(row)

    def evidence_for(self, org_id: int, system_id: int) -> list[EvidenceRecord]:
        cols = [c for c in t.evidence.c if c.name != "data"]
        with self._read() as conn:
            self._system_row(conn, org_id, system_id)
            rows = conn.execute(
                sa.select(*cols).where(t.evidence.c.system_id == system_id).order_by(t.evidence.c.id)
            ).all()
        return [self._evidence(r) for r in rows]

    def evidence_content(self, org_id: int, evidence_id: int) -> tuple[EvidenceRecord, bytes]:
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.evidence)
                .join(t.systems, t.systems.c.id == t.evidence.c.system_id)
                .where(t.evidence.c.id == evidence_id, t.systems.c.org_id == org_id)
            ).first()
        if row is None:
            raise StoreNotFoundError(f"no evidence {evidence_id}", [Issue("no such evidence", field="evidence_id")])
        record = self._evidence(row)
        return record, self._content(record, row.data)

    def _content(self, record: EvidenceRecord, data: bytes | None) -> bytes:
        if record.storage == "db":
            return bytes(data or b"")
        if self.evidence_dir is None:
            raise StoreError(
                f"evidence {record.id} is stored on disk but this store has no evidence directory",
                [Issue("evidence file unavailable", hint="set FENJI_EVIDENCE_DIR to the directory that holds it")],
            )
        path = self._disk_path(record.sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"evidence file {path} is missing", [Issue("evidence file missing", hint="restore it from a backup")]
            ) from None
        if hashlib.sha256(content).hexdigest() != record.sha256:
            raise StoreError(f"evidence file {path} was changed", [Issue("checksum mismatch")])
        return content

    # --- waivers -------------------------------------------------------------------------

    @staticmethod
    def _waiver(row: Any) -> WaiverRecord:
        return _record(WaiverRecord, row)

    def add_waiver(
        self, org_id: int, system_id: int, *, rule: str, reason: str, expires: dt.date, actor: str
    ) -> WaiverRecord:
        """A waiver approved by ``actor``; it joins the card's own waivers at the next assessment."""
        with self._write() as conn:
            self._system_row(conn, org_id, system_id)
            waiver_id = conn.execute(
                sa.insert(t.waivers)
                .values(
                    system_id=system_id,
                    rule=rule,
                    reason=reason,
                    approved_by=actor,
                    expires=expires,
                    created_by=actor,
                    created_at=self.clock(),
                )
                .returning(t.waivers.c.id)
            ).scalar_one()
            self._audit(
                conn,
                actor,
                org_id,
                "waiver.add",
                f"system:{system_id}",
                {"waiver_id": waiver_id, "rule": rule, "reason": reason, "expires": expires},
            )
            row = conn.execute(sa.select(t.waivers).where(t.waivers.c.id == waiver_id)).one()
        return self._waiver(row)

    def revoke_waiver(self, org_id: int, waiver_id: int, *, actor: str) -> WaiverRecord:
        with self._write() as conn:
            row = conn.execute(
                sa.select(t.waivers)
                .join(t.systems, t.systems.c.id == t.waivers.c.system_id)
                .where(t.waivers.c.id == waiver_id, t.systems.c.org_id == org_id)
            ).first()
            if row is None:
                raise StoreNotFoundError(f"no waiver {waiver_id}", [Issue("no such waiver", field="waiver_id")])
            if row.revoked_at is None:
                conn.execute(
                    sa.update(t.waivers)
                    .where(t.waivers.c.id == waiver_id)
                    .values(revoked_at=self.clock(), revoked_by=actor)
                )
                self._audit(
                    conn,
                    actor,
                    org_id,
                    "waiver.revoke",
                    f"system:{row.system_id}",
                    {"waiver_id": waiver_id, "rule": row.rule},
                )
            row = conn.execute(sa.select(t.waivers).where(t.waivers.c.id == waiver_id)).one()
        return self._waiver(row)

    def waivers_for(self, org_id: int, system_id: int, *, active_only: bool = False) -> list[WaiverRecord]:
        q = sa.select(t.waivers).where(t.waivers.c.system_id == system_id).order_by(t.waivers.c.id)
        if active_only:
            q = q.where(t.waivers.c.revoked_at.is_(None))
        with self._read() as conn:
            self._system_row(conn, org_id, system_id)
            return [self._waiver(r) for r in conn.execute(q).all()]

    # --- dashboard figures ---------------------------------------------------------------

    def tier_counts(self, org_id: int) -> dict[str, dict[str, int]]:
        """regime -> tier -> number of systems whose latest assessment has that tier."""
        q = (
            sa.select(t.assessment_tiers.c.regime, t.assessment_tiers.c.tier, sa.func.count().label("n"))
            .join(t.systems, t.systems.c.latest_assessment_id == t.assessment_tiers.c.assessment_id)
            .where(t.systems.c.org_id == org_id)
            .group_by(t.assessment_tiers.c.regime, t.assessment_tiers.c.tier)
        )
        out: dict[str, dict[str, int]] = {}
        with self._read() as conn:
            for r in conn.execute(q).all():
                out.setdefault(r.regime, {})[r.tier] = int(r.n)
        return out

    def upcoming_deadlines(self, org_id: int, today: dt.date, limit: int = 10) -> list[Deadline]:
        """The next deadlines of the latest assessments: per system and date, how many controls fall due."""
        d = t.assessment_deadlines
        q = (
            sa.select(t.systems.c.id, t.systems.c.name, d.c.date, d.c.controls, d.c.first_control)
            .join(t.systems, t.systems.c.latest_assessment_id == d.c.assessment_id)
            .where(t.systems.c.org_id == org_id, d.c.date >= today)
            .order_by(d.c.date, t.systems.c.name, t.systems.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [Deadline(r.id, r.name, r.date, int(r.controls), r.first_control) for r in rows]

    def attention(self, org_id: int, limit: int = 20) -> list[Attention]:
        """Systems whose latest result is provisional or that lack evidence for a control required now."""
        q = (
            sa.select(t.systems.c.id, t.systems.c.name, t.systems.c.provisional, t.systems.c.missing_evidence)
            .where(
                t.systems.c.org_id == org_id,
                sa.or_(t.systems.c.provisional.is_(True), t.systems.c.missing_evidence > 0),
            )
            .order_by(t.systems.c.provisional.desc(), t.systems.c.missing_evidence.desc(), t.systems.c.name)
            .limit(limit)
        )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [Attention(r.id, r.name, bool(r.provisional), int(r.missing_evidence)) for r in rows]

    # --- the audit log -------------------------------------------------------------------

    @staticmethod
    def _entry(row: Any) -> AuditEntry:
        return _record(AuditEntry, row)

    def audit_entries(
        self, org_id: int | None = None, *, limit: int = 100, before: int | None = None, target: str | None = None
    ) -> list[AuditEntry]:
        """Newest first; ``org_id`` keeps an organisation's own entries (and store-wide ones)."""
        q = sa.select(t.audit_log).order_by(t.audit_log.c.seq.desc()).limit(limit)
        if org_id is not None:
            q = q.where(sa.or_(t.audit_log.c.org_id == org_id, t.audit_log.c.org_id.is_(None)))
        if before is not None:
            q = q.where(t.audit_log.c.seq < before)
        if target is not None:
            q = q.where(t.audit_log.c.target == target)
        with self._read() as conn:
            return [self._entry(r) for r in conn.execute(q).all()]

    def verify_audit(self) -> AuditReport:
        """Recompute the whole chain (``fenji audit verify``)."""
        with self._read() as conn:
            head = conn.execute(sa.select(t.audit_head.c.seq, t.audit_head.c.hash)).first()
            result = conn.execution_options(yield_per=1000).execute(sa.select(t.audit_log).order_by(t.audit_log.c.seq))
            try:
                return chain.verify(
                    (self._entry(r) for r in result), (int(head.seq), str(head.hash)) if head is not None else None
                )
            finally:
                result.close()

    # --- the rules library's search index --------------------------------------------------

    def search_index_digest(self) -> str | None:
        with self._read() as conn:
            value = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == SEARCH_DIGEST_KEY)).scalar()
        return str(value) if value is not None else None

    def replace_search_index(self, docs: Sequence[SearchDoc], digest: str) -> None:
        """Rebuild the rules library (derived data: not audited, not exported)."""
        with self._write() as conn:
            self._serialize(conn, LOCK_SEARCH_INDEX)
            if conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == SEARCH_DIGEST_KEY)).scalar() == digest:
                return  # another process rebuilt it meanwhile
            conn.execute(sa.text("DELETE FROM rule_fts"))
            conn.execute(sa.delete(t.rule_docs))
            rows = [{"id": i + 1, **doc.__dict__} for i, doc in enumerate(docs)]
            if rows:
                conn.execute(sa.insert(t.rule_docs), rows)
                fts = []
                for row in rows:
                    tokens = search.index_tokens(
                        row["ref"], row["citation"], row["title_en"], row["title_zh"], row["body_en"], row["body_zh"]
                    )
                    fts.append({"id": row["id"], "w": tokens.words, "b": tokens.bigrams, "u": tokens.unigrams})
                if conn.dialect.name == "postgresql":
                    for item in fts:
                        item["b"] = search.pg_tsvector_literal(item["b"])
                        item["u"] = search.pg_tsvector_literal(item["u"])
                    conn.execute(
                        sa.text(
                            "INSERT INTO rule_fts (doc_id, words, bigrams, unigrams) VALUES "
                            "(:id, to_tsvector('english', :w), CAST(:b AS tsvector), CAST(:u AS tsvector))"
                        ),
                        fts,
                    )
                else:
                    conn.execute(
                        sa.text("INSERT INTO rule_fts (rowid, words, bigrams, unigrams) VALUES (:id, :w, :b, :u)"), fts
                    )
            conn.execute(sa.delete(t.meta).where(t.meta.c.key == SEARCH_DIGEST_KEY))
            conn.execute(sa.insert(t.meta).values(key=SEARCH_DIGEST_KEY, value=digest))

    @staticmethod
    def _doc(row: Any) -> SearchDoc:
        return _record(SearchDoc, row)

    def search_rules(
        self,
        query: str | None,
        *,
        pack: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[SearchHit], int]:
        """Full-text search of the rules library (all entries when the query is empty), best first."""
        d = t.rule_docs
        filters = []
        if pack:
            filters.append(d.c.pack == pack)
        if kind:
            filters.append(d.c.kind == kind)
        terms = search.query_terms(query or "")
        with self._read() as conn:
            if not terms:
                if query and query.strip():
                    return [], 0
                total = int(conn.execute(sa.select(sa.func.count()).select_from(d).where(*filters)).scalar_one())
                rows = conn.execute(
                    sa.select(d).where(*filters).order_by(d.c.pack, d.c.kind, d.c.ref).limit(limit).offset(offset)
                ).all()
                return [SearchHit(self._doc(r), 0.0) for r in rows], total
            if conn.dialect.name == "postgresql":
                ranked = self._pg_search(terms)
            else:
                fts = sa.table("rule_fts", sa.column("rowid"))
                ranked = (
                    sa.select(fts.c.rowid.label("doc_id"), sa.literal_column("bm25(rule_fts)").label("rank"))
                    .select_from(fts)
                    .where(sa.text("rule_fts MATCH :match").bindparams(match=search.fts5_match(terms)))
                    .subquery()
                )
            base = sa.select(d, ranked.c.rank).join(ranked, ranked.c.doc_id == d.c.id).where(*filters)
            total = int(conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
            rows = conn.execute(base.order_by(ranked.c.rank, d.c.ref).limit(limit).offset(offset)).all()
        return [SearchHit(self._doc(r), float(r.rank)) for r in rows], total

    @staticmethod
    def _pg_search(terms: list[search.QueryTerm]) -> Any:
        fts = sa.table("rule_fts", sa.column("doc_id"), sa.column("words"), sa.column("bigrams"), sa.column("unigrams"))
        conditions: list[Any] = []
        rank: Any = sa.literal(0.0)
        words = search.pg_words_query(terms)
        if words is not None:
            tsq = sa.func.to_tsquery(sa.literal_column("'english'"), sa.literal(words))
            conditions.append(sa.or_(sa.func.numnode(tsq) == 0, fts.c.words.op("@@")(tsq)))
            rank = rank + sa.func.ts_rank(fts.c.words, tsq)
        for column, literal in search.pg_ngram_queries(terms):
            ngrams = sa.cast(sa.literal(literal), postgresql.TSQUERY)
            col = getattr(fts.c, column)
            conditions.append(col.op("@@")(ngrams))
            rank = rank + sa.func.ts_rank(col, ngrams)
        return (
            sa.select(fts.c.doc_id.label("doc_id"), (-rank).label("rank"))
            .select_from(fts)
            .where(*conditions)
            .subquery()
        )

    # --- export and import ---------------------------------------------------------------

    def export_data(self, *, actor: str = "system") -> dict[str, Any]:
        """The whole store as JSON-safe data (sessions and the search index are left out: both are derived
        or short-lived). Evidence kept on disk is read into the export, so one file is a full backup."""
        out: dict[str, Any] = {"fenji_export": EXPORT_FORMAT, "dialect": self.dialect, "tables": {}}
        with self._read() as conn:
            for table in t.EXPORT_TABLES:
                pk = list(table.primary_key.columns)
                rows = conn.execute(sa.select(table).order_by(*pk)).mappings().all()
                out["tables"][table.name] = [self._export_row(table, r) for r in rows]
        for row in out["tables"]["evidence"]:
            if row["storage"] == "disk":
                record = EvidenceRecord(
                    row["id"],
                    row["system_id"],
                    row["control"],
                    row["filename"],
                    row["content_type"],
                    row["size"],
                    row["sha256"],
                    "disk",
                    row["note"],
                    row["created_by"],
                    utcnow(),
                )
                row["data"] = {"$b64": base64.b64encode(self._content(record, None)).decode("ascii")}
        return out

    @staticmethod
    def _export_row(table: sa.Table, row: RowMapping) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for column in table.columns:
            value = row[column.name]
            if isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC).isoformat()
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, bytes | memoryview):
                value = {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
            data[column.name] = value
        return data

    @staticmethod
    def _import_value(column: sa.Column[Any], value: Any) -> Any:
        if value is None:
            return None
        if isinstance(column.type, t.UtcDateTime):
            return dt.datetime.fromisoformat(value)
        if isinstance(column.type, sa.Date):
            return dt.date.fromisoformat(value)
        if isinstance(column.type, sa.LargeBinary):
            return base64.b64decode(value["$b64"])
        if isinstance(column.type, sa.Boolean):
            return bool(value)
        return value

    def is_empty(self) -> bool:
        with self._read() as conn:
            for table in (t.users, t.systems, t.audit_log):
                if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                    return False
        return True

    def import_data(self, data: Mapping[str, Any], *, actor: str = "system") -> AuditReport:
        """Load an export into this (empty) store, keeping every ID and the audit chain intact."""
        if not isinstance(data, Mapping) or data.get("fenji_export") != EXPORT_FORMAT:
            raise StoreImportError(
                "not a fenji export", [Issue("expected an object with fenji_export: 1", hint="use `fenji export`")]
            )
        if not self.is_empty():
            raise StoreImportError(
                "the target store is not empty",
                [Issue("import needs an empty database", hint="point FENJI_DATABASE_URL at a new database")],
            )
        tables = data.get("tables")
        if not isinstance(tables, Mapping):
            raise StoreImportError("the export has no tables", [Issue("missing 'tables'")])
        try:
            with self._write() as conn:
                conn.execute(sa.delete(t.audit_head))  # the empty chain's head, replaced by the export's
                conn.execute(sa.delete(t.organisations))  # an empty store may hold the default organisation only
                for table in t.EXPORT_TABLES:
                    rows = tables.get(table.name, [])
                    prepared = []
                    for row in rows:
                        item = {c.name: self._import_value(c, row.get(c.name)) for c in table.columns}
                        if table is t.evidence:
                            item = self._import_evidence(item)
                        prepared.append(item)
                    if prepared:
                        conn.execute(sa.insert(table), prepared)
                if conn.dialect.name == "postgresql":
                    for table in t.EXPORT_TABLES:
                        if "id" in table.c and table.c.id.autoincrement is True:
                            conn.execute(
                                sa.text(
                                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                                )
                            )
                head = conn.execute(sa.select(t.audit_head.c.seq, t.audit_head.c.hash)).first()
                entries = conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.seq)).all()
                report = chain.verify(
                    (self._entry(r) for r in entries), (int(head.seq), str(head.hash)) if head is not None else None
                )
                if not report.ok:
                    raise StoreImportError(
                        "the export's audit chain does not verify; nothing was imported",
                        [Issue(f"entry {report.bad_seq}: {report.problem}")],
                    )
                self._audit(
                    conn,
                    actor,
                    None,
                    "store.import",
                    "store",
                    {"from_dialect": data.get("dialect"), "rows": {k: len(v) for k, v in tables.items()}},
                )
        except StoreImportError:
            raise
        except (StoreError, KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = "; ".join(i.render() for i in exc.issues) if isinstance(exc, StoreError) else repr(exc)
            raise StoreImportError("the export file is malformed; nothing was imported", [Issue(detail)]) from None
        return self.verify_audit()

    def _import_evidence(self, item: dict[str, Any]) -> dict[str, Any]:
        content = bytes(item.get("data") or b"")
        if hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise StoreImportError(
                f"evidence {item['id']} does not match its checksum", [Issue("corrupt evidence in the export")]
            )
        if self.evidence_dir is not None:
            path = self._disk_path(item["sha256"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            return {**item, "storage": "disk", "data": None}
        return {**item, "storage": "db", "data": content}


def open_store(
    url: str | None = None,
    *,
    schema: str | None = None,
    evidence_dir: Path | None = None,
    migrate: bool = True,
    clock: Clock = utcnow,
) -> Store:
    """Open (and by default migrate) the store at ``url`` (default: ``FENJI_DATABASE_URL`` or the SQLite file
    in the user data directory)."""
    store = Store(
        db.make_engine(url or db.default_database_url(), schema=schema), evidence_dir=evidence_dir, clock=clock
    )
    if migrate:
        try:
            store.migrate()
        except sa.exc.OperationalError as exc:
            store.close()
            raise StoreError(
                f"cannot open the store at {store.url}",
                [Issue(str(exc.orig).splitlines()[0], hint="check FENJI_DATABASE_URL and that the database is up")],
            ) from None
    return store
