"""Check the static dbt docs site in a real headless browser: it opens offline and shows lineage.

``dbt docs generate --static`` writes one self-contained HTML file (target/static_index.html) that
data stewards open without a server. Whether it really works is a browser question: the AngularJS
app must boot from the file, find the model, and draw its lineage graph with cytoscape. So this
module drives Debian's chromium through Playwright (never a downloaded browser), clicks the same
buttons a steward clicks (the model page, "View Lineage Graph", "View Fullscreen"), and reads the
lineage back from the running app's own graph service: the elements it displays and the nodes
cytoscape drew. It does not re-derive lineage from the manifest, so a page that renders an empty or
wrong graph fails the check even when manifest.json is right.

The page must also stay offline: every request it makes is recorded, and any whose URL is not
local (file:, data:, blob:, about:) is refused and reported.

CLI (exit 0 when the lineage shows raw sources upstream and nothing went out, 1 with the reason
otherwise, 2 when chromium or the docs file is missing)::

    python -m custseg.docs_site --docs target/static_index.html --model dim_customer_segments \\
        --screenshot target/docs_lineage.png
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MISSING = "install Debian's chromium: apt-get install chromium, or set SEG_CHROMIUM"
# Quiet, sandbox-free headless chromium that does not phone home (updates, sync, first-run pages).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})
VIEWPORT = {"width": 1920, "height": 1080}

# The dbt docs app is AngularJS with ng-app on <html>; its services hold the loaded project and graph.
_INJECTOR = "angular.element(document.documentElement).injector()"
_PROJECT_READY_JS = f"""() => new Promise((resolve) => {_INJECTOR}.get('project').ready(() => resolve(true)))"""
_MODEL_CANDIDATES_JS = f"""(name) => {{
    const manifest = {_INJECTOR}.get('project').files.manifest;
    return Object.values(manifest.nodes)
        .filter((n) => n.resource_type === 'model'
            && [n.unique_id, n.name, `model.${{n.package_name}}.${{n.name}}`].includes(name))
        .map((n) => ({{unique_id: n.unique_id, version: n.version ?? null, latest_version: n.latest_version ?? null}}));
}}"""
_VIEW_NODE_JS = f"""(uid) => {{
    const node = {_INJECTOR}.get('selectorService').getViewNode();
    return !!node && node.unique_id === uid;
}}"""
_FULLSCREEN_DRAWN_JS = f"""(uid) => {{
    const graph = {_INJECTOR}.get('graph');
    const cy = graph.graph_element;
    return graph.orientation === 'fullscreen' && !!cy && cy.getElementById(uid).length === 1
        && cy.nodes().length === graph.graph.elements.filter((e) => !e.data.source).length;
}}"""
_GRAPH_STATE_JS = f"""() => {{
    const graph = {_INJECTOR}.get('graph');
    const cy = graph.graph_element;
    const elements = graph.graph.elements;
    return {{
        nodes: elements.filter((e) => !e.data.source)
            .map((e) => ({{unique_id: e.data.unique_id, resource_type: e.data.resource_type}})),
        edges: elements.filter((e) => e.data.source).map((e) => [e.data.source, e.data.target]),
        drawn: cy.nodes().filter((n) => n.visible()).map((n) => n.data('unique_id')),
    }};
}}"""


class ChromiumMissing(RuntimeError):
    """Debian's chromium (or $SEG_CHROMIUM) is not there: the check cannot run, which is not a failure of the site."""


class DocsSiteError(RuntimeError):
    """The docs page did not behave: the app did not boot, the model is unknown, or the graph never drew."""


@dataclass(frozen=True)
class LineageCheck:
    """What the browser showed for one model: its lineage as drawn, and the requests the page made."""

    unique_id: str
    graph_nodes: dict[str, str]  # unique_id -> resource type, every node the graph displays
    upstream: frozenset[str]  # nodes drawn upstream of the model
    external_requests: tuple[str, ...]
    screenshot: Path | None = None
    local_requests: int = field(default=0)

    @property
    def upstream_sources(self) -> list[str]:
        """The raw sources (source.* nodes) the graph draws upstream of the model, sorted."""
        return sorted(u for u in self.upstream if self.graph_nodes.get(u) == "source")

    def problems(self) -> list[str]:
        """Why the site fails the check; empty when lineage reaches raw sources and nothing went out."""
        found = []
        if not self.upstream_sources:
            found.append(f"the lineage graph of {self.unique_id} shows no source upstream of it")
        if self.external_requests:
            found.append(f"the page made {len(self.external_requests)} request(s) outside file://: {', '.join(self.external_requests[:5])}")
        return found


def chromium_path(env: dict[str, str] | None = None) -> Path:
    """The chromium to drive: $SEG_CHROMIUM, else Debian's /usr/bin/chromium; never a downloaded browser."""
    configured = (env if env is not None else os.environ).get("SEG_CHROMIUM") or DEFAULT_CHROMIUM
    found = shutil.which(configured)
    if not found:
        raise ChromiumMissing(f"chromium not found at {configured}: {CHROMIUM_MISSING}")
    return Path(found)


def is_local(url: str) -> bool:
    """True for URLs that never leave the machine (the file itself, inline data, blobs, about:blank)."""
    return urlsplit(url).scheme.lower() in LOCAL_SCHEMES


