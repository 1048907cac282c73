"""Documentation: every resource described, each definition written once, `dbt docs generate` without
warnings, and the static docs site checked in headless chromium (offline, lineage down to raw sources).

One `dbt docs generate --static` runs on the session's built sample; the browser checks read its
static_index.html. The definition check reads the YAML only and needs no build.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import PROJECT_DIR, Build, copy_warehouse, one_worker_at_a_time, run_dbt, shared_dir
from custseg.contract import raw_tables
from custseg.docs_site import (
    ChromiumMissing,
    DocsSiteError,
    check_lineage,
    chromium_path,
    is_local,
    main,
    pick_model,
    upstream_of,
)

ASSIGNMENT_MART = "dim_customer_segments"
SEED_ONLY_MODEL = "int_segmentation__feature_policy"  # reads seed segmentation_feature_policy only: no raw source upstream
YAML_FOLDERS = ("models", "python_models", "seeds", "snapshots", "macros", "analyses")
MACRO_SIGNATURE = re.compile(r"{%-?\s*(?:macro|test|materialization)\s+\w+\s*\((.*?)\)\s*-?%}", re.S)
DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.S)
WARNING_LINE = re.compile(r"\[WARNING\]|\[warn \]|\bWARN\b")
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Keys whose contents are data, not documentation: a seed column or a unit test fixture row may be called `description`.
NOT_DESCRIBED = frozenset({"config", "column_types", "given", "expect", "overrides"})


@dataclass(frozen=True)
class DocsBuild:
    output: str
    log: str
    manifest: dict[str, Any]
    catalog: dict[str, Any]
    static_index: Path


@pytest.fixture(scope="session")
def docs(built_sample: Build, tmp_path_factory: pytest.TempPathFactory) -> DocsBuild:
    """`dbt docs generate --static` once per run (shared by the workers), on the built sample: manifest,
    catalog and the one-file site."""
    workdir = shared_dir(tmp_path_factory, "docs")
    target = workdir / "target"
    with one_worker_at_a_time(workdir):
        if not (workdir / "output.txt").exists():
            # docs generate opens the warehouse for writing: a copy, so that other workers can read the shared one.
            warehouse = copy_warehouse(built_sample, workdir)
            result = run_dbt(
                ["docs", "generate", "--static"], built_sample.raw_dir, warehouse, target,
                steward_decisions=built_sample.steward_decisions,
            )
            assert result.returncode == 0, result.stdout[-3000:]
            (workdir / "output.txt").write_text(result.stdout + result.stderr)
    return DocsBuild(
        output=(workdir / "output.txt").read_text(),
        log=(target / "logs" / "dbt.log").read_text(),
        manifest=json.loads((target / "manifest.json").read_text()),
        catalog=json.loads((target / "catalog.json").read_text()),
        static_index=target / "static_index.html",
    )


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium; its absence fails the browser tests with the install instruction."""
    try:
        return chromium_path()
    except ChromiumMissing as error:
        pytest.fail(str(error))


# ---- no warnings ----


def test_docs_generate_prints_no_warnings(docs: DocsBuild) -> None:
    printed = [line for line in docs.output.splitlines() if WARNING_LINE.search(line)]
    logged = [line for line in docs.log.splitlines() if "[warn ]" in line]
    assert printed == [] and logged == [], "\n".join(printed + logged)


# ---- every resource described ----


def blank(text: str | None) -> bool:
    return not (text or "").strip()


def macro_arguments(macro_sql: str) -> list[str]:
    """Argument names of a macro or generic test as its signature declares them (defaults stripped)."""
    match = MACRO_SIGNATURE.search(macro_sql)
    if not match:
        return []
    names = [part.split("=")[0].strip() for part in re.split(r",(?![^(\[{]*[)\]}])", match.group(1))]
    return [n for n in names if n and not n.startswith("*")]


def undocumented_nodes(manifest: dict[str, Any], catalog: dict[str, Any]) -> Iterator[str]:
    """Models, sources, seeds and snapshots, their YAML columns and every column the warehouse has."""
    for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
        if node["resource_type"] not in ("model", "source", "seed", "snapshot") or node["package_name"] != "custseg":
            continue
        uid = node["unique_id"]
        if blank(node["description"]):
            yield uid
        if node["resource_type"] == "source" and blank(node["source_description"]):
            yield f"{uid} (source description)"
        yield from (f"{uid}.{c['name']}" for c in node["columns"].values() if blank(c["description"]))
        built = catalog["nodes"].get(uid) or catalog["sources"].get(uid)
        if built:  # none forgotten in the YAML
            missing = {c.lower() for c in built["columns"]} - {c.lower() for c in node["columns"]}
            yield from (f"{uid}.{c} (in the warehouse, not in the YAML)" for c in sorted(missing))


def undocumented_macros(manifest: dict[str, Any]) -> Iterator[str]:
    """Project macros and generic tests, and each argument their signature declares."""
    for macro in manifest["macros"].values():
        if macro["package_name"] != "custseg":
            continue
        uid = macro["unique_id"]
        if blank(macro["description"]):
            yield uid
        documented = {a["name"]: a for a in macro["arguments"]}
        for name in macro_arguments(macro["macro_sql"]):
            if name not in documented or blank(documented[name].get("description")):
                yield f"{uid}({name})"


