"""create_app(settings) -> Litestar: plugins, middleware and routes; nothing else."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
)
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig

from portfolio import db
from portfolio.assets import bundled
from portfolio.auth import SessionMiddleware, Sessions, make_store, user_dependencies
from portfolio.compression import compression_config
from portfolio.csrf import CsrfMiddleware
from portfolio.errors import DomainError
from portfolio.mail import OutboxMailer, make_mailer
from portfolio.routes import errors
from portfolio.routes.account import AccountController
from portfolio.routes.api import ApiController, MeController
from portfolio.routes.assets import StaticController
from portfolio.routes.attendance import CheckInController, SessionMarksController, SessionsController
from portfolio.routes.celebrations import (
    CelebrationsController,
    MyCelebrationsController,
    StudentCelebrationsController,
)
from portfolio.routes.certifications import CertificationController
from portfolio.routes.common import ids_in_range
from portfolio.routes.counseling import CounselingController
from portfolio.routes.documents import DocumentController, DownloadController
from portfolio.routes.employer import EmployerController
from portfolio.routes.evidence import EvidenceController, StudentEvidenceController
from portfolio.routes.explore import ExploreController, PermissionSlipController
from portfolio.routes.feedback import PartnerFeedbackController, StaffFeedbackController, StudentFeedbackController
from portfolio.routes.health import HealthController
from portfolio.routes.home import HomeController
from portfolio.routes.mentor import MentorController
from portfolio.routes.messages import MessagesController
from portfolio.routes.opportunities import OpportunitiesController
from portfolio.routes.outbox import OutboxController
from portfolio.routes.partner_documents import PartnerDocumentFileController, PartnerDocumentsController
from portfolio.routes.partner_import import PartnerImportController
from portfolio.routes.partner_links import PartnerNamesController, PartnerSuggestionsController
from portfolio.routes.partner_owners import PartnerOwnersController
from portfolio.routes.partners import InteractionsController, PartnersController
from portfolio.routes.people import PeopleController
from portfolio.routes.placement_links import PlacementLinkController
from portfolio.routes.placements import StaffPlacementsController, StudentPlacementsController
from portfolio.routes.plan import PlanController
from portfolio.routes.programs import ProgramsController
from portfolio.routes.pwa import PwaController
from portfolio.routes.report_hours import HoursReportController
from portfolio.routes.report_participation import ParticipationController, ProfileEditController, ProfilesController
from portfolio.routes.report_summary import SummaryController
from portfolio.routes.reports import ReportsController
from portfolio.routes.requests import RequestController
from portfolio.routes.roster import RosterController
from portfolio.routes.schools import OwnSchoolController, SchoolsController, SchoolThemeController
from portfolio.routes.sharing import SharingController
from portfolio.routes.staff import StaffController
from portfolio.routes.student import StudentController
from portfolio.routes.verify import VerifyController
from portfolio.routes.visitor import VisitorController
from portfolio.security import CachePolicy, SecurityHeaders
from portfolio.services.emails import Emails
from portfolio.services.outbox import Sealer, Worker
from portfolio.services.passwords import Hasher
from portfolio.services.throttle import DatabaseCounters, RedisCounters, Throttle
from portfolio.settings import Settings, get_settings
from portfolio.storage import make_store as make_evidence_store
from portfolio.templating import configure_templates

HERE = Path(__file__).parent


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    store = make_store(settings)
    evidence_store = make_evidence_store(settings)
    sessions = Sessions(store, settings)
    hasher = Hasher(settings.argon2_time_cost, settings.argon2_memory_kib)
    mailer = make_mailer(settings)
    sealer = Sealer(settings.secret_key)
    # Inline, this process delivers the outbox too, woken as soon as a message is committed; external, a
    # `portfolio worker` process does (several app processes may each run one: a lease keeps them apart).
    worker = Worker(mailer, sealer, poll_seconds=settings.mail_poll_seconds) if settings.mail_worker == "inline" else None
    emails = Emails(settings.base_url, sealer, wake=worker.wake if worker else None)
    # Attempts are counted where every app process sees them: in Redis when there is one, else in the database.
    counters = RedisCounters(aioredis.Redis.from_url(settings.redis_url)) if settings.redis_url else DatabaseCounters()
    throttle = Throttle(counters, max_delay=settings.throttle_max_delay_seconds)
    bundled()  # the static files' hashed names, worked out before the first page links them

    route_handlers = [
        # Anyone: health, the installable app and its static files, signing in and out, the landing redirect.
        HealthController,
        PwaController,
        StaticController,
        AccountController,
        HomeController,
        # Students: dashboard and entries, their files, certifications, asking for verification, sharing,
        # and the JSON API the offline queue speaks.
        StudentController,
        PlanController,
        StudentEvidenceController,
        CertificationController,
        RequestController,
        SharingController,
        ExploreController,
        ApiController,
        StudentFeedbackController,
        MeController,
        CheckInController,
        MyCelebrationsController,
        # Mentors, employers, staff and admins.
        MentorController,
        EmployerController,
        StaffController,
        CounselingController,
        PeopleController,
        PartnersController,
        InteractionsController,
        PartnerOwnersController,
        PartnerDocumentsController,
        PartnerImportController,
        RosterController,
        ReportsController,
        CelebrationsController,
        StudentCelebrationsController,
        ParticipationController,
        ProfilesController,
        ProfileEditController,
        HoursReportController,
        SummaryController,
        PartnerNamesController,
        PartnerSuggestionsController,
        ProgramsController,
        SessionsController,
        SessionMarksController,
        OpportunitiesController,
        StaffPlacementsController,
        StudentPlacementsController,
        SchoolsController,
        OwnSchoolController,
        SchoolThemeController,
        MessagesController,
        StaffFeedbackController,
        # People without an account: a supervisor's e-mailed link, a share link's visitor and a guardian,
        # and the public check page of a printed PDF.
        VerifyController,
        PlacementLinkController,
        VisitorController,
        DocumentController,
        PartnerFeedbackController,
        PermissionSlipController,
        # Files and documents, for whoever the evidence policy allows.
        EvidenceController,
        DownloadController,
        PartnerDocumentFileController,
    ]
    if settings.demo and isinstance(mailer, OutboxMailer):
        route_handlers.append(OutboxController)

    async def start_worker() -> None:
        if worker is not None:
            worker.start()

    async def stop_worker() -> None:
        if worker is not None:
            await worker.stop()

    async def close_store() -> None:
        if isinstance(store, RedisStore):
            await store.__aexit__(None, None, None)
        if isinstance(counters, RedisCounters):
            await counters.close()
        await evidence_store.close()

    return Litestar(
        route_handlers=route_handlers,
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "sessions": Provide(lambda: sessions, use_cache=True, sync_to_thread=False),
            "hasher": Provide(lambda: hasher, use_cache=True, sync_to_thread=False),
            "emails": Provide(lambda: emails, use_cache=True, sync_to_thread=False),
            "throttle": Provide(lambda: throttle, use_cache=True, sync_to_thread=False),
            "store": Provide(lambda: evidence_store, use_cache=True, sync_to_thread=False),
            **user_dependencies(),
        },
        plugins=[HTMXPlugin()],
        compression_config=compression_config(),
        middleware=[
            DefineMiddleware(SessionMiddleware, sessions=sessions),
            CsrfMiddleware,
        ],
        template_config=TemplateConfig(
            directory=HERE / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates(settings),
        ),
        exception_handlers={
            NotAuthorizedException: errors.not_signed_in,
            PermissionDeniedException: errors.refused,
            HTTPException: errors.http_error,
            DomainError: errors.domain_error,
            Exception: errors.server_error,
        },
        before_request=ids_in_range,
        before_send=[SecurityHeaders(settings, evidence_store.origin), CachePolicy()],
        on_startup=[db.open_database, start_worker],
        on_shutdown=[stop_worker, db.close_database, close_store],
        state=State({"settings": settings, "mailer": mailer}),
        request_max_body_size=1024 * 1024,
        openapi_config=None,
        debug=False,
    )


def create_app_from_env() -> Litestar:
    """Entry point for `uvicorn --factory portfolio.app:create_app_from_env`."""
    return create_app()

