"""Scores of the document-understanding chain against a synthetic corpus's truth: typing macro-F1, field
exact-match per field and per type, consistency-check recall per injected inconsistency and false alerts on clean
pages, watchlist identifier recall.

Inputs are the datasets the recipes write (types, fields, hits) and the corpus annotations; every score is
computed on one split (the template-disjoint test split by default), so the figures are those of unseen layouts.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from vigie.documents.consistency import FAILED, CheckResult, check_page
from vigie.documents.doc_typing import macro_f1
from vigie.documents.field_specs import field_specs, period_columns, table_spec
from vigie.documents.ocr_store import corpus_id
from vigie.documents.recipes_consistency import page_fields
from vigie.runtime.context import Folder

_ACT = re.compile(r"^(act_\w+?|period_start|period_end|salary)_\d+$")  # a table column's cell, by row


@dataclass(frozen=True)
class PageTruth:
    """What the corpus says of one page: split, type, care type, role, printed values, forged field, injection."""

    id: str
    split: str
    doc_type: str
    care_type: str
    beneficiary_role: str
    printed: dict
    forged_field: str
    injected: Optional[dict]


def corpus_truth(folder: Folder, labels: pd.DataFrame) -> dict[str, PageTruth]:
    """The truth of every readable page of a corpus folder, by corpus id."""
    truth = {}
    for row in labels[labels["status"] == "ok"].itertuples(index=False):
        content = json.loads(folder.read_bytes(f"annotations/{row.id}.json")).get("content", {})
        truth[row.id] = PageTruth(row.id, row.split, row.doc_type, str(getattr(row, "care_type", "") or ""),
                                  str(getattr(row, "beneficiary_role", "") or ""), content.get("printed", {}),
                                  str(row.field_name) if row.forged else "", content.get("inconsistency") or None)
    return truth


def _in_split(truth: Mapping[str, PageTruth], split: Optional[str]) -> dict[str, PageTruth]:
    return {k: v for k, v in truth.items() if split is None or v.split == split}


# ---------------------------------------------------------------------------------------------------- typing

def typing_scores(types: pd.DataFrame, truth: Mapping[str, PageTruth], split: Optional[str] = "test") -> dict:
    """Macro-F1 and F1 per type, and care-type and beneficiary-role accuracy where the truth has one."""
    pages = _in_split(truth, split)
    rows = types[types["status"] == "ok"].assign(id=types["document_id"].map(corpus_id))
    rows = rows[rows["id"].isin(pages)].drop_duplicates("id")
    predicted = dict(zip(rows["id"], rows["doc_type"]))
    ids = sorted(pages)
    score, per_class = macro_f1([pages[i].doc_type for i in ids], [predicted.get(i, "") for i in ids])
    out = {"pages": len(ids), "typed": len(predicted), "macro_f1": round(score, 4),
           "f1_per_type": {k: round(v, 4) for k, v in per_class.items()}}
    for column, attribute in (("care_type", "care_type"), ("beneficiary_role", "beneficiary_role")):
        read = dict(zip(rows["id"], rows[column].fillna("").astype(str)))
        graded = [i for i in ids if getattr(pages[i], attribute)]
        right = sum(read.get(i) == getattr(pages[i], attribute) for i in graded)
        out[f"{column}_accuracy"] = round(right / len(graded), 4) if graded else None
        out[f"{column}_pages"] = len(graded)
    return out


# ------------------------------------------------------------------------------------------------ extraction

def keyed_truth(printed: Mapping[str, object], doc_type: str) -> dict[str, str]:
    """The printed values of the fields extraction is asked for on a type (act lines and salary periods: their
    tables' columns)."""
    names = {s.name for s in field_specs(doc_type)}
    table = table_spec(doc_type)
    columns = {*(table.columns if table else ()), *period_columns(doc_type)}
    return {k: str(v) for k, v in printed.items()
            if k in names or (_ACT.match(k) and _ACT.match(k)[1] in columns)}


def report_name(field_name: str) -> str:
    """The name a field is reported under: act lines pooled per column (act_code_3 -> act_code)."""
    match = _ACT.match(field_name)
    return match[1] if match else field_name


def _extracted(fields: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per corpus id, the values read on its first page."""
    readable = fields[(fields["status"].fillna("ok") == "ok") & fields["field"].fillna("").astype(bool)]
    first_page = readable[readable["page"] == readable.groupby("document_id")["page"].transform("min")]
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in first_page.itertuples(index=False):
        found[corpus_id(str(row.document_id))][str(row.field)] = str(row.value)
    return found


def extraction_scores(fields: pd.DataFrame, truth: Mapping[str, PageTruth], split: Optional[str] = "test") -> dict:
    """Exact-match accuracy and coverage per field (act lines pooled per column) within each true type, per type
    and overall. A forged page's tampered field is left out: the page no longer shows its printed truth."""
    found = _extracted(fields)
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    misses = []
    for page_id, page in sorted(_in_split(truth, split).items()):
        expected = keyed_truth(page.printed, page.doc_type)
        expected.pop(page.forged_field, None)
        read = found.get(page_id, {})
        for name, value in expected.items():
            cell = counts[(page.doc_type, report_name(name))]
            cell.update(n=1, exact=int(read.get(name) == value), found=int(name in read))
            if read.get(name) != value:
                misses.append({"id": page_id, "field": name, "truth": value, "read": read.get(name)})
    return {"per_field": _rates({f"{t}.{n}": c for (t, n), c in sorted(counts.items())}),
            "per_type": _rates(_pooled(counts, lambda key: key[0])),
            "per_field_all_types": _rates(_pooled(counts, lambda key: key[1])),
            "overall": _rates({"all": sum(counts.values(), Counter())})["all"], "misses": misses}


def _pooled(counts: Mapping[tuple[str, str], Counter], key) -> dict[str, Counter]:
    pooled: dict[str, Counter] = defaultdict(Counter)
    for k, c in counts.items():
        pooled[key(k)] += c
    return dict(sorted(pooled.items()))


def _rates(counts: Mapping[str, Counter]) -> dict[str, dict]:
    return {k: {"n": c["n"], "accuracy": round(c["exact"] / c["n"], 4) if c["n"] else None,
                "coverage": round(c["found"] / c["n"], 4) if c["n"] else None} for k, c in counts.items()}


# ----------------------------------------------------------------------------------------------- consistency

def injection_found(results: Iterable[CheckResult], injected: Mapping[str, str]) -> tuple[bool, bool]:
    """(found, named): a failed check of the injected kind reads the injected field / its evidence names it."""
    hits = [r for r in results if r.status == FAILED and r.kind == injected["kind"] and injected["field"] in r.fields]
    return bool(hits), any(r.evidence is not None and r.evidence.field == injected["field"] for r in hits)


def consistency_scores(fields: pd.DataFrame, truth: Mapping[str, PageTruth], split: Optional[str] = "test",
                       from_truth: bool = False) -> dict:
    """Recall per injected inconsistency and false alerts on clean pages (unforged and forged apart), running the
    checks on the extracted fields, or on the printed truth with `from_truth` (the rules alone). On a forged page
    an alert on a check involving the tampered field is the forgery caught, counted apart, not a false alert; an
    injection whose check reads a field the forgery tampered with (a white-out erased the year of a card's start
    date) no longer shows on the page, and is counted apart too, as masked."""
    extracted = {} if from_truth else _page_fields(fields)
    recall: dict[str, Counter] = defaultdict(Counter)
    masked: dict[str, Counter] = defaultdict(Counter)
    clean: dict[str, Counter] = {"unforged": Counter(), "forged": Counter()}
    alerts: dict[str, Counter] = {"unforged": Counter(), "forged": Counter()}
    missed, examples = [], []
    for page_id, page in sorted(_in_split(truth, split).items()):
        if page.doc_type == "other":
            continue
        values = _printed_values(page) if from_truth else extracted.get(page_id, {})
        results = check_page(values, page.doc_type)
        if page.injected:
            found, named = injection_found(results, page.injected)
            tally = masked if _masked_by_forgery(page) else recall
            tally[page.injected["kind"]].update(injected=1, found=int(found), named=int(named))
            if not found and tally is recall:
                missed.append({"id": page_id, **page.injected})
            continue
        group = "forged" if page.forged_field else "unforged"
        failed = [r for r in results if r.status == FAILED]
        on_forgery = [r for r in failed if page.forged_field and page.forged_field in r.fields]  # caught, not false
        false = [r for r in failed if r not in on_forgery]
        clean[group].update(pages=1, pages_with_alert=int(bool(false)))
        if group == "forged":
            clean[group].update(pages_alerting_on_forged_field=int(bool(on_forgery)))
        alerts[group].update(r.kind for r in false)
        if false and len(examples) < 20:
            examples.append({"id": page_id, "alerts": [r.message for r in false][:3]})
    return {"recall": {k: {**v, "recall": round(v["found"] / v["injected"], 4)} for k, v in sorted(recall.items())},
            "masked_by_forgery": {k: dict(v) for k, v in sorted(masked.items())},
            "clean_pages": {g: dict(c) for g, c in clean.items()},
            "false_alerts_by_check": {g: dict(c) for g, c in alerts.items()},
            "missed": missed, "false_alert_examples": examples}


def _masked_by_forgery(page: PageTruth) -> bool:
    """Whether the check that finds a page's injected inconsistency on its printed truth reads the field a forgery
    tampered with: the page no longer shows what the check needs."""
    if not page.forged_field:
        return False
    results = check_page(_printed_values(page), page.doc_type)
    return any(r.status == FAILED and r.kind == page.injected["kind"] and page.injected["field"] in r.fields
               and page.forged_field in r.fields for r in results)


def _printed_values(page: PageTruth) -> dict[str, tuple[str, None]]:
    """A page's printed truth as the checks read extracted fields (value, no box)."""
    return {k: (str(v), None) for k, v in page.printed.items()}


def _page_fields(fields: pd.DataFrame) -> dict[str, Mapping]:
    """Per corpus id, its first page's fields as the checks read them (the recipe's own selection)."""
    pages = {}
    for (document_id, _page), rows in fields.groupby(["document_id", "page"], sort=True):
        pages.setdefault(corpus_id(str(document_id)), page_fields(rows))
    return pages


# ------------------------------------------------------------------------------------------------- watchlist

def watchlist_scores(hits: pd.DataFrame, watchlist: pd.DataFrame) -> dict:
    """Recall of the entries drawn from a page (a hit of that kind on that page naming the entry's value), by
    kind, and the identifier and name hits on pages no entry was drawn from (decoys never appear on a page)."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in hits[hits["status"] == "ok"].itertuples(index=False):
        for item in json.loads(row.evidence or "[]"):
            if str(item.get("kind", "")).startswith("watchlist_"):
                found[corpus_id(str(row.document_id))].append((item["kind"], str(item.get("message", ""))))
    drawn = watchlist[watchlist["source_id"].fillna("") != ""]
    per_kind: dict[str, Counter] = defaultdict(Counter)
    for row in drawn.itertuples(index=False):
        hit = any(kind == f"watchlist_{row.kind}" and str(row.value) in message
                  for kind, message in found.get(row.source_id, []))
        per_kind[row.kind].update(listed=1, found=int(hit))
    sources = set(drawn["source_id"])
    stray = sum(len(v) for k, v in found.items() if k not in sources)
    return {"recall": {k: {**v, "recall": round(v["found"] / v["listed"], 4)} for k, v in sorted(per_kind.items())},
            "hits_on_pages_without_entry": stray}
