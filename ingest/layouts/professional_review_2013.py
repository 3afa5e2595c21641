from ingest.model import ParseError


def parse(text):
    raise ParseError("layout_unsupported")
