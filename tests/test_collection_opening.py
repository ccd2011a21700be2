"""Opening a round to collect online (open_round and the admin's "Open a round"): what it
creates by default, what it refuses (writing nothing), and the editors' changes to it."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from surveys.collection import opening, tokens
from surveys.models import (
    Body,
    Collection,
    CollectionSystemType,
    Invitation,
    RoundSystemType,
)
from tests import factories as f

TODAY = datetime.date(2022, 5, 1)
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


def _rows() -> tuple[int, int, int]:
    return (
        Collection.objects.count(),
        CollectionSystemType.objects.count(),
        Invitation.objects.count(),
    )


def test_a_round_invites_every_body_of_the_last_round_and_asks_about_all_its_types(world):
    collection = opening.open_round(2022, deadline=datetime.date(2022, 6, 1), today=TODAY)
    invited = set(collection.invitations.values_list("body__slug", flat=True))
    # The agency did not respond in 2021 but was invited: it is invited again.
    assert invited == {"northshire-police", "southshire-constabulary", "test-agency"}
    # 2021 listed no system types (it asked about all): every survey category.
    assert [row.system_type.slug for row in collection.coverage.all()] == [
        "external-cctv",
        "drones",
    ]
    assert collection.links_expire_on == datetime.date(2022, 6, 15)
    assert all(len(i.token_hash) == 64 for i in collection.invitations.all())
    assert not collection.coverage.filter(asks_unit_count=True).exists()


def test_the_last_rounds_listed_system_types_are_the_default(world):
    RoundSystemType.objects.create(survey_round=world.round_2021, system_type=world.drones)
    collection = opening.open_round(2022, deadline=datetime.date(2022, 6, 1), today=TODAY)
    assert [row.system_type for row in collection.coverage.all()] == [world.drones]


def test_a_merged_body_is_replaced_by_its_successor_invited_once(world):
    merged = f.body("Eastshire and Westshire Police", source=world.report, short_name="EW")
    for body in (world.northshire, world.southshire):
        Body.objects.filter(pk=body.pk).update(
            succeeded_by=merged,
            succeeded_on=datetime.date(2021, 12, 1),
            succession_source=world.report,
        )
    collection = opening.open_round(2022, deadline=datetime.date(2022, 6, 1), today=TODAY)
    invited = sorted(collection.invitations.values_list("body__slug", flat=True))
    assert invited == ["eastshire-and-westshire-police", "test-agency"]


def test_units_are_asked_only_for_the_types_named(world):
    collection = opening.open_round(
        2022, deadline=datetime.date(2022, 6, 1), units=["drones"], today=TODAY
    )
    asks = {row.system_type.slug: row.asks_unit_count for row in collection.coverage.all()}
    assert asks == {"external-cctv": False, "drones": True}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2021}, "already public"),
        ({"deadline": datetime.date(2022, 4, 30)}, "in the past"),
        ({"system_types": ["drones", "no-such-type"]}, "unknown system type(s) no-such-type"),
        ({"units": ["no-such-type"]}, "--units: unknown system type(s) no-such-type"),
        ({"grace_days": -1}, "0 or more"),
    ],
)
def test_a_refused_round_says_why_and_writes_nothing(world, kwargs, message):
    arguments = {"year": 2022, "deadline": datetime.date(2022, 6, 1), **kwargs}
    year = arguments.pop("year")
    with pytest.raises(opening.RoundRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        opening.open_round(year, today=TODAY, **arguments)
    assert _rows() == (0, 0, 0)


def test_a_round_is_opened_once(collection):
    before = _rows()
    with pytest.raises(opening.RoundRefused, match="already been opened"):
        opening.open_round(2022, deadline=datetime.date(2022, 6, 1), today=TODAY)
    assert _rows() == before


def test_the_command_opens_a_round_and_refuses_a_past_deadline(world):
    out = io.StringIO()
    call_command(
        "open_round",
        "2030",
        deadline=str(FUTURE),
        system_types="drones",
        stdout=out,
    )
    assert "Opened the 2030 round: 3 bodies invited, about drones" in out.getvalue()
    with pytest.raises(CommandError, match="in the past.*Nothing was written"):
        call_command("open_round", "2031", deadline="2020-01-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("open_round", "2031", deadline="soon")
    assert list(Collection.objects.values_list("year", flat=True)) == [2030]


def test_an_editor_opens_a_round_in_the_admin(world, editor, client):
    response = client.post(
        "/admin/surveys/collection/add/",
        {
            "year": "2030",
            "deadline": FUTURE.isoformat(),
            "grace_days": "7",
            "system_types": [world.drones.pk],
            "units": [world.drones.pk],
        },
    )
    assert response.status_code == 302
    collection = Collection.objects.get(year=2030)
    assert collection.opened_by == editor
    assert collection.links_expire_on == FUTURE + datetime.timedelta(days=7)
    assert collection.invitations.count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {"year": "2021", "deadline": "2030-01-01", "grace_days": "14"},
        {"year": "2030", "deadline": "2001-01-01", "grace_days": "14"},
        {"year": "abc", "deadline": "not a date", "grace_days": "-5"},
        {"year": "99999999999999999999", "deadline": "2030-13-45", "grace_days": "1e9"},
        {"year": "2030", "deadline": "2030-01-01", "grace_days": "1", "system_types": ["x"]},
    ],
)
def test_the_admin_form_refuses_bad_input_with_a_message_never_a_500(world, editor, client, data):
    response = client.post("/admin/surveys/collection/add/", data)
    assert response.status_code == 200
    assert b"errorlist" in response.content or b"errornote" in response.content
    assert _rows() == (0, 0, 0)


def test_a_viewer_cannot_open_a_round(world, viewer, client):
    assert client.get("/admin/surveys/collection/add/").status_code == 403
    response = client.post(
        "/admin/surveys/collection/add/",
        {"year": "2030", "deadline": "2030-01-01", "grace_days": "1"},
    )
    assert response.status_code == 403
    assert _rows() == (0, 0, 0)


def test_an_editor_adds_a_body_and_its_token_is_issued_not_shown(collection, editor, client):
    newcomer = f.body("Newshire Police", source=collection.invitations.first().body.source)
    response = client.post(
        "/admin/surveys/invitation/add/",
        {"collection": collection.pk, "body": newcomer.pk, "contact_email": "survey@example.org"},
    )
    assert response.status_code == 302
    invitation = collection.invitations.get(body=newcomer)
    assert invitation.contact_email == "survey@example.org"
    assert len(invitation.token_hash) == 64
    follow = client.get(response.url)
    assert invitation.token_hash not in follow.content.decode()


def test_a_body_that_has_a_successor_is_not_invited(collection, editor, client):
    body = collection.invitations.first().body
    merged = f.body("Merged Police", source=body.source)
    old = f.body("Old Police", source=body.source)
    Body.objects.filter(pk=old.pk).update(
        succeeded_by=merged, succeeded_on=datetime.date(2020, 1, 1), succession_source=body.source
    )
    response = client.post(
        "/admin/surveys/invitation/add/", {"collection": collection.pk, "body": old.pk}
    )
    assert response.status_code == 200
    assert b"has a successor" in response.content
    assert not collection.invitations.filter(body=old).exists()


def test_withdrawing_stops_the_link_and_extending_keeps_links_alive(collection):
    invitation = collection.invitations.first()
    token = opening.reissue(invitation)
    day = datetime.date(2022, 6, 10)
    assert tokens.invitation_for(token, today=day) == invitation
    assert tokens.invitation_for(token, today=datetime.date(2022, 6, 20)) is None
    opening.extend_links(collection, datetime.date(2022, 6, 30))
    assert tokens.invitation_for(token, today=datetime.date(2022, 6, 20)) == invitation
    with pytest.raises(opening.RoundRefused, match="before the deadline"):
        opening.extend_links(collection, datetime.date(2022, 5, 1))
    opening.withdraw(invitation)
    assert tokens.invitation_for(token, today=day) is None


def test_revoking_and_reissuing_a_link(collection, editor, client):
    invitation = collection.invitations.first()
    old = opening.reissue(invitation)
    day = datetime.date(2022, 6, 10)
    client.post(
        "/admin/surveys/invitation/",
        {"action": "revoke_links", "_selected_action": [invitation.pk]},
    )
    assert tokens.invitation_for(old, today=day) is None
    response = client.post(
        "/admin/surveys/invitation/",
        {"action": "reissue_links", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [link] = [
        line.split("<code>")[1].split("</code>")[0]
        for line in response.content.decode().splitlines()
        if "<code>" in line and "/returns/" in line
    ]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert tokens.invitation_for(token, today=day) == invitation
    assert tokens.invitation_for(old, today=day) is None


def test_an_editor_extends_the_links_in_the_admin_and_a_bad_date_is_a_form_error(
    collection, editor, client
):
    url = f"/admin/surveys/collection/{collection.pk}/change/"
    response = client.post(url, {"links_expire_on": "2022-05-01"})
    assert response.status_code == 200  # before the deadline: the constraint's form error
    response = client.post(url, {"links_expire_on": "2022-07-01"})
    assert response.status_code == 302
    collection.refresh_from_db()
    assert collection.links_expire_on == datetime.date(2022, 7, 1)


def test_after_a_round_without_per_body_returns_the_round_before_sets_the_scope(real_data):
    """The real data's last round, the 2023 drone survey, is known only from its published
    totals: the next round invites the 2022 round's 47 bodies and asks about its types."""
    from surveys.collection import opening

    previous = opening.previous_round(2026)
    assert previous.year == 2022
    assert len(opening.bodies_in_scope(previous)) == 47
