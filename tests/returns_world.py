"""A round collected online over the test world, made with the ORM (as ``open_round`` would):
2024, external CCTV (units asked), drones and facial recognition, one invitation per body."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from surveys.collection import tokens
from surveys.models import Collection, CollectionSystemType, Invitation, SystemType
from tests import factories as f

YEAR = 2024


@dataclass
class Round:
    collection: Collection
    facial: SystemType
    tokens: dict  # body slug -> token
    invitations: dict  # body slug -> Invitation

    def token(self, body) -> str:
        return self.tokens[body.slug]


def open_round(world, *, deadline=None, offer_previous_answers=False) -> Round:
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=30)
    collection = Collection.objects.create(
        year=YEAR,
        deadline=deadline,
        links_expire_on=deadline + datetime.timedelta(days=14),
        offer_previous_answers=offer_previous_answers,
    )
    facial = SystemType.objects.filter(slug="facial-recognition").first() or f.system_type(
        "facial-recognition", 8, name="Facial recognition"
    )
    for system_type, units in ((world.external, True), (world.drones, False), (facial, False)):
        CollectionSystemType.objects.create(
            collection=collection, system_type=system_type, asks_unit_count=units
        )
    found, invitations = {}, {}
    for body in (world.northshire, world.southshire, world.agency):
        invitation = Invitation(collection=collection, body=body)
        found[body.slug] = tokens.issue(invitation)
        invitation.save()
        invitations[body.slug] = invitation
    return Round(collection, facial, found, invitations)
