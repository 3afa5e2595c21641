"""The synthetic demo corpus: letters rendered from drawn cases, for the app and the tests.

Not part of the ingest flow: it may import ingest (to check its letters parse), never the
reverse.
"""
