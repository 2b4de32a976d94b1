"""The client review as a PDF: a :class:`~kpi.present.review.ClientReview` laid out by typst.

Typst (a typesetting engine in one wheel, no TeX installation) makes the PDF with its own
embedded fonts (Libertinus Serif: á, ñ and € are real text in the PDF). The charts come in
drawn: SVG text made by the caller from the app's own Altair builders
(:func:`ui.report_charts.chart_svgs`: vl-convert, Altair's renderer, no browser), placed as
vector images; the engine imports neither Altair nor Streamlit. Nothing is fetched at run
time.

Every text that comes from the data (the client's name, a project's, an alert's message)
and every formatted number enters the document as a typst *string literal* through
:func:`lit`, never as markup: ``ACME #1 $5 *x*`` prints as written.

Example:
    >>> review = client_review(engine, "Acme", lang="es")    # kpi.present.review
    >>> pdf = render_pdf(review, chart_svgs(review))         # ui.report_charts
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from kpi.metrics import get
from kpi.present import fmt
from kpi.present.review import (
    CONTRACT_KPIS,
    CSAT_RESPONSES,
    DEVICE_KPIS,
    SERVICE_KPIS,
    ClientReview,
)
from kpi.texts import t

#: the font typst embeds in its wheel used for the whole document (SIL Open Font License)
FONT = "Libertinus Serif"


def lit(text: Any) -> str:
    """``text`` as a typst string literal: ``"a \\"b\\""``. Inserted with ``#lit`` in markup
    or as an argument in code, it is shown as written, never read as markup.

    Examples:
        >>> lit('ACME #1 $5 *x* _y_ "q" \\\\')
        '"ACME #1 $5 *x* _y_ \\\\"q\\\\" \\\\\\\\"'
    """
    s = str(text).replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n").replace("\t", " ")
    return f'"{s}"'


def file_name(client: str, period_label: str) -> str:
    """A file name for a client's PDF: letters, digits, ``-`` and ``_`` only.

    Example:
        >>> file_name("Acme Logística S.L.", "2026-07-01..2026-09-30")
        'Acme_Logistica_S_L_2026-07-01_2026-09-30.pdf'
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", f"{client} {period_label}")
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9-]+", "_", plain).strip("_")[:150] + ".pdf"


# ------------------------------------------------------------------------------- numbers


def value_text(review: ClientReview, kpi_id: str, v: Any) -> str:
    """A value of ``kpi_id`` as the app shows it (:func:`kpi.present.fmt.value`)."""
    return fmt.value(v, get(kpi_id).unit, review.lang, review.currency)


def delta_text(review: ClientReview, kpi_id: str, v: Any) -> str:
    """A change of ``kpi_id`` with its sign (:func:`kpi.present.fmt.delta`), or an em dash."""
    return fmt.delta(v, get(kpi_id).unit, review.lang, review.currency) or fmt.EMPTY


def target_text(review: ClientReview, kpi_id: str, target: Any) -> str:
    """A target (a number or a ``(lo, hi)`` band), or an em dash."""
    if isinstance(target, tuple):
        lo, hi = (value_text(review, kpi_id, x) for x in target)
        return f"{lo} – {hi}"
    return fmt.EMPTY if fmt.is_empty(target) else value_text(review, kpi_id, target)


def service_rows(review: ClientReview) -> list[list[str]]:
    """The service table: KPI, value, previous, change, target, status (texts)."""
    lang = review.lang
    out = []
    for kpi_id in (*SERVICE_KPIS, *DEVICE_KPIS, *CONTRACT_KPIS):
        row = review.row(kpi_id)
        if row is None:
            continue
        label = get(kpi_id).label(lang)
        if kpi_id == "csat":
            responses = review.row(CSAT_RESPONSES)
            if responses is not None:
                n = fmt.number(responses["value"], lang)
                label = t("cr.csat_with", lang, label=label, n=n)
        status = row.get("status")
        out.append([
            label,
            value_text(review, kpi_id, row["value"]),
            value_text(review, kpi_id, row.get("previous")),
            delta_text(review, kpi_id, row.get("delta")),
            target_text(review, kpi_id, row.get("target")),
            t(f"status.{status}", lang) if isinstance(status, str) and status else fmt.EMPTY,
        ])  # fmt: skip
    return out


