"""What the app, the command line and the client report show, the same way everywhere.

:mod:`~kpi.present.fmt` formats numbers, money and dates per language (Babel);
:mod:`~kpi.present.review` gathers one client's review and
:mod:`~kpi.present.client_report` lays it out as a PDF (typst), with its charts handed in
drawn (the app's own Altair builders, :mod:`ui.charts`, drawn as SVG by
:mod:`ui.report_charts`): like the rest of kpi/, nothing here imports altair or streamlit.
Texts come through the one catalog of each language, :mod:`kpi.texts`.
"""
