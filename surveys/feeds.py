"""Atom feed of corrections: each correction, and its withdrawal, as an entry."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from surveys.selectors import corrections_list


class CorrectionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Corrections to the police surveillance camera survey figures"
    subtitle = "Every correction to a published figure or a body's answer, and every withdrawal."
    author_name = "OBSCC survey dashboard"

    def link(self):
        return reverse("surveys:corrections")

    def items(self):
        return corrections_list()[:50]

    def item_title(self, item):
        prefix = "Withdrawn: " if item.withdrawn_on else ""
        return f"{prefix}{item.target_label}: {item.old_value} → {item.new_value}"

    def item_description(self, item):
        text = f"{item.reason} Source: {item.source.code} ({item.source.title})."
        if item.withdrawn_on:
            text += f" Withdrawn on {item.withdrawn_on:%-d %B %Y}: {item.withdrawal_reason}"
        # Atom's <summary type="html"> holds HTML: the plain text is escaped into HTML here,
        # and the feed writer escapes that HTML into XML.
        return escape(text)

    def item_link(self, item):
        return reverse("surveys:correction", kwargs={"pk": item.pk})

    def item_guid(self, item):
        return f"correction-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.recorded_at

    def item_updateddate(self, item):
        if item.withdrawn_on:
            return timezone.make_aware(
                datetime.datetime.combine(item.withdrawn_on, datetime.time(12))
            )
        return item.recorded_at