# ------------------------------------------------------------------------------ document


def _cells(values: Iterable[Any]) -> str:
    return ", ".join(f"[#{lit(v)}]" for v in values)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], align: str) -> str:
    """A typst table with a bold header row; ``align`` one letter per column (l, r)."""
    aligns = ", ".join({"l": "left", "r": "right"}[a] for a in align)
    body = ",\n  ".join(_cells(r) for r in rows)
    return (
        f"#table(columns: {len(header)}, align: ({aligns},), stroke: 0.4pt + luma(180),\n"
        f"  table.header({', '.join(f'[*#{lit(h)}*]' for h in header)}),\n  {body}\n)\n"
    )


def _heading(text: str) -> str:
    return f"#heading(level: 1, {lit(text)})\n"


def _para(text: str) -> str:
    return f"#par[#{lit(text)}]\n"


def cover(review: ClientReview) -> str:
    """The cover: the MSP's logo and name, the client, the period and its comparison."""
    lang = review.lang
    p = review.period
    lines = ["#align(center)[\n#v(3cm)\n"]
    if review.logo:
        lines.append(
            '#image(bytes(json(bytes(sys.inputs.at("logo")))), height: 2.5cm)\n#v(0.5cm)\n'
        )
    if review.msp_name:
        lines.append(f"#text(size: 16pt)[#{lit(review.msp_name)}]\n#v(1.5cm)\n")
    lines.append(f"#text(size: 12pt, fill: luma(90))[#{lit(t('cr.title', lang))}]\n#v(0.3cm)\n")
    lines.append(f'#text(size: 26pt, weight: "bold")[#{lit(review.client)}]\n#v(0.6cm)\n')
    lines.append(f"#text(size: 13pt)[#{lit(fmt.date_range(p.start, p.end, lang))}]\n")
    if review.compared is not None:
        c = review.compared
        versus = t("cr.compared_with", lang, period=fmt.date_range(c.start, c.end, lang))
    else:
        versus = t("cr.no_comparison", lang)
    lines.append(f"#v(0.2cm)\n#text(size: 10pt, fill: luma(90))[#{lit(versus)}]\n")
    lines.append(f"#v(0.2cm)\n#text(size: 10pt, fill: luma(90))[#{lit(_as_of(review))}]\n]\n")
    return "".join(lines) + "#pagebreak()\n"


def _as_of(review: ClientReview) -> str:
    return t("cr.as_of", review.lang, date=fmt.date_(review.period.as_of, review.lang))


def service(review: ClientReview) -> str:
    """The service numbers with their change and target."""
    lang = review.lang
    head = [t(f"cr.col.{c}", lang) for c in ("kpi", "value", "previous", "delta", "target",
                                               "status")]  # fmt: skip
    rows = service_rows(review)
    if not rows:
        return _heading(t("cr.service", lang)) + _para(t("cr.nothing", lang))
    return _heading(t("cr.service", lang)) + _table(head, rows, "lrrrrl")


def breakdown_tables(review: ClientReview) -> str:
    """Tickets by category and by priority, with each one's share of the tickets."""
    lang = review.lang
    parts = []
    for key, df in (("category", review.by_category), ("priority", review.by_priority)):
        if df.empty:
            continue
        total = float(df["n"].sum())
        rows = [[t("cr.not_given", lang) if fmt.is_empty(g) else g, fmt.number(n, lang),
                 fmt.percent(n / total if total else None, lang)]
                for g, n in zip(df["grp"], df["n"], strict=True)]  # fmt: skip
        head = [t(f"cr.col.{key}", lang), t("cr.col.tickets", lang), t("cr.col.share", lang)]
        parts.append(_table(head, rows, "lrr"))
    if not parts:
        return ""
    return _heading(t("cr.tickets_by", lang)) + "\n".join(parts)


