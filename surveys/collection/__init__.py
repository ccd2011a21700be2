"""Running a round online: opening it, invitations and their secret links, the returns bodies
draft and submit, the editors' review, and publication. Nothing here is public until
``publish`` makes the collection a public round."""