def undocumented_semantics(manifest: dict[str, Any]) -> Iterator[str]:
    """Exposures, groups, metrics, semantic models and their entities, dimensions and measures."""
    for kind in ("exposures", "groups", "metrics"):
        yield from (x["unique_id"] for x in manifest[kind].values() if blank(x.get("description")))
    for model in manifest["semantic_models"].values():
        if blank(model["description"]):
            yield model["unique_id"]
        for part in ("entities", "dimensions", "measures"):
            yield from (f"{model['unique_id']}.{x['name']}" for x in model[part] if blank(x.get("description")))


def test_every_resource_and_column_is_described(docs: DocsBuild) -> None:
    undocumented = [
        *undocumented_nodes(docs.manifest, docs.catalog),
        *undocumented_macros(docs.manifest),
        *undocumented_semantics(docs.manifest),
    ]
    assert undocumented == [], "\n".join(undocumented)
    sources = {n["unique_id"] for n in docs.manifest["sources"].values()}
    assert len(sources) == len(raw_tables())
    staging = {n["name"] for n in docs.manifest["nodes"].values() if n["resource_type"] == "model" and n["name"].startswith("stg_")}
    assert {f"stg_{t.source}__{t.table}" for t in raw_tables().values()} <= staging


def test_macro_arguments_are_read_from_the_signature() -> None:
    sql = "{% test in_range(model, column_name, min_value=none, bounds=[1, 2], **kwargs) %} select 1 {% endtest %}"
    assert macro_arguments(sql) == ["model", "column_name", "min_value", "bounds"]
    assert macro_arguments("{%- macro clean_text(expression) -%}{%- endmacro %}") == ["expression"]


# ---- one definition, one place ----


def normalized(text: str) -> str:
    return " ".join(text.split())


def doc_blocks(root: Path) -> dict[str, str]:
    """Text of every doc block in the project -> its name."""
    blocks = {}
    for folder in YAML_FOLDERS:
        for path in (root / folder).rglob("*.md"):
            blocks.update({normalized(body): name for name, body in DOC_BLOCK.findall(path.read_text())})
    return blocks


def literal_descriptions(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """(text, place) of every description written out in full, i.e. not through a doc block."""
    if isinstance(node, dict):
        place = f"{where}:{node['name']}" if isinstance(node.get("name"), str) else where
        for key, value in node.items():
            if key == "description" and isinstance(value, str) and "{{" not in value and value.strip():
                yield normalized(value), place
            elif key not in NOT_DESCRIBED and isinstance(value, (dict, list)):
                yield from literal_descriptions(value, place)
    elif isinstance(node, list):
        for item in node:
            yield from literal_descriptions(item, where)


def yaml_folders(root: Path) -> list[str]:
    return sorted({str(p.parent.relative_to(root)) for f in YAML_FOLDERS for p in (root / f).rglob("*.yml")})


@cache
def written_descriptions(root: Path) -> dict[str, tuple[str, ...]]:
    """Every description written out in the project's YAML -> the places it is written, parsed once."""
    places: dict[str, list[str]] = defaultdict(list)
    for f in YAML_FOLDERS:
        for path in sorted((root / f).rglob("*.yml")):
            document = yaml.load(path.read_text(), Loader=YAML_LOADER)
            for text, place in literal_descriptions(document, str(path.relative_to(root))):
                places[text].append(place)
    return {text: tuple(where) for text, where in places.items()}


def repeated_definitions(root: Path, folder: str) -> list[str]:
    """Descriptions written in ``folder`` that are written elsewhere too, or that repeat a doc block."""
    blocks = doc_blocks(root)
    repeated = []
    for text, where in written_descriptions(root).items():
        if any(str(Path(p.split(":")[0]).parent) == folder for p in where) and (len(where) > 1 or text in blocks):
            fix = f'say {{{{ doc("{blocks[text]}") }}}}' if text in blocks else "put it in a doc block"
            repeated.append(f"{text[:80]!r} written at {list(where)}: {fix}")
    return repeated


@pytest.mark.parametrize("folder", yaml_folders(PROJECT_DIR))
def test_each_definition_is_written_once(folder: str) -> None:
    """A definition used in several places lives in one doc block ({% docs %}) that each place references."""
    repeated = repeated_definitions(PROJECT_DIR, folder)
    assert repeated == [], "\n".join(repeated)


def test_a_repeated_definition_is_found(tmp_path: Path) -> None:
    (tmp_path / "models" / "a").mkdir(parents=True)
    (tmp_path / "models" / "b").mkdir(parents=True)
    (tmp_path / "models" / "a" / "_a__models.yml").write_text(
        "models:\n  - name: m1\n    columns:\n      - {name: x, description: Revenue in US dollars.}\n"
        "      - {name: y, description: '{{ doc(\"y\") }}'}\n"
    )
    (tmp_path / "models" / "b" / "_b__models.yml").write_text(
        "models:\n  - name: m2\n    config: {column_types: {description: varchar}}\n"
        "    columns:\n      - {name: x, description: Revenue  in US dollars.}\n      - {name: y, description: The y.}\n"
    )
    (tmp_path / "models" / "b" / "_b__docs.md").write_text("{% docs y %}\nThe y.\n{% enddocs %}\n")
    (tmp_path / "models" / "b" / "_b__unit_tests.yml").write_text(
        "unit_tests:\n  - name: t\n    model: m2\n    given:\n      - input: ref('s')\n"
        "        rows: [{description: Revenue in US dollars.}]\n    expect: {rows: [{description: The y.}]}\n"
    )
    assert yaml_folders(tmp_path) == ["models/a", "models/b"]
    assert len(repeated_definitions(tmp_path, "models/a")) == 1  # the doc() reference does not count
    found = repeated_definitions(tmp_path, "models/b")
    assert len(found) == 2 and any('doc("y")' in f for f in found)


# ---- the static site in a real browser ----


def manifest_upstream_sources(manifest: dict[str, Any], unique_id: str) -> set[str]:
    """The oracle the browser is compared with: every source.* ancestor in the manifest's parent map."""
    seen, todo = set(), [unique_id]
    while todo:
        for parent in manifest["parent_map"].get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return {u for u in seen if u.startswith("source.")}


def latest_model_id(manifest: dict[str, Any], name: str) -> str:
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name]
    latest = [n for n in nodes if n.get("version") is None or str(n["version"]) == str(n.get("latest_version"))]
    assert len(latest) == 1, [n["unique_id"] for n in nodes]
    return latest[0]["unique_id"]


