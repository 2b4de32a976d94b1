"""The client review PDF (issue 21 part 3): every number in it is the engine's for that client
and period, formatted as the app formats it, in English and Spanish; á, ñ and € are text;
no other client's name is anywhere in it; user text is never read as typst markup; the
command line writes one client's PDF or every client's."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pypdf
import pytest
import typst
from workspace_helpers import PASSPHRASE, create, month_files

from kpi import LoadOptions, load_files
from kpi.cli import PASSPHRASE_ENV, main
from kpi.metrics import get
from kpi.present import fmt
from kpi.present.client_report import document, file_name, lit, render_pdf
from kpi.present.review import (
    CONTRACT_KPIS,
    DEVICE_KPIS,
    SERVICE_KPIS,
    ClientReview,
    client_review,
    last_complete_quarter,
)
from kpi.report import Engine, ReportOptions
from ui.report_charts import chart_svgs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
#: a client of the sample with projects, a contract and an alert in 2026 Q3
CLIENT = "Acme Logística S.L."
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_files([str(SAMPLE)], LoadOptions()))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, whitespace (line breaks, no-break spaces) as single spaces."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages).replace("\xa0", " "))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@pytest.fixture(scope="module", params=["en", "es"])
def made(request: pytest.FixtureRequest, engine: Engine) -> tuple[ClientReview, str]:
    review = client_review(engine, CLIENT, lang=request.param, msp_name="Soporte Ñandú €")
    return review, pdf_text(render_pdf(review, chart_svgs(review)))


def test_the_default_period_is_the_last_complete_quarter_against_the_one_before(
    made: tuple[ClientReview, str],
) -> None:
    review, _ = made
    assert (review.period.start, review.period.end) == Q3  # the sample's as_of: 2026-10-31
    assert review.compared is not None
    assert (review.compared.start, review.compared.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert last_complete_quarter(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert last_complete_quarter(date(2026, 1, 15)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_every_service_number_is_the_engines(engine: Engine, made: tuple[ClientReview, str]):
    """Each KPI's row reads label, value, previous, change and target as the engine
    reports them for the client and period (computed here again, independently)."""
    review, text = made
    lang, cur = review.lang, engine.money.currency
    report = engine.report(ReportOptions(start=Q3[0], end=Q3[1], clients=[CLIENT],
                                         compare="previous", lang=lang))  # fmt: skip
    by_kpi = report.set_index("kpi")
    shown = 0
    for kpi_id in (*SERVICE_KPIS, *DEVICE_KPIS, *CONTRACT_KPIS):
        if kpi_id not in by_kpi.index:
            continue
        r, k = by_kpi.loc[kpi_id], get(kpi_id)
        label = k.label(lang)
        if kpi_id == "csat":
            n = fmt.number(by_kpi.loc["csat_responses", "value"], lang)
            label = f"{label} ({n} {'respuestas' if lang == 'es' else 'responses'})"
        target = (
            fmt.EMPTY if fmt.is_empty(r["target"]) else fmt.value(r["target"], k.unit, lang, cur)
        )
        change = fmt.delta(r["delta"], k.unit, lang, cur) or fmt.EMPTY
        line = " ".join([label, fmt.value(r["value"], k.unit, lang, cur),
                         fmt.value(r["previous"], k.unit, lang, cur), change, target])  # fmt: skip
        assert norm(line) in text, line
        shown += 1
    assert shown == len(SERVICE_KPIS) + len(DEVICE_KPIS) + len(CONTRACT_KPIS)


def test_breakdowns_contract_and_projects_are_the_engines(
    engine: Engine, made: tuple[ClientReview, str]
) -> None:
    review, text = made
    lang, cur = review.lang, engine.money.currency
    opts = ReportOptions(start=Q3[0], end=Q3[1], clients=[CLIENT], lang=lang)
    report = engine.report(replace(opts, kpis=["tickets_opened", "mrr"])).set_index("kpi")
    # tickets by priority: each row, and they add up to the tickets opened
    prio = engine.tickets_by(opts, "priority")
    assert int(prio["n"].sum()) == int(report.loc["tickets_opened", "value"])
    for g, n in zip(prio["grp"], prio["n"], strict=True):
        share = fmt.percent(n / prio["n"].sum(), lang)
        assert norm(f"{g} {fmt.number(n, lang)} {share}") in text
    # the contract: its MRR is the MRR KPI, its renewal date and days left
    contracts = engine.active_contracts(opts)
    assert contracts["mrr"].sum() == pytest.approx(report.loc["mrr", "value"])
    for cid, end, days, mrr in contracts[["contract_id", "end_date", "days", "mrr"]].itertuples(
        index=False
    ):
        expected = f"{cid} {fmt.value(mrr, 'currency', lang, cur)} {fmt.date_(end, lang)} "
        assert norm(expected + fmt.number(days, lang)) in text
    # projects: state, percent complete, budget burn
    projects = engine.project_portfolio(opts)
    assert len(projects) == 2
    for name, done, burn in projects[["name", "percent_complete", "burn"]].itertuples(index=False):
        assert norm(f"{name}") in text
        assert norm(f"{fmt.percent(done, lang, 0)} {fmt.percent(burn, lang, 0)}") in text
    # the client's alert, as the engine words it
    alerts = engine.alerts(opts)
    mine = alerts[alerts["client"] == CLIENT]
    assert len(mine) >= 1
    for message in mine["message"]:
        assert norm(message) in text


def test_accents_and_the_euro_are_text_in_an_embedded_font(
    made: tuple[ClientReview, str], engine: Engine
) -> None:
    review, text = made
    assert "Soporte Ñandú €" in text and "Acme Logística S.L." in text
    assert "€" in fmt.currency(1, review.lang)  # the sample is in euros: amounts carry €
    pdf = render_pdf(review, chart_svgs(review))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        desc = (
            descendants[0].get_object()["/FontDescriptor"]
            if descendants
            else font["/FontDescriptor"]
        )
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


@pytest.mark.parametrize("client", [CLIENT, "Despacho Jurídico Ortega & Asociados", "Fabrikam Inc"])
def test_no_other_client_is_named_anywhere(engine: Engine, client: str) -> None:
    """Not in the text, the typst source (alerts, tables, appendix) nor the charts' SVG."""
    review = client_review(engine, client, lang="es")
    svgs = chart_svgs(review)
    source = document(review, svgs)
    text = pdf_text(render_pdf(review, chart_svgs(review)))
    assert client in text
    others = [c for c in engine.clients() if c != client and c not in client]
    assert others
    for other in others:
        assert other not in source and other not in text
        assert all(other not in svg for _, svg in svgs)


