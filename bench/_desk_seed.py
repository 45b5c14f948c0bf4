"""Seed data for bench/desk_api.py: a mall account's directory (ORM / services) and its tickets,
comments and events (set-based SQL inside the account's schema, not 100,000 service calls).

Everything here runs inside `schema_context(schema)` of the account being seeded.
"""

from __future__ import annotations

import datetime as dt
import time

PASSWORD = "Bench-password-2026"
BRANDS = [
    "Coffee Point",
    "Book House",
    "Urban Shoes",
    "Green Grocer",
    "Tech Corner",
    "Kids World",
    "Sport Line",
    "Beauty Lab",
    "Home Decor",
    "Pet Shop",
    "Optic Vision",
    "Toy Planet",
    "Denim Co",
    "Tea Garden",
    "Phone Fix",
    "Flower Bar",
    "Sushi Go",
    "Burger Hut",
    "Pharmacy 24",
    "Jewel Box",
]
SEARCH_WORD = "escalator"  # appears in some breakdown titles (the ?q= list)

TITLES = {
    "leak": [
        "Water leaking from the ceiling",
        "Pipe dripping under the sink",
        "Leak near the fitting room",
        "Water on the floor by the restroom",
        "Протечка с потолка",
        "Radiator is leaking",
    ],
    "breakdown": [
        "Door closer broken",
        "Lighting does not work",
        "Escalator stopped",
        "Roller shutter stuck",
        "Socket sparks",
        "Не работает освещение",
        "Escalator handrail squeaks",
        "Lift button broken",
    ],
    "dirt": ["Spill in the corridor", "Bins overflowing", "Dirty storefront glass", "Грязно у входа"],
    "climate": ["Too hot in the shop", "Too cold at the entrance", "Air conditioning is noisy", "Душно"],
    "no_water": ["No water in the restroom", "No hot water", "Нет воды в санузле"],
    "works_permit": ["Permit for shop fit-out", "Electrical works at night", "Repair of the storefront"],
    "goods_in": ["New collection delivery", "Furniture delivery", "Завоз товара"],
    "goods_out": ["Return of goods to the warehouse", "Removal of old shelving"],
    "marketing_event": ["Promo stand on the weekend", "Kids' party in the atrium"],
    "pass": ["Pass for a new seller", "Temporary pass for a contractor", "Пропуск для курьера"],
}
# (weight, assigned at creation by a least-open/round-robin rule)
TYPE_MIX = {
    "leak": (15, True),
    "breakdown": (25, True),
    "dirt": (15, True),
    "climate": (10, True),
    "no_water": (5, True),
    "works_permit": (8, False),
    "goods_in": (7, False),
    "goods_out": (5, False),
    "marketing_event": (3, False),
    "pass": (7, False),
}
TYPE_GROUP = {
    "leak": "plumbing",
    "no_water": "plumbing",
    "breakdown": "engineering",
    "climate": "engineering",
    "dirt": "cleaning",
    "works_permit": "engineering",
    "goods_in": "operations",
    "goods_out": "operations",
    "marketing_event": "marketing",
    "pass": "security",
}
# share of each category among tickets of the last 30 days / older ones
RECENT = {"new": 0.15, "open": 0.35, "waiting": 0.10, "resolved": 0.20, "closed": 0.15, "cancelled": 0.05}
OLD = {"new": 0.005, "open": 0.015, "waiting": 0.01, "resolved": 0.05, "closed": 0.85, "cancelled": 0.07}

