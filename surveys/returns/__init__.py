"""The pages an invited body uses at its secret link (``/returns/<token>/``): the return form,
draft, review, submission and receipt, and the questionnaire as XLSX to fill in offline."""
