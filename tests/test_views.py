import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_shows_2022_response_from_the_database(
    real_data, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("surveys:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="card-value" data-testid="invited">47</p>' in html
    assert '<p class="card-value" data-testid="responded">39</p>' in html
    assert "39 of 47, 83%" in html
    assert "no per-body data" in html  # 2017 and 2019 counts are gaps, not zeros


def test_home_page_on_an_empty_database(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No survey data has been loaded" in response.content.decode()
