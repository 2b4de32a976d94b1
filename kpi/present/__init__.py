"""What the app, the command line and the client report show, the same way everywhere.

:mod:`~kpi.present.fmt` formats numbers, money and dates per language (Babel);
:mod:`~kpi.present.charts` builds the Altair charts (plain ``alt.Chart``; the app draws them
with :mod:`ui.chartview`); :mod:`~kpi.present.client_report` makes a client's quarterly
review as a PDF (typst), with those charts as vector images (vl-convert). The one place
under ``kpi/`` that imports altair; nothing here imports streamlit. Texts come through
the one catalog of each language, :mod:`kpi.texts`.
"""