DESCRIPTIONS = [
    "Noticed this morning before opening, please send someone as soon as possible.",
    "Customers complained about it twice today; the manager asked to fix it before the weekend.",
    "It started after yesterday's works next door. Photos are with the shift manager.",
    "Заметили утром перед открытием, просьба прислать специалиста как можно скорее.",
    "The problem comes back every few days; last time it was fixed only temporarily.",
]
COMMENTS = [
    "On my way, will be there in fifteen minutes.",
    "Checked on site, parts are needed; ordered them from the warehouse.",
    "Fixed, please confirm everything works now.",
    "Still happening after the repair, please come back.",
    "Мастер был на месте, всё исправлено.",
    "Access to the unit is only possible after closing time.",
    "Contractor scheduled for tomorrow morning.",
]
FIELDS_SQL = {
    "leak": "jsonb_build_object('severity', (ARRAY['drip','stream','flood'])[1 + floor(r_f1 * 3)::int])",
    "breakdown": "'{}'::jsonb",
    "dirt": "'{}'::jsonb",
    "climate": (
        "jsonb_build_object('feeling', (ARRAY['too_hot','too_cold'])[1 + floor(r_f1 * 2)::int],"
        " 'temperature', 16 + floor(r_f2 * 14)::int)"
    ),
    "no_water": "jsonb_build_object('hot_or_cold', (ARRAY['hot','cold','both'])[1 + floor(r_f1 * 3)::int])",
    "works_permit": (
        "jsonb_build_object('works_kind', (ARRAY['repair','electrical','fit_out','dismantling','other'])"
        "[1 + floor(r_f1 * 5)::int], 'start', to_char(created + interval '2 days', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00'),"
        " 'finish', to_char(created + interval '3 days', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00'),"
        " 'contractor', 'Stroy Service LLC', 'hot_works', r_f2 < 0.1)"
    ),
    "goods_in": (
        "jsonb_build_object('when', to_char(created + interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00'),"
        " 'goods', 'Boxes with the new collection', 'vehicle_plate', 'A' || (100 + floor(r_f1 * 899)::int) || 'BC77',"
        " 'loaders', floor(r_f2 * 4)::int)"
    ),
    "goods_out": (
        "jsonb_build_object('when', to_char(created + interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00'),"
        " 'goods', 'Old shelving', 'vehicle_plate', 'B' || (100 + floor(r_f1 * 899)::int) || 'KX99')"
    ),
    "marketing_event": (
        "jsonb_build_object('event_date', to_char(created + interval '10 days', 'YYYY-MM-DD'), 'place', 'Atrium')"
    ),
    "pass": (
        "jsonb_build_object('pass_kind', (ARRAY['permanent','temporary'])[1 + floor(r_f1 * 2)::int],"
        " 'person_name', 'Ivan Petrov', 'valid_from', to_char(created, 'YYYY-MM-DD'))"
    ),
}


def seed_directory(schema: str) -> dict:
    """~40 companies, a location tree (site / 2 buildings / 3 floors / 30 units), 20 agents in
    groups, 200 requesters of the companies. Returns ids the benchmark needs."""
    from django.contrib.auth.hashers import make_password

    from tenant_apps.objects.services import save_location
    from tenant_apps.people.models import Company, ResponsibilityGroup, Role, User
    from tenant_apps.people.services import create_person

    companies = Company.objects.bulk_create(
        [Company(name=f"{BRANDS[i % len(BRANDS)]} {i // len(BRANDS) + 1}", kind="tenant") for i in range(40)]
    )
    site = save_location(location=None, data={"kind": "site", "name": "Mall"})
    units = []
    for b in "AB":
        building = save_location(
            location=None, data={"kind": "building", "name": f"Building {b}", "parent": site}
        )
        for f in range(1, 4):
            floor = save_location(
                location=None, data={"kind": "floor", "name": f"{b} floor {f}", "parent": building}
            )
            for u in range(1, 31):
                company = companies[len(units) % len(companies)] if u <= 24 else None
                units.append(
                    save_location(
                        location=None,
                        data={"kind": "unit", "name": f"{b}{f}-{u:02d}", "parent": floor, "company": company},
                    )
                )
    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    agents_spec = (
        [("dispatcher", Role.DISPATCHER, "operations")] * 3
        + [("plumber", Role.ENGINEER, "plumbing")] * 6
        + [("engineer", Role.ENGINEER, "engineering")] * 7
        + [("cleaner", Role.ENGINEER, "cleaning")] * 2
        + [("guard", Role.GUARD, "security")] * 2
    )
    people: dict[str, list] = {}
    for i, (kind, role, group) in enumerate(agents_spec):
        person = create_person(
            email=f"{kind}{i}@{schema}.example",
            full_name=f"{kind.title()} {i}",
            password=None,
            role=role,
            validate=False,
        )
        groups[group].members.add(person)
        people.setdefault(kind, []).append(person)
    requesters = []
    for i in range(200):
        company = companies[i % len(companies)]
        role = Role.KEY_USER if i < len(companies) else Role.EMPLOYEE
        person = create_person(
            email=f"{role}{i}@{schema}.example",
            full_name=f"Requester {i}",
            password=None,
            role=role,
            validate=False,
        )
        requesters.append((person.pk, company.pk, role))
    for pk, company_id, _role in requesters:
        User.objects.filter(pk=pk).update(company_id=company_id)
    # One Argon2 hash for everyone (200+ hashes would only cost seconds; logins are not measured).
    User.objects.update(password=make_password(PASSWORD))
    key_user = User.objects.get(pk=requesters[0][0])
    return {
        "dispatcher_email": people["dispatcher"][0].email,
        "key_user_email": key_user.email,
        "unit_ids": [u.pk for u in units],
        "unit_of_key_user": next(u.pk for u in units if u.company_id == key_user.company_id),
        "plumbing_id": groups["plumbing"].pk,
        "requesters": requesters,
        "groups": {code: g.pk for code, g in groups.items()},
        "members": {
            code: list(g.members.order_by("id").values_list("id", flat=True)) for code, g in groups.items()
        },
        "units": [(u.pk, u.name) for u in units],
    }


