"""Streamlit glue shared by the pages: controls bound to the URL, the live training view, the
run store and the Altair chart builders. The only code besides the pages that imports streamlit
or altair."""
