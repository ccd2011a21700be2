"""Every admin URL, opened with GET by a Viewer, an Editor and a superuser, on the real data:
none of them is a server error.

The URLs are read from the admin itself (the site's own views, and each registered model's
``get_urls()``, custom views included), so a view added later is tested without anyone listing
it here. Each path parameter is filled with a real value: an object's pk (for a correction, a
draft and a published one), a version's history_id, an import draft's token, a password link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, resolve

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS, password_set_link
from surveys.models import Correction, PublishedFinding
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"
ROLES = (VIEWERS, EDITORS, SUPERUSER)
# Anything but a server error: the page, a redirect, a refusal, "not found", "use POST".
ANSWERS = {200, 302, 403, 404, 405}
# The pages of a model that every role may read, by the ends of their names.
READS = ("_changelist", "_change", "_history", "_simple_history")
# A parameter in a route (<path:object_id>) or a group in a regex ((?P<url>.*), ([^/]+)).
PARAMETER = re.compile(r"<(?:\w+:)?(?P<route>\w+)>|\((?:\?P<(?P<named>\w+)>)?[^)]*\)")
# simple-history's version page names its two groups by position only.
POSITIONAL = ("object_id", "version_id")


@dataclass(frozen=True)
class AdminUrl:
    pattern: URLPattern
    model: type | None  # None for the site's own views
    subject: str = ""  # which object fills the parameters, where a model has several

    @property
    def id(self) -> str:
        where = self.model._meta.label if self.model else "site"
        name = self.pattern.name or str(self.pattern.pattern) or "index"
        return f"{where}:{name}" + (f"[{self.subject}]" if self.subject else "")

    @property
    def is_survey_read(self) -> bool:
        """A survey record's page that every role may read."""
        surveys = self.model is not None and self.model._meta.app_label == "surveys"
        return surveys and (self.pattern.name or "").endswith(READS)

    @property
    def parameters(self) -> list[str]:
        found = PARAMETER.finditer(str(self.pattern.pattern))
        return [m["route"] or m["named"] or POSITIONAL[i] for i, m in enumerate(found)]


def admin_urls() -> Iterator[AdminUrl]:
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLPattern):  # the models' includes are taken from each below
            yield AdminUrl(pattern, None)
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            if model is Correction and AdminUrl(pattern, model).parameters:
                for subject in ("draft", "published"):
                    yield AdminUrl(pattern, model, subject)
            else:
                yield AdminUrl(pattern, model)


URLS = list(admin_urls())


@pytest.fixture
def accounts(real_data, client) -> dict[str, User]:
    made = {}
    for role in (VIEWERS, EDITORS):
        made[role] = f.account(role.lower(), role)
    made[SUPERUSER] = f.account(SUPERUSER, is_superuser=True)
    # The login records (axes) are registered models too: a good login, then a failed one,
    # make one of each (a success clears the failures before it).
    client.post("/admin/login/", {"username": SUPERUSER, "password": PASSWORD})
    client.logout()
    client.post("/admin/login/", {"username": EDITORS.lower(), "password": "wrong"})
    # Failure logs are kept only with AXES_ENABLE_ACCESS_FAILURE_LOG, which is off.
    AccessFailureLog.objects.create(
        username=EDITORS.lower(), ip_address="127.0.0.1", path_info="/admin/login/"
    )
    f.collection_with_a_return(made[EDITORS])
    return made


@pytest.fixture
def correction_drafts(accounts) -> dict[str, Correction]:
    """A draft and a published correction, each with history (drafted, then published)."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    made = {}
    for subject, value in (("published", "12"), ("draft", "13")):
        made[subject] = corrections.save_draft(
            Correction(
                finding=finding,
                new_value=value,
                new_qualifier=PublishedFinding.Qualifier.AT_LEAST,
                reason="A synthetic correction, for this test",
                source=finding.publication,
            ),
            user=accounts[EDITORS],
        )
    made["published"] = corrections.publish(made["published"], check_editor=False)
    f.change_draft(accounts[EDITORS])
    return made


def subject_of(url: AdminUrl, correction_drafts):
    if url.model is Correction:
        return correction_drafts[url.subject]
    objects = url.model._default_manager.order_by("pk")
    history = getattr(url.model, "history", None)
    if history is not None:  # an object with history, for the version page
        objects = objects.filter(pk__in=history.values(url.model._meta.pk.attname))
    return objects.first()


def fill(url: AdminUrl, client, accounts, correction_drafts) -> str:
    """The URL's path with each parameter filled with a real value."""
    values = {"app_label": "surveys", "url": "no-such-page/"}
    if url.model is not None and url.parameters:
        obj = subject_of(url, correction_drafts)
        assert obj is not None, f"no {url.model._meta.label} to open"
        values |= {"object_id": obj.pk, "pk": obj.pk, "id": obj.pk}
        if "version_id" in url.parameters:
            values["version_id"] = obj.history.latest("history_id").history_id
        if "token" in url.parameters:
            values["token"] = f.import_draft_token(client, accounts[EDITORS])
    elif url.model is None:
        link = password_set_link(accounts[EDITORS], base_url="")
        publication = correction_drafts["published"].finding.publication
        values |= dict(zip(("uidb64", "token"), link.strip("/").split("/")[-2:], strict=True))
        values |= {"content_type_id": ContentType.objects.get_for_model(publication).pk}
        values |= {"object_id": publication.pk}
    route = str(url.pattern.pattern).removeprefix("^").removesuffix("$")
    names = iter(url.parameters)
    filled = PARAMETER.sub(lambda m: str(values[next(names)]), route)
    return "/admin/" + ("" if url.model is None else _model_prefix(url.model)) + filled


def _model_prefix(model) -> str:
    return f"{model._meta.app_label}/{model._meta.model_name}/"


@pytest.mark.parametrize("url", URLS, ids=[url.id for url in URLS])
def test_admin_url_answers_every_role_without_a_server_error(
    url, client, accounts, correction_drafts
):
    path = fill(url, client, accounts, correction_drafts)
    # The path reaches the view under test, not a neighbour (nor the catch-all).
    route = "admin/" + ("" if url.model is None else _model_prefix(url.model))
    assert resolve(path).route == route + str(url.pattern.pattern).removeprefix("^"), path
    answers = {}
    for role in ROLES:
        client.force_login(accounts[role])
        answers[role] = client.get(path).status_code
        client.logout()
    assert set(answers.values()) <= ANSWERS, (path, answers)
    if url.is_survey_read:
        assert set(answers.values()) == {200}, (path, answers)


WRITES = ("post", "put", "delete")


def test_no_admin_url_lets_anonymous_or_a_viewer_write_with_any_method(
    client, accounts, correction_drafts
):
    """Every admin URL (the same list, custom views included), with POST, PUT and DELETE and an
    empty body: anonymous and a Viewer change no survey row and get no server error; an Editor
    changes nothing with PUT or DELETE either."""
    from tests.test_admin_permissions import fingerprint

    corrections.draft_withdrawal(correction_drafts["published"], reason="Synthetic withdrawal")
    paths = sorted({fill(url, client, accounts, correction_drafts) for url in URLS})
    before = fingerprint()
    for who, methods in ((None, WRITES), (VIEWERS, WRITES), (EDITORS, ("put", "delete"))):
        for path in paths:
            if who is not None:  # a logout, or a password link, can end the session
                client.force_login(accounts[who])
            for method in methods:
                status = getattr(client, method)(path).status_code
                assert status < 500, (who, method, path, status)
                if who is None and method == "post":
                    assert status in (200, 302, 403, 405), (method, path, status)
        assert fingerprint() == before, who
