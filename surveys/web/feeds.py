"""Atom feed of corrections: each published correction, and its withdrawal, as an entry.

An entry's <updated> is when the correction last changed here (published, then perhaps
withdrawn), and the feed's own <updated> is the latest of those, so that a feed reader
sees a withdrawal as news. Drafts never appear.

An entry's <id> is a tag URI (RFC 4151), ``tag:<host>,2026:correction-<pk>``: the host is
the site's own (SITE_URL), not the one the feed was read at, and the date is fixed (the year
the entries were first tagged) rather than taken from the correction, whose times are set
anew if the database is ever built again from the data files. So the id never changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.timezone import localtime

from surveys.models import Correction
from surveys.values import correction_change_text
from surveys.web.selectors import corrections_list


def tagging_authority(request) -> str:
    """The host that names the entries: SITE_URL's, else (SITE_URL empty) the request's."""
    return urlsplit(settings.SITE_URL).hostname or split_domain_port(request.get_host())[0]


TAGGED_SINCE = "2026"


def entry_id(correction: Correction, authority: str) -> str:
    return f"tag:{authority},{TAGGED_SINCE}:correction-{correction.pk}"


class CorrectionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Corrections to the police surveillance camera survey figures"
    subtitle = "Every correction to a published figure or a body's answer, and every withdrawal."
    author_name = "OBSCC survey dashboard"

    def get_object(self, request, *args, **kwargs) -> str:
        return tagging_authority(request)

    def link(self):
        return reverse("surveys:corrections")

    def items(self, authority):
        # The latest changes first: a withdrawal brings an old correction back to the top.
        entries = list(corrections_list().order_by("-changed_at", "-pk")[:50])
        for entry in entries:
            entry.entry_id = entry_id(entry, authority)
        return entries

    def item_title(self, item):
        prefix = "Withdrawn: " if item.withdrawn_on else ""
        return f"{prefix}{item.target_label}: {correction_change_text(item)}"

    def item_description(self, item):
        announced = f"on {item.announced_display}" if item.announced_on else "(date not stated)"
        text = (
            f"{item.reason_display} Announced by {item.source.code} ({item.source.title}) "
            f"{announced}; "
            f"published here on {localtime(item.published_here_at):%-d %B %Y}."
        )
        if item.withdrawn_on:
            text += f" Withdrawn on {item.withdrawn_on:%-d %B %Y}: {item.withdrawal_reason}"
        # Atom's <summary type="html"> holds HTML: the plain text is escaped into HTML here,
        # and the feed writer escapes that HTML into XML.
        return escape(text)

    def item_link(self, item):
        return reverse("surveys:correction", kwargs={"pk": item.pk})

    def item_guid(self, item):
        return item.entry_id

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_here_at

    def item_updateddate(self, item):
        # Saved on every change, a withdrawal included; never before publication.
        return max(item.changed_at, self.item_pubdate(item))

    def item_copyright(self, item):
        """The licence of the words quoted (the correction's reason is its source's)."""
        return item.source.licence_display
