"""``page_url`` remembers reversed addresses: it must give what ``reverse`` gives, and never an
address remembered under another script prefix or URL configuration."""

from django.template import Context, Template
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from surveys.templatetags.links import page_url


def test_page_url_is_what_reverse_gives():
    for name, args in [
        ("surveys:vendor", ("dji",)),
        ("surveys:body", ("west-yorkshire",)),
        ("surveys:correction", (3,)),
        ("surveys:bodies", ()),
    ]:
        assert page_url(name, *args) == page_url(name, *args) == reverse(name, args=args)
    tag = Template("{% load links %}{% page_url 'surveys:vendor' slug %}")
    url = Template("{% url 'surveys:vendor' slug %}")
    context = {"slug": "dji"}
    assert tag.render(Context(context)) == url.render(Context(context))


def test_page_url_follows_the_script_prefix():
    assert page_url("surveys:vendor", "dji") == "/vendors/dji/"
    set_script_prefix("/dashboard/")
    try:
        assert page_url("surveys:vendor", "dji") == "/dashboard/vendors/dji/"
    finally:
        clear_script_prefix()
    assert page_url("surveys:vendor", "dji") == "/vendors/dji/"


@override_settings(ROOT_URLCONF="tests.urls_elsewhere")
def test_page_url_follows_the_url_configuration():
    assert page_url("surveys:vendor", "dji") == "/elsewhere/vendors/dji/"
