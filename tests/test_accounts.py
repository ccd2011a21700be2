"""Getting an account: add_editor, the one-time password link, logging in by role alone."""

import io
import re
import subprocess

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from surveys.admin.site import NO_ROLE
from surveys.editorial.roles import EDITORS, VIEWERS

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-123"


def add_editor(*args) -> str:
    out = io.StringIO()
    call_command("add_editor", *args, stdout=out)
    return out.getvalue()


def link_path(output: str) -> str:
    url = output.splitlines()[-1]  # the link is the last line
    return re.sub(r"^https?://[^/]+", "", url)


def log_in(client, username, password=PASSWORD):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, follow=True
    )


def test_add_editor_makes_a_staff_editor_without_a_usable_password(settings):
    settings.SITE_URL = ""
    output = add_editor("alice", "alice@example.org")
    alice = User.objects.get(username="alice")
    assert alice.email == "alice@example.org" and alice.is_staff and not alice.is_superuser
    assert not alice.has_usable_password()
    assert list(alice.groups.values_list("name", flat=True)) == [EDITORS]
    assert "Created alice (alice@example.org) in Editors." in output
    assert re.search(r"http://127.0.0.1:8000/admin/password-set/\S+/\S+/", output)


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


def opens_the_form(client, path: str) -> bool:
    return b"new_password1" in client.get(path, follow=True).content


def test_a_new_link_revokes_every_earlier_link(client):
    first = link_path(add_editor("alice", "alice@example.org"))
    second = link_path(add_editor("alice", "alice@example.org", "--new-link"))
    third = link_path(add_editor("alice", "alice@example.org", "--new-link"))
    assert not opens_the_form(client, first)
    assert not opens_the_form(client, second)
    assert opens_the_form(client, third)


def with_a_password() -> User:
    return User.objects.create_user("alice", "alice@example.org", password=PASSWORD)


def superuser_without_a_password() -> User:
    user = User.objects.create_superuser("alice", "alice@example.org", password=None)
    assert not user.has_usable_password()
    return user


@pytest.mark.parametrize("make_account", [with_a_password, superuser_without_a_password])
def test_a_link_for_an_account_with_a_password_or_a_superuser_needs_reset(make_account):
    account = make_account()
    for args in (["--new-link"], []):
        with pytest.raises(CommandError, match="add --reset") as refused:
            add_editor("alice", "alice@example.org", *args)
        assert refused.value.returncode != 0
    account_after = User.objects.get()
    assert account_after.password == account.password  # no link was made or revoked
    assert account_after.is_superuser == account.is_superuser
    assert "--reset" in add_editor_help()


def add_editor_help() -> str:
    from surveys.management.commands.add_editor import Command

    return Command().create_parser("manage.py", "add_editor").format_help()


def test_reset_revokes_the_password_and_the_link_sets_a_new_one(client):
    with_a_password().groups.add(Group.objects.get(name=EDITORS))
    assert log_in(client, "alice").request["PATH_INFO"] == "/admin/"
    output = add_editor("alice", "alice@example.org", "--reset")
    assert client.get("/admin/").status_code == 302  # its session ended
    alice = User.objects.get()
    assert not alice.has_usable_password()  # the old password no longer works
    assert "the old password and every earlier link no longer work" in output
    path = link_path(output)
    form = client.get(path, follow=True)
    new = "another-long-password-456"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert User.objects.get().check_password(new)


def test_reset_of_a_superuser_keeps_it_a_superuser(client):
    superuser_without_a_password()
    output = add_editor("alice", "alice@example.org", "--reset")
    assert opens_the_form(client, link_path(output))
    assert User.objects.get().is_superuser


def test_without_site_url_the_link_is_for_make_runs_port(settings):
    settings.SITE_URL = ""
    output = add_editor("alice", "alice@example.org", "--port", "8123")
    assert re.search(r"^http://127\.0\.0\.1:8123/admin/password-set/\S+/\S+/$", output, re.M)
    assert (
        "Link for http://127.0.0.1:8123 (PORT 8123, where make run serves; set SITE_URL" in output
    )


def test_site_url_wins_over_the_port(settings):
    settings.SITE_URL = "https://dashboard.example.org/"
    output = add_editor("alice", "alice@example.org", "--port", "8123")
    assert re.search(r"^https://dashboard\.example\.org/admin/password-set/\S+/$", output, re.M)
    assert "Link for https://dashboard.example.org (SITE_URL)" in output
    output = add_editor("bob", "bob@example.org", "--base-url", "https://x.example")
    assert "Link for https://x.example (--base-url)" in output


def test_make_admin_passes_its_port_to_add_editor():
    dry_run = subprocess.run(
        ["make", "-n", "admin", "PORT=8123", "ADMIN_USER=x", "ADMIN_EMAIL=x@example.org"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [command] = [line for line in dry_run.splitlines() if "add_editor" in line]
    assert '--port "8123"' in command
