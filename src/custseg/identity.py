"""Clustering of linked customer records: the part of identity resolution SQL is the wrong tool for.

``cluster_records`` turns accepted pairwise links into clusters (one per real customer):

* Connected components are computed with ``scipy.sparse.csgraph`` (linear time, no recursion), so a
  long chain of links costs no more than a short one.
* Components that are suspiciously large, or that would put two records a data steward declared
  different (cannot-link) into one customer, are rebuilt greedily: links are added strongest first
  and a link is refused when it would join a cannot-link pair or grow a cluster past the size limit.
  A cannot-link is therefore never bridged through a chain of other links, and an oversized
  component is split at its weakest links instead of being merged silently. Such clusters carry a
  ``review_reason``.
* Each record is attached to its cluster through the strongest links (a maximum spanning tree):
  ``linked_to_record_key`` and the link's rule and weight say how it got there, the anchor (the
  smallest key) has none.

Everything is deterministic: inputs are sorted first and ties broken by record key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, minimum_spanning_tree

MUST_LINK_RULE = "steward_must_link"
CLUSTER_COLUMNS = [
    "source_record_key",
    "cluster_key",
    "cluster_size",
    "linked_to_record_key",
    "link_rule",
    "match_weight",
    "match_probability",
    "review_reason",
]


class ContradictoryStewardDecisions(ValueError):
    """Must-link decisions connect two records that a cannot-link decision keeps apart."""


class _UnionFind:
    """Union-find over record indices, with members and cannot-link partners per root."""

    def __init__(self, nodes: np.ndarray, forbidden: dict[int, set[int]]) -> None:
        self.parent = {int(n): int(n) for n in nodes}
        self.members = {int(n): [int(n)] for n in nodes}
        self.forbidden = {int(n): set(forbidden.get(int(n), ())) for n in nodes}

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def refusal(self, a: int, b: int, max_size: int | None) -> str | None:
        """Why the clusters of a and b may not be joined, or None when they may."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        if any(self.find(p) == large for m in self.members[small] for p in self.forbidden[m]):
            return "cannot_link"
        if max_size is not None and len(self.members[ra]) + len(self.members[rb]) > max_size:
            return "cluster_size_limit"
        return None

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        self.members[keep].extend(self.members.pop(gone))


