"""Entry point: page config, the shared sidebar, navigation, and one friendly error boundary."""

from __future__ import annotations

import logging

import streamlit as st

from ui import data, pages, sidebar, warmup
from ui.common import upload_box

st.set_page_config(page_title="IMR outcomes", page_icon=":material/balance:", layout="wide")
log = logging.getLogger("imr.app")

try:
    navigation = st.navigation(pages.ALL)
    if "case" in st.query_params and navigation.url_path != pages.CASE.url_path:
        st.switch_page(pages.CASE, query_params={"case": st.query_params["case"]})
    sidebar.render(data.filter_options())
    navigation.run()
except data.NoDatabase as exc:
    st.info(
        f"No database at `{exc}` yet: run `imr ingest LETTERS/ --db {exc}`, `imr app` "
        "(which loads the demo letters), or add letters here."
    )
    upload_box()
except data.DatabaseBusy:
    st.warning("The database is being updated by an ingest run. Reload in a few seconds.")
except Exception:
    log.exception("page failed")
    st.error(
        "Something went wrong while drawing this page. Try another filter or reload; "
        "the details are in the server log."
    )
finally:  # after the first page is drawn: the other pages' default queries, in the background
    warmup.start_once()
