"""The large downloads are built once per data version and served as files: whole or not at
all, with their length and byte ranges; a build that takes long answers "retry" meanwhile."""

import threading

import pytest

from surveys.editorial.corrections import record_correction
from surveys.models import Correction
from surveys.opendata import built
from tests import factories as f
from tests.pages import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    f.answer(
        f.return_of(world.northshire, world.round_2020),
        world.drones,
        operates=True,
        vendors=[world.redcam],
    )
    return world


def files(settings) -> list[str]:
    return sorted(p.name for p in settings.DOWNLOADS_DIR.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("url", ["/data/obscc-data.zip", "/data/answers.csv"])
def test_a_download_is_built_once_per_data_version(answered, client, settings, url):
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Length"]
    body = content(first)
    assert len(body) == int(first["Content-Length"])
    [built_file] = files(settings)
    assert content(client.get(url)) == body  # served from the same file
    assert files(settings) == [built_file]
    record_correction(
        Correction(
            answer=answered.northshire.returns.get(survey_round=answered.round_2020).answers.get(),
            answer_field="operates",
            new_value="no",
            reason="Synthetic test correction",
            source=answered.report,
        )
    )
    changed = content(client.get(url))
    assert changed != body
    assert len(files(settings)) == 1 and files(settings) != [built_file]  # the old one is gone


def test_a_download_answers_a_byte_range(answered, client):
    whole = content(client.get("/data/obscc-data.json"))
    part = client.get("/data/obscc-data.json", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert content(part) == whole[10:20]
    tail = client.get("/data/obscc-data.json", headers={"Range": "bytes=-5"})
    assert content(tail) == whole[-5:]
    beyond = client.get("/data/obscc-data.json", headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(whole)}"


def test_a_long_build_answers_retry_and_never_shows_a_half_written_file(
    settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(built, "BUILD_WAIT", 0.2)
    release = threading.Event()

    def slow():
        yield "first half, "
        release.wait(10)
        yield "second half"

    path = tmp_path / "downloads" / "slow.csv"
    assert not built.build(path, "slow", slow, background=True)
    assert not path.exists()  # not there until whole
    response = built.preparing("slow")
    assert response.status_code == 503 and int(response["Retry-After"]) >= 1
    release.set()
    for _ in range(100):
        if path.exists():
            break
        threading.Event().wait(0.05)
    assert path.read_text() == "first half, second half"
