"""Every page of a body's return is valid HTML (the W3C Nu HTML Checker, as for the public
pages): start, the form with and without errors, review, receipt, upload, the 429."""

import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from tests.returns_world import open_round
from tests.test_html_valid import CANARY, CANARY_HTML, check_with_vnu

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML Checker needs Java")
def test_every_return_page_is_valid_html(client, world, tmp_path):
    base = f"/returns/{open_round(world).token(world.northshire)}/"
    pages = {url: client.get(base + url).content for url in ("", "form/", "review/", "upload/")}
    mistaken = {"version": "1", "drones-operates": "no", "drones-unit_count": "x"}
    mistaken["drones-vendors"] = [str(world.redcam.pk)]
    pages["form with errors"] = client.post(base + "form/", mistaken).content
    pages["review with errors"] = client.post(base + "review/", {"version": "1"}).content
    bad = SimpleUploadedFile("q.csv", b"body,round,system_type,source\nX,1999,anpr,\n")
    pages["upload with errors"] = client.post(base + "upload/", {"file": bad}).content
    client.post(base + "review/", {"version": "1", "name": "A", "role": "B"})
    pages["receipt"] = client.get(base + "receipt/").content
    pages["429"] = render_to_string("returns/too_many.html").encode()
    pages[CANARY] = CANARY_HTML
    (tmp_path / "html").mkdir()
    errors = check_with_vnu(pages, tmp_path / "html")
    assert "action" in " ".join(errors.pop(CANARY, []))
    assert not errors, errors