def cluster_records(
    record_keys: pd.Series | list[str],
    links: pd.DataFrame,
    cannot_links: pd.DataFrame | None = None,
    max_cluster_size: int = 10,
    record_numbers: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per record: its cluster (anchor key), size, and the link that attached it.

    ``links`` has ``left_record_key``, ``right_record_key``, ``link_rule``, ``match_weight`` and
    ``match_probability``; links with rule ``steward_must_link`` are never refused for size.
    ``cannot_links`` has ``left_record_key`` and ``right_record_key``.
    With ``record_numbers`` (a number per record that sorts like its key), links may carry
    ``left_record_number`` and ``right_record_number`` instead of matching keys as strings (faster).
    """
    if max_cluster_size < 2:
        raise ValueError(f"max_cluster_size must be at least 2 (got {max_cluster_size}): set var identity_max_cluster_size")
    numbered = record_numbers is not None and {"left_record_number", "right_record_number"} <= set(links.columns)
    if numbered:
        # Numbers sort like keys: ordering by number orders the keys without comparing strings.
        numbers = pd.Series(record_numbers).to_numpy(dtype=np.int64)
        order = np.argsort(numbers, kind="stable")
        keys = pd.Series(record_keys).to_numpy(dtype=object)[order]
        links = _numbered_edges(links, numbers[order], len(keys))
    else:
        keys = np.sort(pd.Series(record_keys, dtype="str").drop_duplicates().to_numpy(dtype=object))
        links = _edges(links, pd.Index(keys))
    n = len(keys)
    index = pd.Index(keys)
    # A cannot-link may name a record since deleted upstream: it then constrains nothing.
    no_pairs = pd.DataFrame(columns=["left_record_key", "right_record_key"])
    cannot = _edges(cannot_links if cannot_links is not None else no_pairs, index, drop_unknown=True)

    # 1. Connected components of all accepted links.
    graph = coo_matrix((np.ones(len(links)), (links["li"].to_numpy(), links["ri"].to_numpy())), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    suspicious = sizes[component] > max_cluster_size
    cannot_left, cannot_right = cannot["li"].to_numpy(dtype=np.int64), cannot["ri"].to_numpy(dtype=np.int64)
    conflicted = component[cannot_left] == component[cannot_right]
    cut = np.isin(component, component[cannot_left[conflicted]])
    review = np.full(n, None, dtype=object)
    review[suspicious] = "cluster_size_limit"
    review[cut] = "cannot_link"
    label = component.astype(np.int64)

    # 2. Greedy rebuild of the components that may not simply be merged.
    flagged = np.unique(component[suspicious | cut])
    if len(flagged):
        in_flagged = np.isin(component[links["li"].to_numpy(dtype=np.int64)], flagged)
        label = _greedy_rebuild(links[in_flagged], cannot, component, flagged, label, max_cluster_size, keys)

    # 3. Clusters named by their smallest record key; records attached by a maximum spanning tree.
    anchor = pd.Series(np.arange(n)).groupby(label).transform("min").to_numpy()
    same_cluster = anchor[links["li"].to_numpy(dtype=np.int64)] == anchor[links["ri"].to_numpy(dtype=np.int64)]
    tree_links = links[same_cluster]
    parent = _spanning_parents(tree_links, anchor, n)
    cluster_size = np.bincount(anchor, minlength=n)[anchor]

    frame = pd.DataFrame(
        {
            "source_record_key": keys,
            "cluster_key": keys[anchor],
            "cluster_size": cluster_size.astype(np.int64),
            "parent": parent,
        }
    )
    attach = tree_links.assign(a=np.minimum(tree_links["li"], tree_links["ri"]), b=np.maximum(tree_links["li"], tree_links["ri"]))
    frame["a"] = np.minimum(np.arange(n), parent)
    frame["b"] = np.maximum(np.arange(n), parent)
    frame = frame.merge(attach[["a", "b", "link_rule", "match_weight", "match_probability"]], on=["a", "b"], how="left")
    frame["linked_to_record_key"] = pd.Series(np.where(parent >= 0, keys[np.maximum(parent, 0)], None), dtype="object")
    # A cluster is flagged when any of its records came from a flagged component.
    flagged_records = suspicious | cut
    reason_by_anchor = pd.Series(review[flagged_records]).groupby(anchor[flagged_records]).min()
    frame["review_reason"] = reason_by_anchor.reindex(anchor).to_numpy(dtype=object)
    frame = frame[CLUSTER_COLUMNS].sort_values("source_record_key", kind="stable").reset_index(drop=True)
    # Explicit types, so that an empty or all-null column still reaches the warehouse typed.
    return frame.astype(
        {
            "source_record_key": "string",
            "cluster_key": "string",
            "cluster_size": "int64",
            "linked_to_record_key": "string",
            "link_rule": "string",
            "match_weight": "float64",
            "match_probability": "float64",
            "review_reason": "string",
        }
    )


def _edges(pairs: pd.DataFrame, index: pd.Index, drop_unknown: bool = False) -> pd.DataFrame:
    """Pairs as integer record indices, both ends known, sorted for determinism."""
    frame = pairs.copy()
    frame["li"] = index.get_indexer(frame["left_record_key"].astype("str"))
    frame["ri"] = index.get_indexer(frame["right_record_key"].astype("str"))
    unknown = frame[(frame["li"] < 0) | (frame["ri"] < 0)]
    if drop_unknown:
        frame = frame.drop(unknown.index)
    elif len(unknown):
        first = unknown.iloc[0]
        raise ValueError(
            f"{len(unknown)} link(s) name a record that is not among the party records, "
            f"e.g. {first['left_record_key']} - {first['right_record_key']}"
        )
    frame = frame[frame["li"] != frame["ri"]]
    return frame.sort_values(["li", "ri"], kind="stable").reset_index(drop=True)


def _numbered_edges(links: pd.DataFrame, sorted_numbers: np.ndarray, n: int) -> pd.DataFrame:
    """Links given by record numbers, mapped to positions in key order (``sorted_numbers`` ascending)."""
    if n > 1 and not (np.diff(sorted_numbers) > 0).all():
        raise ValueError("record_numbers must give every record one distinct number")
    frame = links.copy()
    for side in ("left", "right"):
        position = np.searchsorted(sorted_numbers, frame[f"{side}_record_number"].to_numpy(dtype=np.int64))
        position = np.minimum(position, max(n - 1, 0))
        if len(frame) and not np.array_equal(sorted_numbers[position], frame[f"{side}_record_number"].to_numpy(dtype=np.int64)):
            raise ValueError("links name a record number that is not among the party records")
        frame[f"{side[0]}i"] = position
    frame = frame[frame["li"] != frame["ri"]]
    return frame.sort_values(["li", "ri"], kind="stable").reset_index(drop=True)


def _greedy_rebuild(
    links: pd.DataFrame,
    cannot: pd.DataFrame,
    component: np.ndarray,
    flagged: np.ndarray,
    label: np.ndarray,
    max_cluster_size: int,
    keys: np.ndarray,
) -> np.ndarray:
    nodes = np.flatnonzero(np.isin(component, flagged))
    forbidden: dict[int, set[int]] = {}
    for a, b in zip(cannot["li"].tolist(), cannot["ri"].tolist()):
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    uf = _UnionFind(nodes, forbidden)
    must = (links["link_rule"] == MUST_LINK_RULE).to_numpy()
    order = np.lexsort((links["ri"].to_numpy(), links["li"].to_numpy(), -links["match_weight"].fillna(np.inf).to_numpy(), ~must))
    for i in order:  # a Python loop over the few links of flagged components only
        a, b, is_must = int(links["li"].iat[i]), int(links["ri"].iat[i]), bool(must[i])
        reason = uf.refusal(a, b, None if is_must else max_cluster_size)
        if reason is None:
            uf.union(a, b)
        elif is_must and reason == "cannot_link":
            raise ContradictoryStewardDecisions(
                f"Must-link {keys[a]} - {keys[b]} would join records a cannot-link keeps apart; "
                "fix seeds/steward/identity_link_decisions.csv (seeds/sample/ in a build of the generated sample)"
            )
    relabelled = label.copy()
    offset = int(label.max()) + 1 if len(label) else 0
    for node in nodes.tolist():
        relabelled[node] = offset + uf.find(node)
    return relabelled


def _spanning_parents(tree_links: pd.DataFrame, anchor: np.ndarray, n: int) -> np.ndarray:
    """For each record, its neighbour on the path to the anchor through the strongest links (-1: anchor)."""
    parent = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return parent
    weight = tree_links["match_weight"].astype(float).fillna(np.inf).to_numpy()
    finite = weight[np.isfinite(weight)]
    top = finite.max() if len(finite) else 0.0
    # Strongest link = cheapest edge; must-links (no weight) cheapest of all; costs stay positive.
    cost = np.where(np.isfinite(weight), top - weight + 2.0, 1.0)
    graph = coo_matrix((cost, (tree_links["li"], tree_links["ri"])), shape=(n, n)).tocsr()
    tree = minimum_spanning_tree(graph)
    # A virtual root joined to every anchor turns the forest into one tree for a single search.
    anchors = np.flatnonzero(anchor == np.arange(n))  # an anchor is its own cluster's smallest record
    rows = np.concatenate([tree.tocoo().row, np.full(len(anchors), n)])
    cols = np.concatenate([tree.tocoo().col, anchors])
    data = np.concatenate([tree.tocoo().data, np.ones(len(anchors))])
    forest = coo_matrix((data, (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    _, predecessors = breadth_first_order(forest, n, directed=False, return_predecessors=True)
    parent[:] = predecessors[:n]
    parent[(parent == n) | (parent < 0)] = -1
    return parent
