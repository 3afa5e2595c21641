"""The DWC search client: decision-search result pages -> `dwc_search` rows + letter PDFs.

Built and tested against a local replica of the form as `../shared/dwc-search.md` documents
it (fetch/fake_site.py), never against the live site: every page is checked against that
description and anything else stops the run with a `FetchError` saying what was expected.
"""