def test_lineage_of_the_assignment_mart_shows_its_raw_sources_offline(docs: DocsBuild, chromium: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "docs_lineage.png"
    result = check_lineage(docs.static_index, ASSIGNMENT_MART, screenshot, chromium=chromium)
    expected_id = latest_model_id(docs.manifest, ASSIGNMENT_MART)
    assert result.unique_id == expected_id
    expected_sources = manifest_upstream_sources(docs.manifest, expected_id)
    assert len(expected_sources) == len(raw_tables())  # the mart rests on every raw table
    assert set(result.upstream_sources) == expected_sources
    assert result.external_requests == ()
    assert result.problems() == []
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000


def test_check_fails_without_sources_upstream_or_with_a_request_leaving_the_page(
    docs: DocsBuild, chromium: Path, tmp_path: Path
) -> None:
    # The same site with one stylesheet from a CDN, the way hosted docs themes pull theirs.
    page = tmp_path / "static_index.html"
    html = docs.static_index.read_text()
    page.write_text(html.replace("<head>", '<head><link rel="stylesheet" href="https://cdn.example.com/theme.css">', 1))
    result = check_lineage(page, SEED_ONLY_MODEL, chromium=chromium)
    assert result.unique_id == f"model.custseg.{SEED_ONLY_MODEL}"
    assert "seed.custseg.segmentation_feature_policy" in result.upstream  # the graph is drawn; it just holds no source
    assert result.upstream_sources == []
    assert result.external_requests == ("https://cdn.example.com/theme.css",)
    problems = result.problems()
    assert len(problems) == 2 and "no source upstream" in problems[0] and "outside file://" in problems[1]


# ---- the pieces, without a browser ----


def test_upstream_follows_edges_backwards_only() -> None:
    edges = [("source.a", "stg_a"), ("stg_a", "mart"), ("seed.s", "mart"), ("mart", "exposure"), ("source.b", "stg_b")]
    assert upstream_of("mart", edges) == {"source.a", "stg_a", "seed.s"}
    assert upstream_of("source.a", edges) == frozenset()


def test_a_versioned_model_means_its_latest_version() -> None:
    versions = [
        {"unique_id": "model.p.m.v1", "version": 1, "latest_version": 2},
        {"unique_id": "model.p.m.v2", "version": 2, "latest_version": 2},
    ]
    assert pick_model("m", versions) == "model.p.m.v2"
    assert pick_model("m", [{"unique_id": "model.p.m", "version": None, "latest_version": None}]) == "model.p.m"
    with pytest.raises(DocsSiteError, match="no model"):
        pick_model("m", [])


def test_only_local_urls_count_as_offline() -> None:
    assert all(is_local(u) for u in ("file:///tmp/static_index.html#!/overview", "data:image/png;base64,AA", "about:blank"))
    assert not any(is_local(u) for u in ("https://cdn.example.com/x.css", "http://localhost:8080/", "//fonts.example.com/f"))


def test_missing_chromium_exits_2_with_the_install_instruction(tmp_path: Path, monkeypatch, capsys) -> None:
    page = tmp_path / "static_index.html"
    page.write_text("<html></html>")
    monkeypatch.setenv("SEG_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["--docs", str(page)]) == 2
    assert "install Debian's chromium: apt-get install chromium, or set SEG_CHROMIUM" in capsys.readouterr().err
    with pytest.raises(ChromiumMissing):
        chromium_path({"SEG_CHROMIUM": str(tmp_path / "no-chromium")})
    assert chromium_path({"SEG_CHROMIUM": shutil.which("sh") or "/bin/sh"}).name == "sh"
