"""`portfolio seed-district`: a made-up district whose size follows its scale, always the same for the same seed,
consistent the way the app reads it, and whose named accounts sign in and see their pages."""

from __future__ import annotations

from collections import Counter
from contextlib import AsyncExitStack

from portfolio.partner_tables import PartnerContact, PartnerInteraction, PartnerSchool
from portfolio.placement_tables import Placement
from portfolio.services import district, signoff
from portfolio.services.accounts import load_user
from portfolio.services.demo import DEMO_PASSWORD
from portfolio.services.district.bulk import SCHOOLS, Sizes
from portfolio.services.placements import agreement
from portfolio.services.placements import scope as placement_scope
from portfolio.storage import make_store
from portfolio.tables import Evidence, Experience, Organization, SignOff, User
from tests.factories import counting_queries, sign_in
from tests.live import fresh_environment, run_cli

SCALE = 0.002


async def _seed(hasher, settings, scale: float = SCALE):
    store = make_store(settings)
    try:
        return await district.seed(await hasher.hash(DEMO_PASSWORD), store, scale)
    finally:
        await store.close()


async def _user(email: str):
    row = await User.select(User.id).where(User.email == email).first()
    assert row is not None, email
    return await load_user(row["id"])


async def test_a_small_district_has_what_its_scale_says_and_reads_consistently(hasher, settings):
    summary = await _seed(hasher, settings)
    sizes = Sizes(SCALE)
    counts = summary.counts
    assert (counts["schools"], counts["entries"], counts["sign-offs"], counts["evidence files"], counts["certifications"],
            counts["partners"], counts["contacts"], counts["mentor assignments"]) == (
        SCHOOLS, sizes.entries, sizes.signoffs, sizes.evidence, sizes.certifications, sizes.partners, sizes.contacts,
        sizes.students)
    assert sizes.entries == 20 * sizes.students == 800
    assert counts["shares"] > 0 and counts["interactions"] > 0 and counts["board seats"] > 0

    # Every sign-off names its entry's hash and status, and the app's own rule reads each entry as stored.
    signed = await SignOff.select(SignOff.content_hash, SignOff.decision, SignOff.experience.content_hash.as_alias("hash"),
                                  SignOff.experience.status.as_alias("status"))
    assert signed and all(s["content_hash"] == s["hash"] and s["decision"] == s["status"] for s in signed)
    student = await _user(district.ACCOUNTS["student"])
    record = await signoff.student_record(student)
    assert len(record["entries"]) == 20
    assert all(e["verification"]["state"] == e["status"] for e in record["entries"])
    states = [e["status"] for e in record["entries"]]
    assert states.count("verified") >= 8 and "submitted" in states and "changes_requested" in states
    file = await Evidence.select(Evidence.storage_key, Evidence.thumb_key).first()
    store = make_store(settings)
    assert await store.exists(file["storage_key"]) and await store.exists(file["thumb_key"])

    mentor = await _user(district.ACCOUNTS["mentor"])
    queue = await signoff.mentor_queue(mentor)
    assert len(queue) >= 2 and all(item["entry"]["status"] == "submitted" for item in queue)
    assert await district.seed("x", None, SCALE) is None  # never into a database with users

    # Placing students: opportunities with seats taken and a waitlist, rosters marked, and placements whose
    # agreements the app reads as signed over the text it makes itself.
    assert counts["opportunities"] >= SCHOOLS and counts["sign-ups"] > counts["opportunities"] and counts["placements"] > 0
    assert counts["attendance marks"] > 0
    placed = await Placement.select(Placement.id)
    assert placed
    for row in placed:
        found = await placement_scope.by_id(row["id"])
        assert (await agreement.current(found))[1] == found["agreement_hash"], found["title"]
        state = await agreement.state(found)
        assert state["complete"] == (found["status"] != "awaiting_signatures"), (found["status"], state)


