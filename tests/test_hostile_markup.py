"""What users type is data, never markup: names and values from links, saved scenarios, plans and
uploads reach the page's markdown escaped (no image fetched, no link, no bold, no formula).

The escaping itself (:func:`report.format.literal`) was checked in Debian's chromium: a name holding
``![x](http://…)``, ``[link](http://…)``, a bare ``http://…`` or ``www.…`` address, an e-mail,
``:red[…]``, ``$x^2$`` and ``<b>`` renders as exactly that text, with no ``<a>`` or ``<img>`` and no
request. These tests hold each entrance to it.
"""

from __future__ import annotations

import ast
import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from report.format import literal
from simulator.scenario import Scenario
from tests.apptest_support import app
from ui.scenarios import saved

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

#: Markdown that would fetch an outside image and draw a link inside the app's own message box.
HOSTILE = "![x](http://evil.example/a.png) [Session expired – sign in again](http://evil.example)"


def shown(at: AppTest) -> list[str]:
    """Every markdown source the page sent: messages, captions, texts, card labels."""
    elements = [*at.warning, *at.error, *at.success, *at.info, *at.caption, *at.markdown]
    return [element.value for element in elements] + [metric.label for metric in at.metric]


def assert_inert(texts: list[str]) -> None:
    for text in texts:
        assert "![" not in text and "](" not in text and "http://" not in text, text


def test_a_hostile_value_in_a_link_is_quoted_as_text() -> None:
    at = app(churn_pct=HOSTILE)
    assert not at.exception
    notice = at.warning[0].value
    assert literal("churn_pct") in notice or "churn" in notice
    assert_inert(shown(at))


def test_a_hostile_parameter_name_in_a_link_is_quoted_as_text() -> None:
    at = app(**{HOSTILE: "1"})
    assert not at.exception
    assert at.warning and literal("evil.example") in at.warning[0].value
    assert_inert(shown(at))


def test_hostile_scenario_names_are_text_on_the_scenarios_page_and_the_presenter() -> None:
    base = Scenario(starting_mrr=100_000, churn_rate=0.03, months=36)
    at = app()
    at.session_state[saved.STORE_KEY] = {HOSTILE: base, "**Plan**": base.replace(churn_rate=0.02)}
    at.session_state[saved.COMPARED_KEY] = [HOSTILE, "**Plan**"]
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert_inert(shown(at))
    assert any(literal(HOSTILE) in text for text in shown(at))
    at.query_params["slide"] = "4"
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert_inert(shown(at))
    assert "\\*\\*Plan\\*\\*" in " ".join(shown(at))


def test_a_hostile_initiative_name_is_text_on_the_biggest_lever_page() -> None:
    at = app("pages/biggest-lever.py", plan=f'[["{HOSTILE}","churn_rate",-0.005,1,3,null]]')
    assert not at.exception
    assert_inert(shown(at))
    assert any(literal(HOSTILE) in text for text in shown(at))


# Issue 23, finding 3: the two open markdown paths, and one rule for every renderer.

#: Names a link can carry (segments and saved scenarios take 40 characters, initiatives 200), each markup
#: that plotly or markdown would act on: a link, bold, a line break, an image.
SEGMENT_NAMES = ("<a href='//evil.example'>Pay</a>", "<b>Q3</b><br>x", "[sign in](http://evil.example)")
PLAN_NAMES = ("<a href='http://evil.example/login'>Sign in again</a>", HOSTILE)
COMPARED_NAMES = ("![x](http://evil.example/a.png)", "<a href='//evil.example'>Base</a>")


def _compare_link(names: tuple[str, ...]) -> str:
    import base64
    import json
    import zlib

    from simulator.scenario import to_dict

    base = Scenario(starting_mrr=100_000, churn_rate=0.03, months=36)
    items = [
        [name, to_dict(base) if i == 0 else {"churn_rate": 0.02 + 0.005 * i}] for i, name in enumerate(names)
    ]
    return base64.urlsafe_b64encode(zlib.compress(json.dumps(items).encode())).decode().rstrip("=")


def hostile_link() -> dict[str, str]:
    import json

    segments = [
        [name, 4.0 - i, 1.0, 3.0 + i, [30, 40, 30][i], [70, 25, 5][i], 800]
        for i, name in enumerate(SEGMENT_NAMES)
    ]
    plan = [
        [name, lever, change, 1 + i, 3, None]
        for i, (name, lever, change) in enumerate(
            zip(PLAN_NAMES, ("churn_rate", "expansion_rate"), (-0.5, 0.5), strict=True)
        )
    ]
    return {
        "segments_on": "1",
        "segments": json.dumps(segments, ensure_ascii=False),
        "plan": json.dumps(plan, ensure_ascii=False),
        "compare": _compare_link(COMPARED_NAMES),
    }