NASTY = 'ACME #1 $5 *bold* _it_ @ref <lbl> [x] "q" \\ // /* `code` = h\nline'


def test_user_text_is_never_typst_markup(engine: Engine) -> None:
    src = f'#set text(font: "Libertinus Serif")\n#par[#{lit(NASTY)}]\n'
    text = pdf_text(typst.compile(src.encode(), format="pdf", ignore_system_fonts=True))
    assert text.strip() == norm(NASTY)
    review = client_review(engine, CLIENT, lang="en")
    odd = replace(review, client=NASTY.replace("\n", " "), msp_name="Tom & Jerry's $ #IT")
    text = pdf_text(render_pdf(odd, chart_svgs(odd)))
    assert norm(odd.client) in text and "Tom & Jerry's $ #IT" in text


def test_the_logo_is_on_the_cover(engine: Engine) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 119, 180)).save(buf, format="PNG")
    review = client_review(engine, CLIENT, lang="en", logo=buf.getvalue())
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(review, chart_svgs(review))))
    (image,) = reader.pages[0].images  # the logo, on the cover
    assert Image.open(io.BytesIO(image.data)).size == (40, 20)
    assert not reader.pages[1].images


def test_file_names_are_plain() -> None:
    assert file_name("Ortega & Asociados / Ñ", "2026-07-01..2026-09-30") == (
        "Ortega_Asociados_N_2026-07-01_2026-09-30.pdf"
    )


def test_the_cli_writes_one_client(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (30, 10), (200, 30, 30)).save(logo)
    out = tmp_path / "reviews" / "acme.pdf"  # its folder is made
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "client-report", str(SAMPLE), "--client", "acme logistica sl",
         "--lang", "es", "--compare", "year", "--start", "2026-07-01", "--end", "2026-09-30",
         "--msp-name", "Ñandú IT", "--logo", str(logo), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[0] == str(out)
    reader = pypdf.PdfReader(out)
    text = pdf_text(out.read_bytes())
    assert "Ñandú IT" in text and "Acme Logística S.L." in text
    assert "comparado con 1 jul 2025 – 30 sept 2025" in text
    assert len(reader.pages[0].images) == 1  # the logo on the cover


def test_the_cli_refuses_an_unknown_client_and_all_without_a_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["client-report", str(SAMPLE), "--client", "Nobody Ltd"]) == 2
    assert "Nobody Ltd" in capsys.readouterr().err
    assert main(["client-report", str(SAMPLE), "--all"]) == 2
    assert "--out DIR" in capsys.readouterr().err


def test_the_cli_writes_every_client(tmp_path: Path, engine: Engine) -> None:
    assert main(["client-report", str(SAMPLE), "--all", "--out", str(tmp_path / "all")]) == 0
    files = sorted((tmp_path / "all").iterdir())
    assert len(files) == len(engine.clients())
    for client in engine.clients()[:3]:
        (path,) = [f for f in files if f.name == file_name(client, "2026-07-01..2026-09-30")]
        first = pypdf.PdfReader(path).pages[0].extract_text()
        assert client in norm(first)


def test_the_cli_reads_a_workspace_with_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    ws = create(path)
    ws.add(jan)
    ws.add(feb)
    ws.update_settings({"msp_name": "Ñandú IT", "targets": {"tickets_resolved": 5}})
    out = tmp_path / "acme.pdf"
    argv = ["client-report", "--workspace", str(path), "--client", "acme",
            "--start", "2025-01-01", "--end", "2025-02-28", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = pdf_text(out.read_bytes())
    assert "Ñandú IT" in text and "Acme" in text and "Beta" not in text
    # Acme: T1 and T2 created in January, resolved Jan 5 and Feb 3 (February's export);
    # no comparison (the quarter before starts before the data); the workspace's target
    assert "Tickets opened 2 — — — —" in text
    assert "Tickets resolved 2 — — 5 Off target" in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_clients_alerts_at_once_are_each_clients_own(engine: Engine, lang: str) -> None:
    """client_pdfs computes the alerts of every client once for all the reviews: each
    client's rows are those its own filter gives."""
    from kpi.present.review import review_options

    opts = review_options(engine, lang=lang)
    every = engine.alerts(opts)
    assert every["client"].nunique() > 5
    for client in engine.clients():
        own = engine.alerts(replace(opts, clients=[client]))
        mine = every[every["client"] == client]
        assert _records(own) == _records(mine), client


def _records(df: pd.DataFrame) -> list[dict[str, object]]:
    """The rows, an empty cell None (None in one frame, NaN in the other: the same)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")
