"""The application layer: the one `imr` command line, and the runs that span layers
(ingest, then refresh the query layer's caches). It may import ingest, queries and demo;
nothing but the UI's upload box imports it.
"""
