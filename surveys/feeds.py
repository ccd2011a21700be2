"""Atom feed of corrections: each published correction, and its withdrawal, as an entry.

An entry's <updated> is when the correction last changed here (published, then perhaps
withdrawn), and the feed's own <updated> is the latest of those, so that a feed reader
sees a withdrawal as news. Drafts never appear.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from surveys.selectors import corrections_list
from surveys.values import correction_change_text


class CorrectionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Corrections to the police surveillance camera survey figures"
    subtitle = "Every correction to a published figure or a body's answer, and every withdrawal."
    author_name = "OBSCC survey dashboard"

    def link(self):
        return reverse("surveys:corrections")

    def items(self):
        # The latest changes first: a withdrawal brings an old correction back to the top.
        return corrections_list().order_by("-changed_at", "-pk")[:50]

    def item_title(self, item):
        prefix = "Withdrawn: " if item.withdrawn_on else ""
        return f"{prefix}{item.target_label}: {correction_change_text(item)}"

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
        """When it was published here (corrections from before drafts: when recorded)."""
        return item.published_at or item.recorded_at

    def item_updateddate(self, item):
        # Saved on every change, a withdrawal included; never before publication.
        return max(item.changed_at, self.item_pubdate(item))
