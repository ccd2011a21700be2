"""The admin, for the people who keep this data: the site and one module per desk (corrections
and their drafts, imports, key findings, reference records, the survey records), registered by
obscc.apps once the site exists.

Published findings and corrections are never deleted: a figure changes through a correction,
and a correction ends by being withdrawn. Every change is kept by django-simple-history.
"""
