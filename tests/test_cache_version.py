"""The data version (the statistics cache's key) moves with survey data only."""

import pytest
from django.contrib.auth.models import Group, User

from surveys.caching import current_version
from surveys.models import Answer, Vendor

pytestmark = pytest.mark.django_db


def test_many_to_many_changes_outside_the_survey_data_do_not_invalidate(real_data):
    before = current_version()
    User.objects.create_user("someone").groups.add(Group.objects.first())
    assert current_version() == before
    answer = Answer.objects.first()
    answer.vendors.add(Vendor.objects.exclude(answers=answer).first())
    assert current_version() > before
