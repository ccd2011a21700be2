"""The replica router: public pages read from the replica, the admin and writes never do.

The test settings add a second, separate database as the "replica", which stays empty, so a
page that reads from it shows no data while the primary holds the real data.
"""

import pytest
from django.contrib.auth.models import Group, User

from surveys.editorial.roles import EDITORS
from surveys.models import Body

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture
def primary_with_data(real_data, settings):
    settings.REPLICA_READS = True


def test_public_pages_read_from_the_replica(primary_with_data, client):
    assert Body.objects.using("default").count() == 47
    assert Body.objects.using("replica").count() == 0
    response = client.get("/forces/")
    assert "No survey data has been loaded" in response.content.decode()  # the replica's view


def test_the_admin_reads_from_the_primary(primary_with_data, client):
    editor = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    response = client.get("/admin/surveys/body/")
    assert "47 bodies" in response.content.decode()


def test_writes_go_to_the_primary(primary_with_data):
    from obscc.routers import PrimaryReplicaRouter

    assert PrimaryReplicaRouter().db_for_write(Body) == "default"
    # Outside a public request (commands, the admin), reads use the primary too.
    assert PrimaryReplicaRouter().db_for_read(Body) == "default"


def test_without_a_replica_everything_reads_the_primary(real_data, client, settings):
    settings.REPLICA_READS = False
    assert "<strong>47</strong> bodies match" in client.get("/forces/").content.decode()
