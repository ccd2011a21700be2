"""The URLs these rounds added (the comparison, its CSV, the rows behind a figure, the
embeds) read and never write: anonymous, a Viewer and an Editor may GET and HEAD them; every
other method is refused with 405 (OPTIONS: the API describes itself, 200), and nothing
changes."""

import pytest

from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Answer, Correction
from tests import factories as f

URLS = [
    "/compare/?bodies=west-yorkshire,metropolitan-police",
    "/compare/?bodies=west-yorkshire,metropolitan-police&export=csv",
    "/compare/?bodies=west-yorkshire&q=kent",
    "/compare/?q=york",
    "/charts/concern-by-system-type.csv?round=2022&as_published=1",
    "/systems/drones/figures.csv?as_published=1",
    "/forces/?round=2022&figure=concern_users.cctv-unspecified.counted&map=intent",
    "/api/v1/answers/?round=2022&figure=operators.drones.coverage",
    "/api/v1/answers/?figure=operators.drones.counted",
    "/embed/concern-by-system-type/?round=2022",
    "/embed/figures-by-round/",
    "/embed/published-figures/?system_type=drones",
]


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("url", URLS)
def test_each_role_may_read_and_none_may_write(client, real_data, role, url):
    if role is not None:
        client.force_login(f.account(f"someone-{role}", role))
    before = (Answer.objects.count(), Correction.objects.count())
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 405), (method, response.status_code)
    options = client.options(url)
    assert options.status_code == (200 if url.startswith("/api/") else 405), options.status_code
    assert (Answer.objects.count(), Correction.objects.count()) == before
