"""portfolio: migrate, seed-demo, seed-district, create-user, import-roster, remind, fsck, serve, worker."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import click

from portfolio.settings import get_settings


def _run(coroutine_factory):
    """Run a coroutine with the database opened and closed around it."""
    from portfolio import db

    async def main():
        await db.open_database()
        try:
            return await coroutine_factory()
        finally:
            await db.close_database()

    return asyncio.run(main())


def _emails(settings):
    """The Emails service for a command: messages are queued in the outbox; a worker delivers them."""
    from portfolio.services.emails import Emails
    from portfolio.services.outbox import Sealer

    return Emails(settings.base_url, Sealer(settings.secret_key))


def _worker(settings, **options):
    from portfolio.mail import make_mailer
    from portfolio.services.outbox import Sealer, Worker

    return Worker(make_mailer(settings), Sealer(settings.secret_key), poll_seconds=settings.mail_poll_seconds, **options)


@click.group()
def main() -> None:
    """Career Portfolio."""


@main.command()
def migrate() -> None:
    """Run every database migration forwards."""
    from portfolio import db

    asyncio.run(db.migrate())


@main.command("seed-demo")
def seed_demo() -> None:
    """Load demo data into an empty database (only with PORTFOLIO_DEMO=1)."""
    from portfolio.services import demo
    from portfolio.services.passwords import Hasher

    settings = get_settings()
    if not settings.demo:
        raise click.ClickException("Demo data is loaded only when PORTFOLIO_DEMO=1.")
    hasher = Hasher(settings.argon2_time_cost, settings.argon2_memory_kib)
    seeded = _run(lambda: demo.seed(hasher, _emails(settings)))
    click.echo("Demo data loaded." if seeded else "The database already has users; demo data not loaded.")


@main.command("seed-district")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.0001, 10),
              help="1.0 is 8 schools, 20,000 students and 400,000 entries; everything else grows with it.")
@click.option("--seed", "seed", default=2026, show_default=True, help="The same seed makes the same district.")
@click.option("--no-files", is_flag=True, help="Leave the evidence files out (their rows stay).")
def seed_district(scale: float, seed: int, no_files: bool) -> None:
    """Load a made-up district of full size into an empty database (only with PORTFOLIO_DEMO=1)."""
    from portfolio.services import district
    from portfolio.services.demo import DEMO_PASSWORD
    from portfolio.services.passwords import Hasher
    from portfolio.storage import make_store

    settings = get_settings()
    if not settings.demo:
        raise click.ClickException("District data is loaded only when PORTFOLIO_DEMO=1.")
    password_hash = asyncio.run(Hasher(settings.argon2_time_cost, settings.argon2_memory_kib).hash(DEMO_PASSWORD))
    store = None if no_files else make_store(settings)

    async def work():
        try:
            return await district.seed(password_hash, store, scale, seed)
        finally:
            if store is not None:
                await store.close()

    summary = _run(work)
    if summary is None:
        raise click.ClickException("The database already has users; district data not loaded.")
    for label, count in summary.counts.items():
        click.echo(f"{label}: {count:,}")
    click.echo(f"District data loaded in {summary.seconds:.1f} s; every account's password is {DEMO_PASSWORD}.")


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(["student", "mentor", "employer", "staff", "admin"]))
@click.option("--school-id", type=int, default=None)
@click.option("--organization-id", type=int, default=None)
def create_user(email: str, name: str, roles: tuple[str, ...], school_id: int | None, organization_id: int | None) -> None:
    """Create an account and print its one-time link to choose a password (e.g. the first admin)."""
    from portfolio.parse import is_email, normalize_email
    from portfolio.services import accounts

    if not is_email(normalize_email(email)):
        raise click.BadParameter("give exactly one e-mail address, like name@district.org", param_hint="--email")
    settings = get_settings()

    async def work() -> str:
        user_id = await accounts.create_user(email, name, roles, school_id=school_id, organization_id=organization_id)
        return await accounts.issue_token(user_id, "invite", timedelta(days=settings.invite_token_days))

    token = _run(work)
    click.echo(f"Open this link to choose the password: {settings.base_url}/invite/{token}")


@main.command("import-roster")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--as", "admin_email", required=True, help="The administrator the import is recorded as.")
@click.option("--allow-large", is_flag=True, help="Apply even when more than 10% of a school's people would leave.")
@click.option("--invite", is_flag=True, help="E-mail an invitation to each person the import adds.")
def import_roster(folder: Path, admin_email: str, allow_large: bool, invite: bool) -> None:
    """Import the OneRoster CSV files (or ZIP) an SIS drops in FOLDER, as a full roster, without a dry-run stop
    (for a nightly schedule). Refuses, writing nothing, when more than 10% of a school would leave."""
    from portfolio.errors import FormErrors
    from portfolio.services import accounts
    from portfolio.services.roster import imports

    settings = get_settings()

    async def work():
        admin = await accounts.admin_by_email(admin_email)
        if admin is None:
            raise click.ClickException(f"{admin_email} is not an active administrator's address.")
        return await imports.from_folder(admin, folder, allow_large, _emails(settings) if invite else None,
                                         timedelta(days=settings.invite_token_days))

    try:
        outcome = _run(work)
    except FormErrors as problem:
        raise click.ClickException(problem.message) from None
    counts = outcome.plan.counts
    click.echo(", ".join(f"{label}: {counts[key]}" for key, label in (
        ("create", "Added"), ("update", "Changed"), ("unchanged", "Unchanged"), ("deactivate", "Deactivated"),
        ("graduate", "Alumni"), ("link", "Guardians linked"), ("refused", "Refused"))) + ".")
    for row in (r for r in outcome.plan.rows if r.outcome == "refused"):
        click.echo(f"  {row.file} row {row.number}: " + " ".join(row.reasons))
    if not outcome.written:
        for school_id, (leaving, there) in outcome.plan.large.items():
            click.echo(f"{outcome.plan.schools[school_id]}: {leaving} of {there} people would leave.", err=True)
        raise click.ClickException("More than 10% of a school would leave; nothing was written. Check the files, "
                                   "or run again with --allow-large.")


@main.command()
def remind() -> None:
    """Send due reminders to workplace supervisors, certification expiry reminders to students (60 and 14
    days before), and the daily digests to mentors, employers and staff with partner follow-ups due (run it
    daily; running it twice the same day sends no second follow-ups digest)."""
    from portfolio.services import certifications, sharing, signoff
    from portfolio.services.opportunities import reminders as opportunity_reminders
    from portfolio.services.partners import follow_ups
    from portfolio.services.placements import jobs as placement_jobs

    settings = get_settings()
    emails = _emails(settings)

    async def work() -> tuple[int, int]:
        reminders = await signoff.send_reminders(emails) + await certifications.send_expiry_reminders(emails)
        reminders += await opportunity_reminders.send_reminders(emails)
        reminders += await placement_jobs.daily(emails)
        counts = reminders, (await signoff.send_digests(emails) + await sharing.send_employer_digests(emails)
                            + await follow_ups.send_digests(emails))
        # Queued like every e-mail; delivered here at once too, so the job needs no server running beside it
        # (a worker that also picks them up is harmless: each message is claimed by one).
        await _worker(settings).run_once()
        return counts

    reminders, digests = _run(work)
    click.echo(f"Reminders sent: {reminders}. Digests sent: {digests}.")


@main.command()
@click.option("--fix", is_flag=True, help="Delete unnamed files older than an hour; make missing thumbnails again.")
def fsck(fix: bool) -> None:
    """Check evidence: rows whose files are missing, and files no row names."""
    from portfolio.services import evidence
    from portfolio.storage import make_store

    store = make_store(get_settings())

    async def work() -> dict[str, list[str]]:
        try:
            return await evidence.fsck(store, fix=fix)
        finally:
            await store.close()

    report = _run(work)
    labels = {
        "missing_original": "Rows whose original file is missing",
        "missing_preview": "Rows whose thumbnail is missing",
        "orphaned": "Files that no row names",
        "fixed": "Repaired",
    }
    for name, label in labels.items():
        click.echo(f"{label}: {len(report[name])}")
        for line in report[name]:
            click.echo(f"  {line}")
    if report["missing_original"]:
        raise SystemExit(1)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes answering on the port; a district runs one or two per core, on PostgreSQL and Redis.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app on one port, in one process or several (--workers)."""
    import uvicorn

    from portfolio.logs import server_log_config

    # The workers share nothing in memory: sessions, sign-in attempts and the outbox live in the store and
    # the database. Read once here, the settings make var/'s secret key before any worker needs it.
    get_settings()
    uvicorn.run(
        "portfolio.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=server_log_config(workers),
    )


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def worker(once: bool) -> None:
    """Deliver the e-mail outbox (with PORTFOLIO_MAIL_WORKER=external; run one or several)."""
    import logging
    import signal

    from portfolio.logs import RedactSecrets

    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=[handler])
    settings = get_settings()
    delivery = _worker(settings)

    async def work() -> int:
        if once:
            return await delivery.run_once()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sign in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sign, stopped.set)
        delivery.start()
        click.echo("Delivering the outbox; stop with Ctrl-C or SIGTERM.")
        await stopped.wait()
        await delivery.stop()
        return 0

    sent = _run(work)
    if once:
        click.echo(f"Sent: {sent}.")