def devices(review: ClientReview) -> str:
    """Devices covered and not, and the uncovered ones by name as actions."""
    lang = review.lang
    active, uncovered = review.row("active_devices"), review.row("uncovered_devices")
    if active is None:
        return ""
    out = _heading(t("cr.devices", lang))
    n_unc: Any = uncovered["value"] if uncovered is not None else None
    covered = None if fmt.is_empty(n_unc) else float(active["value"]) - float(n_unc)
    numbers = {"active": fmt.number(active["value"], lang), "covered": fmt.number(covered, lang),
               "uncovered": fmt.number(n_unc, lang)}  # fmt: skip
    out += _para(t("cr.devices_line", lang, **numbers))
    if not review.uncovered.empty:
        out += _para(t("cr.uncovered_action", lang))
        rows = [[h if not fmt.is_empty(h) else i, ty if not fmt.is_empty(ty) else fmt.EMPTY,
                 fmt.date_(s, lang)]
                for i, h, ty, s in zip(review.uncovered["device_id"], review.uncovered["hostname"],
                                       review.uncovered["device_type"],
                                       review.uncovered["last_seen"], strict=True)]  # fmt: skip
        head = [t(f"cr.col.{c}", lang) for c in ("device", "type", "last_seen")]
        out += _table(head, rows, "lll")
    elif not fmt.is_empty(n_unc) and float(n_unc) > 0:
        out += _para(t("cr.uncovered_unnamed", lang))
    return out


def contract(review: ClientReview) -> str:
    """The contracts active at the period's end: MRR, renewal date, days left."""
    lang = review.lang
    if review.contracts.empty:
        return ""
    rows = []
    for cid, end, days, mrr in zip(review.contracts["contract_id"], review.contracts["end_date"],
                                   review.contracts["days"], review.contracts["mrr"],
                                   strict=True):  # fmt: skip
        left = fmt.EMPTY if fmt.is_empty(days) else fmt.number(days, lang)
        rows.append([cid, fmt.value(mrr, "currency", lang, review.currency),
                     fmt.date_(None if fmt.is_empty(end) else end, lang), left])  # fmt: skip
    head = [t(f"cr.col.{c}", lang) for c in ("contract", "mrr", "renewal", "days_left")]
    return _heading(t("cr.contract", lang)) + _table(head, rows, "lrrr")


def projects(review: ClientReview) -> str:
    """The client's projects: state, percent complete, budget burn."""
    lang = review.lang
    df = review.projects
    if df.empty:
        return ""
    rows = [[name, t(f"pj.state.{state}", lang), fmt.percent(done, lang, 0),
             fmt.percent(burn, lang, 0)]
            for name, state, done, burn in zip(df["name"], df["state"], df["percent_complete"],
                                               df["burn"], strict=True)]  # fmt: skip
    head = [t(f"cr.col.{c}", lang) for c in ("project", "state", "complete", "burn")]
    return _heading(t("cr.projects", lang)) + _table(head, rows, "llrr")


def recommendations(review: ClientReview) -> str:
    """The client's alerts, most severe first, as recommendations."""
    lang = review.lang
    out = _heading(t("cr.recommendations", lang))
    if review.alerts.empty:
        return out + _para(t("cr.no_alerts", lang))
    order = {"bad": 0, "warn": 1}
    df = review.alerts.assign(o=review.alerts["severity"].map(order).fillna(2)).sort_values(
        "o", kind="stable"
    )
    items = "".join(
        f'- #text(weight: "bold")[#{lit(t(f"sev.{s}", lang))}]: #{lit(m)}\n'
        for s, m in zip(df["severity"], df["message"], strict=True)
    )
    return out + items


def appendix(review: ClientReview) -> str:
    """The definitions of the numbers shown."""
    lang = review.lang
    ids = [k for k in (*SERVICE_KPIS, CSAT_RESPONSES, *DEVICE_KPIS, *CONTRACT_KPIS)
           if review.row(k) is not None]  # fmt: skip
    items = "".join(
        f"/ #{lit(get(k).label(lang))}: #{lit(get(k).description(lang))}\n" for k in ids
    )
    return "#pagebreak()\n" + _heading(t("cr.appendix", lang)) + "#set text(size: 9pt)\n" + items