def _cumulative(shares: dict[str, float], statuses: list[tuple[int, str, str]]) -> dict[int, tuple]:
    """Split each category's share evenly among its statuses; [lo, hi) ranges per status id."""
    out, lo = {}, 0.0
    for category, share in shares.items():
        members = [s for s in statuses if s[1] == category]
        for status_id, _cat, _key in members:
            hi = lo + share / len(members)
            out[status_id] = (lo, hi)
            lo = hi
    last = max(out, key=lambda k: out[k][1])
    out[last] = (out[last][0], 1.0 + 1e-9)  # rounding: the top status takes what is left
    return out


def seed_tickets(schema: str, directory: dict, count: int) -> dict[str, float]:
    """INSERT ... SELECT FROM generate_series: tickets, comments (~1 per ticket), events
    (created, status_changed, commented: ~3 per ticket), the search vectors, then VACUUM ANALYZE."""
    from django.db import connection, transaction

    from tenant_apps.desk.models import Status, TicketType

    timings: dict[str, float] = {}
    types = {t.code: t for t in TicketType.objects.select_related("workflow")}
    statuses: dict[int, list[tuple[int, str, str]]] = {}
    initial_key: dict[int, str] = {}
    for st in Status.objects.all():
        statuses.setdefault(st.workflow_id, []).append((st.pk, st.category, st.key))
        if st.is_initial:
            initial_key[st.workflow_id] = st.key
    total_weight = sum(w for w, _ in TYPE_MIX.values())
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=730)
    step = (now - start).total_seconds() / count

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_types (type_id bigint, code text, workflow_id bigint, group_id bigint,"
            " nmembers int, assigns bool, lo float8, hi float8, titles text[], priority int) ON COMMIT DROP"
        )
        lo = 0.0
        rows = []
        for code, (weight, assigns) in TYPE_MIX.items():
            t = types[code]
            group = TYPE_GROUP[code]
            hi = lo + weight / total_weight
            rows.append(
                (
                    t.pk,
                    code,
                    t.workflow_id,
                    directory["groups"][group],
                    len(directory["members"][group]),
                    assigns,
                    lo,
                    hi if code != "pass" else 1.0 + 1e-9,
                    TITLES[code],
                    t.default_priority,
                )
            )
            lo = hi
        cur.executemany("INSERT INTO bench_types VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
        cur.execute(
            "CREATE TEMP TABLE bench_status (workflow_id bigint, status_id bigint, category text, key text,"
            " recent_lo float8, recent_hi float8, old_lo float8, old_hi float8) ON COMMIT DROP"
        )
        rows = []
        for workflow_id, sts in statuses.items():
            recent, old = _cumulative(RECENT, sts), _cumulative(OLD, sts)
            for status_id, category, key in sts:
                rows.append((workflow_id, status_id, category, key, *recent[status_id], *old[status_id]))
        cur.executemany("INSERT INTO bench_status VALUES (%s,%s,%s,%s,%s,%s,%s,%s)", rows)
        cur.execute(
            "CREATE TEMP TABLE bench_members (group_id bigint, idx int, user_id bigint) ON COMMIT DROP"
        )
        cur.executemany(
            "INSERT INTO bench_members VALUES (%s,%s,%s)",
            [
                (directory["groups"][code], i, pk)
                for code, pks in directory["members"].items()
                for i, pk in enumerate(pks)
            ],
        )
        cur.execute("CREATE TEMP TABLE bench_req (idx int, user_id bigint, company_id bigint) ON COMMIT DROP")
        cur.executemany(
            "INSERT INTO bench_req VALUES (%s,%s,%s)",
            [(i, pk, company) for i, (pk, company, _role) in enumerate(directory["requesters"])],
        )
        cur.execute("CREATE TEMP TABLE bench_units (idx int, location_id bigint, name text) ON COMMIT DROP")
        cur.executemany(
            "INSERT INTO bench_units VALUES (%s,%s,%s)",
            [(i, pk, name) for i, (pk, name) in enumerate(directory["units"])],
        )
        cur.execute(
            "ANALYZE bench_types; ANALYZE bench_status; ANALYZE bench_members; ANALYZE bench_req;"
            " ANALYZE bench_units"
        )
        fields_case = (
            "CASE code "
            + " ".join(f"WHEN '{code}' THEN {expr}" for code, expr in FIELDS_SQL.items())
            + " END"
        )
        cur.execute(
            f"""
            WITH base AS MATERIALIZED (
                SELECT i,
                       %(start)s::timestamptz + (i - random()) * %(step)s * interval '1 second' AS created,
                       random() AS r_type, random() AS r_status, random() AS r_member, random() AS r_req,
                       random() AS r_unit, random() AS r_title, random() AS r_desc, random() AS r_f1,
                       random() AS r_f2, random() AS r_prio, random() AS r_dur, random() AS r_chan
                  FROM generate_series(1, %(n)s) AS i
            ), typed AS MATERIALIZED (
                SELECT b.*, t.type_id, t.code, t.workflow_id, t.group_id, t.nmembers, t.assigns,
                       t.titles, t.priority,
                       b.created > %(now)s::timestamptz - interval '30 days' AS recent
                  FROM base b JOIN bench_types t ON b.r_type >= t.lo AND b.r_type < t.hi
            ), picked AS MATERIALIZED (
                SELECT ty.*, s.status_id, s.category, r.user_id AS requester_id, r.company_id,
                       u.location_id, u.name AS unit_name,
                       CASE WHEN ty.assigns OR s.category <> 'new' THEN m.user_id END AS assignee_id
                  FROM typed ty
                  JOIN bench_status s ON s.workflow_id = ty.workflow_id
                   AND ty.r_status >= CASE WHEN ty.recent THEN s.recent_lo ELSE s.old_lo END
                   AND ty.r_status < CASE WHEN ty.recent THEN s.recent_hi ELSE s.old_hi END
                  JOIN bench_req r ON r.idx = floor(ty.r_req * %(nreq)s)::int
                  JOIN bench_units u ON u.idx = floor(ty.r_unit * %(nunits)s)::int
                  LEFT JOIN bench_members m ON m.group_id = ty.group_id
                   AND m.idx = floor(ty.r_member * greatest(ty.nmembers, 1))::int
            ), timed AS (
                SELECT p.*,
                       CASE WHEN p.category = 'new'
                            THEN least(p.created + p.r_dur * interval '2 hours', %(now)s::timestamptz)
                            ELSE least(p.created + p.r_dur * interval '6 days', %(now)s::timestamptz)
                       END AS updated
                  FROM picked p
            )
            INSERT INTO desk_ticket (number, ticket_type_id, title, description, status_id, category,
                                     is_open, priority, requester_id, company_id, location_id, group_id,
                                     assignee_id, fields, channel, created_at, updated_at, resolved_at,
                                     closed_at, confirmation_state, returned_reason, rating_comment,
                                     rated_by_name)
            SELECT nextval('desk_ticket_number_seq'), type_id,
                   titles[1 + floor(r_title * array_length(titles, 1))::int] || ' — ' || unit_name,
                   (%(descriptions)s::text[])[1 + floor(r_desc * %(ndesc)s)::int],
                   status_id, category, category IN ('new', 'open', 'waiting'),
                   CASE WHEN r_prio < 0.04 THEN 4 WHEN r_prio < 0.10 THEN 3 WHEN r_prio > 0.95 THEN 1
                        ELSE priority END,
                   requester_id, company_id, location_id, group_id, assignee_id, {fields_case},
                   (ARRAY['web','web','web','api','email','telegram','qr','phone'])[1 + floor(r_chan * 8)::int],
                   created, updated,
                   CASE WHEN category IN ('resolved', 'closed')
                        THEN created + (updated - created) * 0.7 END,
                   CASE WHEN category IN ('closed', 'cancelled') THEN updated END,
                   '', '', '', ''
              FROM timed
             ORDER BY i
            """,
            {
                "start": start,
                "step": step,
                "n": count,
                "now": now,
                "nreq": len(directory["requesters"]),
                "nunits": len(directory["units"]),
                "descriptions": DESCRIPTIONS,
                "ndesc": len(DESCRIPTIONS),
            },
        )
        timings["tickets"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        cur.execute(
            """
            WITH k AS MATERIALIZED (
                SELECT id, requester_id, assignee_id, created_at, updated_at,
                       (random() * 2)::int AS n FROM desk_ticket
            )
            INSERT INTO desk_comment (ticket_id, author_id, body, internal, created_at)
            SELECT k.id,
                   CASE WHEN g %% 2 = 1 THEN coalesce(k.assignee_id, k.requester_id) ELSE k.requester_id END,
                   (%(comments)s::text[])[1 + floor(random() * %(ncomments)s)::int],
                   random() < 0.1,
                   k.created_at + (k.updated_at - k.created_at) * (g::float8 / (k.n + 1))
              FROM k CROSS JOIN LATERAL generate_series(1, k.n) AS g
             ORDER BY 5
            """,
            {"comments": COMMENTS, "ncomments": len(COMMENTS)},
        )
        timings["comments"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        cur.execute(
            """
            INSERT INTO desk_ticketevent (ticket_id, kind, actor_id, actor_name, public, data, at)
            SELECT ticket_id, kind, actor_id, coalesce(u.full_name, ''), public, data, at FROM (
                SELECT t.id AS ticket_id, 'created' AS kind, t.requester_id AS actor_id, true AS public,
                       jsonb_build_object('number', t.number, 'status', init.key, 'channel', t.channel,
                                          'title', t.title) AS data,
                       t.created_at AS at
                  FROM desk_ticket t
                  JOIN desk_status s ON s.id = t.status_id
                  JOIN desk_status init ON init.workflow_id = s.workflow_id AND init.is_initial
                UNION ALL
                SELECT t.id, 'status_changed', coalesce(t.assignee_id, t.requester_id), true,
                       jsonb_build_object('transition', s.name, 'changes',
                                          jsonb_build_object('status', jsonb_build_array(init.key, s.key)),
                                          'category', s.category, 'comment_id', NULL::bigint, 'comment', NULL::text),
                       t.updated_at
                  FROM desk_ticket t
                  JOIN desk_status s ON s.id = t.status_id
                  JOIN desk_status init ON init.workflow_id = s.workflow_id AND init.is_initial
                 WHERE t.category <> 'new'
                UNION ALL
                SELECT c.ticket_id, 'commented', c.author_id, NOT c.internal,
                       jsonb_build_object('comment_id', c.id, 'internal', c.internal, 'body', c.body),
                       c.created_at
                  FROM desk_comment c
            ) e LEFT JOIN people_user u ON u.id = e.actor_id
             ORDER BY at
            """
        )
        timings["events"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        # services.refresh_search's expression, for every ticket at once
        cur.execute(
            """
            UPDATE desk_ticket t SET search =
                setweight(to_tsvector('russian', coalesce(t.title, '')), 'A')
             || setweight(to_tsvector('english', coalesce(t.title, '')), 'A')
             || setweight(to_tsvector('russian', coalesce(t.description, '')), 'B')
             || setweight(to_tsvector('english', coalesce(t.description, '')), 'B')
             || setweight(to_tsvector('russian', coalesce(c.body, '')), 'C')
             || setweight(to_tsvector('english', coalesce(c.body, '')), 'C')
              FROM desk_ticket t2
              LEFT JOIN (SELECT ticket_id, string_agg(body, ' ') AS body FROM desk_comment
                          WHERE NOT internal GROUP BY ticket_id) c ON c.ticket_id = t2.id
             WHERE t2.id = t.id
            """
        )
        timings["search"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with connection.cursor() as cur:  # autocommit: VACUUM cannot run in a transaction
        for table in ("desk_ticket", "desk_comment", "desk_ticketevent", "people_user"):
            cur.execute(f'VACUUM (ANALYZE) "{schema}"."{table}"')
    timings["vacuum_analyze"] = time.perf_counter() - t0
    return timings


def counts(schema: str) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        out = {}
        for table in ("desk_ticket", "desk_comment", "desk_ticketevent"):
            cur.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            out[table] = cur.fetchone()[0]
        cur.execute(
            f'SELECT count(*) FROM "{schema}".desk_ticket WHERE category IN (%s, %s)', ["new", "open"]
        )
        out["new_or_open"] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [f'"{schema}".desk_ticket'])
        out["desk_ticket_size"] = cur.fetchone()[0]
    return out