def chart_strings(at: AppTest) -> list[str]:
    """Every text in every chart the page drew (the figure's JSON, walked)."""
    import json

    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return found


def every_markdown(at: AppTest) -> list[str]:
    """Every markdown source the page sent, cards' changes and help and headings included."""
    texts = shown(at) + [m.proto.delta for m in at.metric] + [m.proto.help for m in at.metric]
    return texts + [h.value for h in (*at.title, *at.header, *at.subheader)]


def assert_no_markup(at: AppTest) -> None:
    assert not at.exception
    assert_inert(every_markdown(at) + [e.proto.label for e in at.get("expandable")])
    for block in at.get("html"):  # raw HTML the page wrote (chart titles, styles): escaped if quoted
        assert "evil.example'>" not in block.proto.body
    for text in chart_strings(at):
        assert "<a " not in text and "<b>Q3" not in text and "<br>x" not in text, text


PAGES = [
    "pages/home.py",
    "pages/calculator.py",
    "pages/compounding.py",
    "pages/leaky-bucket.py",
    "pages/biggest-lever.py",
    "pages/uncertainty.py",
    "pages/unit-economics.py",
    "pages/scenarios.py",
    "pages/downloads.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_no_name_in_a_link_reaches_markdown_or_a_chart_as_markup(page: str) -> None:
    """A link's segment, plan and compared names, each a markdown or plotly link, on every page: the
    cards' "vs <name>", headings, sentences, legends, axis labels and hover all show them as text."""
    at = app("pages/scenarios.py", **hostile_link())
    assert not at.exception
    assert at.session_state["segments_on"]  # the hostile link was read, not refused
    at.switch_page(page).run()
    assert_no_markup(at)


@pytest.mark.parametrize("slide", ["1", "2", "3", "4"])
def test_no_name_in_a_link_reaches_a_slide_as_markup(slide: str) -> None:
    at = app("pages/scenarios.py", **hostile_link())
    at.query_params["slide"] = slide
    at.switch_page("pages/present.py").run()
    assert_no_markup(at)


def test_an_uploaded_files_name_and_segments_are_text_on_know_your_number() -> None:
    from simulator.sample_data import generate_export
    from ui.actuals.uploads import UPLOAD_KEY

    export = generate_export(60, months=15).replace(
        {"segment": {"SMB": SEGMENT_NAMES[0], "Mid-market": SEGMENT_NAMES[1], "Enterprise": SEGMENT_NAMES[2]}}
    )
    at = app("pages/know-your-number.py")
    name = "![x](http://evil.example/a.png) [sign in](http://evil.example).csv"
    at.file_uploader(key=UPLOAD_KEY).set_value((name, export.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and at.metric
    assert_no_markup(at)


#: The calls that hand a plotly figure to something that draws it.
RENDERERS = frozenset({"plotly_chart", "to_html", "to_image", "write_image", "write_html", "calc_fig"})
#: Where each may be made: the page's one gate (after report.charts.inert), and the report's, whose
#: figures all come from build_report (made inert there).
GATES = {("show.py", "chart"), ("html.py", "_chart_div"), ("images.py", "png")}


def _renderer_calls(tree: ast.AST) -> list[tuple[str, int]]:
    """Each call that draws a figure, by the function it is in (``<module>`` outside any)."""
    inside: dict[int, str] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                inside.setdefault(id(node), function.name)
    return [
        (inside.get(id(node), "<module>"), node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RENDERERS
    ]


def test_every_figure_reaches_a_renderer_through_a_gate_that_makes_its_names_text() -> None:
    """Like the raw-HTML test (tests/test_hostile_app.py): a new call that draws a figure anywhere else
    fails here, so that no user text reaches plotly without :func:`report.charts.inert.inert`."""
    root = Path(__file__).resolve().parents[1]
    sources = [
        root / "app.py",
        *sorted((root / "pages").glob("*.py")),
        *sorted((root / "ui").rglob("*.py")),
        *sorted((root / "report").rglob("*.py")),
    ]
    found = {
        (source.name, function)
        for source in sources
        for function, _ in _renderer_calls(ast.parse(source.read_text(encoding="utf-8")))
    }
    assert found == GATES
    show = (root / "ui" / "show.py").read_text(encoding="utf-8")
    assert show.index("inert(figure)") < show.index(".plotly_chart(")
    content = (root / "report" / "content.py").read_text(encoding="utf-8")
    assert "name: inert(figure)" in content


# Issue 23, finding 3: the server's own chromium (kaleido's charts, the PDF printer) makes no request.

#: What the traced process does: one chart drawn by kaleido's chromium, one page printed to PDF.
_DRAW_AND_PRINT = """
import plotly.graph_objects as go
from report.images import ChartRenderer
from report.pdf import print_pdf

with ChartRenderer() as renderer:
    assert renderer.png(go.Figure(go.Bar(x=["a"], y=[1])), width=300, height=200).startswith(b"\\x89PNG")
    assert print_pdf("<p>An NRR report</p>", chromium=renderer.chromium).startswith(b"%PDF")
"""
_ADDRESS = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)"')
_PORT = re.compile(r"port=htons\((\d+)\)")
#: A connected socket's peer, as ``-yy`` writes it: ``<UDP:[192.0.2.2:5000->10.255.255.53:53]>``.
_PEER = re.compile(r"->\[?([0-9a-f.:]+?)\]?:\d+\]>")


def outside_traffic(trace: str) -> list[str]:
    """The lines of an ``strace -f -yy`` log that put a packet on the network to anything but this
    machine: a TCP connection started, a DNS query (a UDP socket connected to port 53, or a datagram
    sent to another machine).

    A UDP ``connect`` to another port that sends nothing puts nothing on the wire: chromium makes one
    to a public address to ask the kernel whether IPv6 has a route (its reachability check).
    """
    found = []
    for line in trace.splitlines():
        call = re.search(r" (connect|sendto|sendmsg|sendmmsg)\((\d+<.*?\]>)?", line)
        if call is None:
            continue
        kind, descriptor = call.group(1), call.group(2) or ""
        address = _ADDRESS.search(line)
        if kind == "connect":
            port = _PORT.search(line)
            outside = address is not None and not ipaddress.ip_address(address.group(1)).is_loopback
            if outside and ("<TCP" in descriptor or (port is not None and port.group(1) == "53")):
                found.append(line)
            continue
        peer = _PEER.search(descriptor)
        remote = peer.group(1) if peer else address.group(1) if address else None
        if remote and not ipaddress.ip_address(remote).is_loopback:
            found.append(line)
    return found


def test_outside_traffic_is_found_in_a_trace() -> None:
    """The reader of the trace, on lines strace wrote for a DNS lookup and its query, a TCP connection,
    a route check, the loopback and a local pipe."""
    lookup = '1 connect(4<UDP:[8]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.9.9.5")})'
    query = "2 sendmmsg(4<UDP:[192.0.2.2:56930->10.9.9.5:53]>, [...], 2, MSG_NOSIGNAL) = 2"
    tcp = '3 connect(3<TCP:[5]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")})'
    route = (
        "4 connect(21<UDPv6:[357409]>, {sa_family=AF_INET6, sin6_port=htons(443), "
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0'
    )
    local = (
        '5 connect(5<TCP:[6]>, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")})'
    )
    pipe = "6 sendmsg(12<UNIX-STREAM:[4242->4243]>, {msg_name=NULL, ...}, MSG_NOSIGNAL) = 64"
    trace = "\n".join((lookup, query, tcp, route, local, pipe))
    assert outside_traffic(trace) == [lookup, query, tcp]


@pytest.mark.browser
def test_the_servers_chromium_makes_no_outside_request(tmp_path: Path) -> None:
    """kaleido's chromium (charts) and the PDF printer, traced by strace: before, they looked up
    accounts.google.com, update.googleapis.com, clients2.google.com, optimizationguide-pa.googleapis.com
    and start.duckduckgo.com."""
    from report.images import find_chromium

    if find_chromium() is None or shutil.which("strace") is None:
        reason = "needs chromium and strace (`sudo apt-get install -y chromium strace`)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    log = tmp_path / "trace.txt"
    root = Path(__file__).resolve().parents[1]
    traced = subprocess.run(
        [
            "strace", "-f", "-qq", "-yy", "-s", "0", "-o", str(log),
            "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-e", "signal=none",
            sys.executable, "-c", _DRAW_AND_PRINT,
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert traced.returncode == 0, traced.stderr[-2000:]
    found = outside_traffic(log.read_text(errors="replace"))
    assert not found, f"{len(found)} packets to other machines, the first: {found[0]}"