def document(review: ClientReview, svgs: Sequence[tuple[str, str]]) -> str:
    """The typst source of the review; chart ``i``'s SVG is ``sys.inputs.chart{i}``."""
    lang = review.lang
    footer = f"{review.client} · {fmt.date_range(review.period.start, review.period.end, lang)}"
    head = (
        f"#set document(title: {lit(t('cr.title', lang) + ' · ' + review.client)})\n"
        # the footer from the second page on (none on the cover)
        f'#set page(paper: "a4", margin: 2cm, footer: context if counter(page).get().first() '
        f"> 1 [#set text(size: 8pt, fill: luma(110)); #{lit(footer)} #h(1fr) "
        "#counter(page).display()])\n"
        f'#set text(font: "{FONT}", size: 10pt, lang: "{lang}")\n'
        "#show heading: set block(above: 1.4em, below: 0.8em)\n"
    )
    trends = ""
    if svgs:
        trends = _heading(t("cr.trends", lang)) + "".join(
            # a chart and its title on one page
            f'#block(breakable: false)[#text(weight: "bold")[#{lit(title)}]\n'
            f'#image(bytes(sys.inputs.at("chart{i}")), format: "svg", width: 100%)]\n'
            for i, (title, _) in enumerate(svgs)
        )
    notes = "".join(_para(n) for n in review.notes)
    return "".join([
        head, cover(review), service(review), notes, trends, breakdown_tables(review),
        devices(review), contract(review), projects(review), recommendations(review),
        appendix(review),
    ])  # fmt: skip


#: draws a review's charts: (title, SVG text) each (:func:`ui.report_charts.chart_svgs`)
Draw = Callable[[ClientReview], Sequence[tuple[str, str]]]


def _compile(review: ClientReview, svgs: Sequence[tuple[str, str]], **how: Any) -> Any:
    import typst

    inputs = {f"chart{i}": svg for i, (_, svg) in enumerate(svgs)}
    if review.logo:
        # an image's bytes reach typst as a JSON list of byte values (its inputs are text)
        inputs["logo"] = json.dumps(list(review.logo))
    source = document(review, svgs)
    return typst.compile(source.encode("utf-8"), sys_inputs=inputs, ignore_system_fonts=True,
                         **how)  # fmt: skip


def render_pdf(review: ClientReview, svgs: Sequence[tuple[str, str]]) -> bytes:
    """The review as PDF bytes (typst, fonts embedded, charts as vectors); ``svgs``: its
    charts, drawn (:data:`Draw`)."""
    pdf = _compile(review, svgs, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf


def render_pages(
    review: ClientReview, svgs: Sequence[tuple[str, str]], ppi: int = 96
) -> list[bytes]:
    """The review's pages as PNG images, from the same typst source as :func:`render_pdf`
    (the app shows the report as it will print)."""
    pages = _compile(review, svgs, format="png", ppi=ppi)
    return list(pages) if isinstance(pages, list) else [pages]


def client_pdfs(
    engine: Any, clients: Sequence[str], draw: Draw, **review: Any
) -> Iterator[tuple[str, str, bytes]]:
    """(client, file name, PDF bytes) of each client's review, in order, made one at a
    time (a caller shows progress between them).

    Args:
        engine: the :class:`~kpi.report.Engine` of the data.
        clients: client names (:func:`kpi.present.review.match_client` matches each).
        draw: draws a review's charts (:func:`ui.report_charts.chart_svgs`).
        review: the options of :func:`kpi.present.review.client_review` (period,
            comparison, language, targets, the MSP's name and logo).

    Raises:
        UsageError: an unknown client or comparison, or a bad period.
    """
    from kpi.present.review import client_review, review_options

    shared = {}
    if len(clients) > 1:  # every client's alerts at once (one pass of the rules)
        keys = ("start", "end", "as_of", "lang", "targets")
        opts = review_options(engine, **{k: review[k] for k in keys if k in review})
        shared["every_alert"] = engine.alerts(opts)
    for client in clients:
        r = client_review(engine, client, **review, **shared)
        yield r.client, file_name(r.client, r.period.label), render_pdf(r, draw(r))