async def test_the_named_accounts_sign_in_and_the_partner_pages_open_in_as_many_queries_small_or_large(hasher, settings, make_client):
    await _seed(hasher, settings)
    staff = await _user(district.ACCOUNTS["staff"])
    own = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        PartnerSchool.school == staff.school_id).order_by(PartnerSchool.id).first()
    other = await PartnerSchool.select(PartnerSchool.id).where(PartnerSchool.school != staff.school_id).first()
    pages = {"staff": ["/staff/partners", f"/staff/partners?q={own['name'].split()[0]}", f"/staff/partners/{own['id']}"],
             "mentor": ["/mentor"], "employer": ["/employer"], "student": ["/student"]}
    async with AsyncExitStack() as stack:
        browsers: dict[str, object] = {}

        async def browser(email: str):
            if email not in browsers:
                browsers[email] = await stack.enter_async_context(make_client())
                assert (await sign_in(browsers[email], email, DEMO_PASSWORD)).status_code == 303, email
            return browsers[email]

        for who, paths in pages.items():
            client = await browser(district.ACCOUNTS[who])
            for path in paths:
                page = await client.get(path)
                assert page.status_code == 200, (who, path)
            if who == "staff":
                assert own["name"] in page.text
                assert (await client.get(f"/staff/partners/{other['id']}")).status_code == 404
            if who == "employer":
                assert page.text.count("/employer/students/") >= 1

        # The directory and a partner's page take the same queries, counted on the district's own spread: the
        # largest school's directory against the smallest's, and the partner with the most contacts and
        # interactions against the one with the fewest.
        partners = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.school)
        schools = Counter(p["school"] for p in partners).most_common()
        assert schools[-1][1] < schools[0][1]
        staff_of = [(await User.select(User.email).where((User.school == school) & User.roles.any("staff"))
                     .order_by(User.id).first())["email"] for school, _ in (schools[-1], schools[0])]
        held = Counter([c["partner"] for c in await PartnerContact.select(PartnerContact.partner)]
                       + [i["partner"] for i in await PartnerInteraction.select(PartnerInteraction.partner)])
        sizes = sorted((held[p["id"]], p["id"]) for p in partners)
        assert sizes[0][0] < sizes[-1][0]

        async def queries(email: str, path: str) -> int:
            client = await browser(email)
            async with counting_queries() as seen:
                assert (await client.get(path)).status_code == 200
            return len(seen)

        directory = [await queries(email, "/staff/partners") for email in staff_of]
        assert directory[0] == directory[1], directory
        admin = district.ACCOUNTS["admin"]
        pages = [await queries(admin, f"/staff/partners/{partner}") for _, partner in (sizes[0], sizes[-1])]
        assert pages[0] == pages[1], pages
    assert pages[0] == pages[1], pages


async def test_the_same_seed_makes_the_same_district(hasher, settings, database):
    async def snapshot():
        return ((await _seed(hasher, settings, 0.001)).counts,
                [u["email"] + u["name"] for u in await User.select(User.email, User.name).order_by(User.id)],
                [o["name"] for o in await Organization.select(Organization.name).order_by(Organization.id)],
                [(e["title"], e["status"], e["content_hash"]) for e in await Experience.select(
                    Experience.title, Experience.status, Experience.content_hash).order_by(Experience.id)])

    first = await snapshot()
    await database.empty()
    assert await snapshot() == first


def test_the_command_needs_demo_mode_and_an_empty_database():
    with fresh_environment({"PORTFOLIO_DEMO": ""}) as (env, _):
        assert run_cli(env, "migrate").returncode == 0
        refused = run_cli(env, "seed-district", "--scale", "0.001")
        assert refused.returncode != 0 and "only when PORTFOLIO_DEMO=1" in refused.stderr
        env["PORTFOLIO_DEMO"] = "1"
        made = run_cli(env, "seed-district", "--scale", "0.001", "--no-files")
        assert made.returncode == 0, made.stderr
        assert "entries: 400" in made.stdout and "District data loaded in" in made.stdout