def upstream_of(unique_id: str, edges: list[tuple[str, str]]) -> frozenset[str]:
    """Every node with a path to ``unique_id`` along the drawn edges (parent -> child), breadth first."""
    parents: dict[str, list[str]] = {}
    for parent, child in edges:
        parents.setdefault(child, []).append(parent)
    seen: set[str] = set()
    queue = deque([unique_id])
    while queue:
        for parent in parents.get(queue.popleft(), []):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    seen.discard(unique_id)
    return frozenset(seen)


def pick_model(name: str, candidates: list[dict[str, Any]]) -> str:
    """The unique_id a model name means: the node itself, or for a versioned model its latest version.

    The name may also be the unversioned unique_id (model.custseg.dim_customer_segments), which a model
    keeps in links and bookmarks made before it was versioned.
    """
    if not candidates:
        raise DocsSiteError(f"no model {name!r} in the manifest embedded in the page")
    if len(candidates) == 1:
        return str(candidates[0]["unique_id"])
    latest = [c for c in candidates if c["version"] is not None and str(c["version"]) == str(c["latest_version"])]
    if len(latest) != 1:
        raise DocsSiteError(f"model {name!r} is ambiguous in the manifest: {sorted(c['unique_id'] for c in candidates)}")
    return str(latest[0]["unique_id"])


def check_lineage(
    docs: Path, model: str, screenshot: Path | None = None, chromium: Path | None = None, timeout_ms: int = 60_000
) -> LineageCheck:
    """Open the static docs in headless chromium, show the model's full lineage graph and read it back."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium or chromium_path()
    requests = _RequestLog()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT, service_workers="block")
            context.route("**/*", requests.route)
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            try:
                unique_id, state = _show_lineage(page, docs.resolve().as_uri(), model)
                if screenshot is not None:
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.mouse.move(0, 0)  # no hover tooltip over the graph
                    page.screenshot(path=str(screenshot))
            except PlaywrightError as error:
                raise DocsSiteError(f"the docs page did not show the lineage of {model!r}: {error}") from error
        finally:
            browser.close()
    return _lineage_from_state(unique_id, state, requests, screenshot)


@dataclass
class _RequestLog:
    """Every request the page makes: local ones go through, any other is refused and kept as evidence."""

    local: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def route(self, request_route: Any) -> None:
        url = request_route.request.url
        if is_local(url):
            self.local.append(url)
            request_route.continue_()
        else:
            self.external.append(url)
            request_route.abort()


def _show_lineage(page: Any, url: str, model: str) -> tuple[str, dict[str, Any]]:
    """Drive the app as a steward does: boot, open the model page, open the lineage, go fullscreen."""
    page.goto(url + "#!/overview", wait_until="load")
    page.wait_for_function("() => !!window.angular")
    page.evaluate(_PROJECT_READY_JS)
    unique_id = pick_model(model, page.evaluate(_MODEL_CANDIDATES_JS, model))
    page.evaluate("(uid) => { window.location.hash = '#!/model/' + uid; }", unique_id)
    page.wait_for_function(_VIEW_NODE_JS, arg=unique_id)
    page.click("a[title='View Lineage Graph']")
    page.click("a[title='View Fullscreen'][ng-click='showExpanded()']")
    page.wait_for_function(_FULLSCREEN_DRAWN_JS, arg=unique_id)
    return unique_id, page.evaluate(_GRAPH_STATE_JS)


def _lineage_from_state(unique_id: str, state: dict[str, Any], requests: _RequestLog, screenshot: Path | None) -> LineageCheck:
    """Keep only what cytoscape actually drew (a hidden node is not shown lineage) and walk it upstream."""
    drawn = set(state["drawn"])
    nodes = {n["unique_id"]: n["resource_type"] for n in state["nodes"] if n["unique_id"] in drawn}
    edges = [(a, b) for a, b in state["edges"] if a in drawn and b in drawn]
    return LineageCheck(
        unique_id=unique_id,
        graph_nodes=nodes,
        upstream=upstream_of(unique_id, edges),
        external_requests=tuple(requests.external),
        screenshot=screenshot,
        local_requests=len(requests.local),
    )


def main(argv: list[str] | None = None) -> int:
    """CLI: print the sources upstream of the model as drawn; exit 1 with the reason when the check fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=Path, default=Path("target/static_index.html"), help="dbt docs generate --static output")
    parser.add_argument("--model", default="dim_customer_segments", help="model name or unique_id (a versioned model: its latest version)")
    parser.add_argument("--screenshot", type=Path, help="PNG of the lineage graph")
    args = parser.parse_args(argv)
    if not args.docs.is_file():
        print(f"no docs file at {args.docs}: run `dbt docs generate --static` first", file=sys.stderr)
        return 2
    try:
        result = check_lineage(args.docs, args.model, args.screenshot)
    except ChromiumMissing as error:
        print(str(error), file=sys.stderr)
        return 2
    except DocsSiteError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1
    print(f"{result.unique_id}: {len(result.graph_nodes)} nodes drawn, {len(result.upstream)} upstream")
    for source in result.upstream_sources:
        print(f"  upstream source: {source}")
    print(f"requests: {result.local_requests} local, {len(result.external_requests)} outside file://")
    if result.screenshot is not None:
        print(f"screenshot: {result.screenshot}")
    problems = result.problems()
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
