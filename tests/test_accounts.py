"""Getting an account: add_editor, the one-time password link, logging in by role alone."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from surveys.admin_site import NO_ROLE
from surveys.roles import EDITORS, VIEWERS

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-123"


def add_editor(*args) -> str:
    out = io.StringIO()
    call_command("add_editor", *args, stdout=out)
    return out.getvalue()


def link_path(output: str) -> str:
    [url] = re.findall(r"https?://\S+", output)
    return re.sub(r"^https?://[^/]+", "", url)


def log_in(client, username, password=PASSWORD):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, follow=True
    )


def test_add_editor_makes_a_staff_editor_without_a_usable_password():
    output = add_editor("alice", "alice@example.org")
    alice = User.objects.get(username="alice")
    assert alice.email == "alice@example.org" and alice.is_staff and not alice.is_superuser
    assert not alice.has_usable_password()
    assert list(alice.groups.values_list("name", flat=True)) == [EDITORS]
    assert "Created alice (alice@example.org) in Editors." in output
    assert re.search(r"http://localhost:8000/admin/password-set/\S+/\S+/", output)


def test_add_editor_viewer_and_base_url():
    output = add_editor("bob", "bob@example.org", "--viewer", "--base-url", "https://x.example/")
    assert list(User.objects.get(username="bob").groups.values_list("name", flat=True)) == [VIEWERS]
    assert "https://x.example/admin/password-set/" in output


def test_add_editor_refuses_an_existing_account_and_changes_nothing():
    User.objects.create_user("alice", "old@example.org", password=PASSWORD)
    with pytest.raises(CommandError, match="'alice' already exists"):
        add_editor("Alice", "new@example.org")
    alice = User.objects.get()
    assert alice.email == "old@example.org" and alice.check_password(PASSWORD)
    assert not alice.groups.exists()


def test_the_link_sets_a_password_once_and_the_editor_logs_in(client):
    path = link_path(add_editor("alice", "alice@example.org"))
    form = client.get(path, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert done.status_code == 200 and b'<a href="/admin/login/">Log in</a>' in done.content
    assert User.objects.get(username="alice").check_password(PASSWORD)

    again = client.get(path, follow=True)
    assert b"new_password1" not in again.content  # used: the link no longer works
    assert b"This link has already been used or has expired" in again.content

    response = log_in(client, "alice")
    assert response.request["PATH_INFO"] == "/admin/"
    assert b"editor-tools" in response.content


@pytest.mark.parametrize("group", [EDITORS, VIEWERS])
def test_the_group_alone_lets_a_user_in_without_staff_status(client, group):
    user = User.objects.create_user("member", password=PASSWORD, is_staff=False)
    user.groups.add(Group.objects.get(name=group))
    response = log_in(client, "member")
    assert response.request["PATH_INFO"] == "/admin/"
    assert client.get("/admin/surveys/body/").status_code == 200


def test_a_superuser_without_a_group_still_enters(client):
    User.objects.create_superuser("root", password=PASSWORD)
    assert log_in(client, "root").request["PATH_INFO"] == "/admin/"


@pytest.mark.parametrize("staff", [True, False])
def test_no_role_says_so_once_the_password_is_right(client, staff):
    User.objects.create_user("nobody", password=PASSWORD, is_staff=staff)
    response = log_in(client, "nobody")
    assert response.request["PATH_INFO"] == "/admin/login/"
    assert NO_ROLE in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_password_does_not_reveal_the_account(client):
    User.objects.create_user("nobody", password=PASSWORD)
    known = log_in(client, "nobody", "wrong-password-123").content.decode()
    unknown = log_in(client, "nosuchuser", "wrong-password-123").content.decode()
    assert NO_ROLE not in known
    assert "Please enter the correct username and password" in known
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"')
    assert strip.sub("", known) == strip.sub("", unknown)


def test_an_inactive_member_cannot_enter(client):
    user = User.objects.create_user("gone", password=PASSWORD, is_active=False)
    user.groups.add(Group.objects.get(name=EDITORS))
    response = log_in(client, "gone")
    assert response.request["PATH_INFO"] == "/admin/login/"
    assert NO_ROLE not in response.content.decode()


def test_a_new_link_for_an_existing_account(client):
    first = link_path(add_editor("alice", "alice@example.org"))
    with pytest.raises(CommandError, match="For a new link, add --new-link"):
        add_editor("alice", "alice@example.org")
    with pytest.raises(CommandError, match="No account 'alice' with the address"):
        add_editor("alice", "other@example.org", "--new-link")
    output = add_editor("alice", "alice@example.org", "--new-link")
    assert "Created" not in output
    second = link_path(output)
    form = client.get(second, follow=True)
    assert b"new_password1" in form.content
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert User.objects.get(username="alice").check_password(PASSWORD)
    assert b"new_password1" not in client.get(first, follow=True).content
