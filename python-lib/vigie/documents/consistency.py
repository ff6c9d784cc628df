"""Consistency checks of one page's keyed fields: identifier keys, line and grand totals, VAT, date order, tariff
ranges and beneficiary coherence, each failure an `Evidence` naming the field and its box.

Input is the extraction of a page: field name -> (normalised value, box) or (normalised value, box, OCR
confidence), with the corpus field names (amounts "1234.50", dates ISO, identifiers compact); a field with an empty
value was seen but not read (its label is printed). The rules are French business rules, not the generator's: a
check whose fields are not all read (an optional term included, when it was seen) is reported as not run, never as
a failure, and a wrong identifier key read with a low OCR confidence asks for a look by hand instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Mapping, Optional

from rapidfuzz.distance import Levenshtein

from vigie.core.results import Box, Evidence
from vigie.documents import identifier_keys as keys
from vigie.documents.tariffs import Tariff, load_tariffs

PageFields = Mapping[str, tuple]  # name -> (value, box) or (value, box, OCR confidence of the value's words)

PASSED, FAILED, NOT_RUN = "pass", "fail", "not_run"
UNREAD = "unread"  # extraction status of a field whose label is printed but whose value was not read
NAME_EDITS_PER_CHARS = 20  # two printed names are one person within 1 edit, plus 1 per 20 characters (misreads)
ADULT_AGE = 18  # a minor's documents may carry the insured parent's NIR
# An identifier whose weakest word OCR read under this confidence may be a misread, not a wrong key: its key check
# is not run and asks for a look by hand. On the dev corpora (seeds 505 and 111, OCR reader 11) the 80 injected
# wrong keys, printed clearly, were read at 0.61 and above, while misreads behind false alerts reach 0.58.
UNREADABLE_OCR_CONFIDENCE = 0.6
# A sum, product or VAT that does not add up is not concluded when one of its amounts was read under this confidence:
# on the dev corpus (seed 505) every injected arithmetic error was read at 0.86 and above, the misreads behind false
# alerts on clean pages at 0.71 to 0.81.
DOUBTFUL_AMOUNT_READING = 0.8
# Between this and DOUBTFUL_AMOUNT_READING, a reading is concluded on when no misread of one digit or of the comma
# explains the failure (seed 505: a forged total read at 0.79); below it the value may be another word taken for it
# (seed 111: a share read at 0.72 was a different amount of the page).
UNREADABLE_AMOUNT = 0.75
# The checks concluded on amounts as read (the tariff's too: a price misread by one digit leaves its range).
AMOUNT_KINDS = ("wrong_total", "wrong_line_total", "wrong_vat", "reimbursement_above_paid", "tariff_out_of_range")

_INDEXED = re.compile(r"^(?P<prefix>.+_)(?P<index>\d+)$")
_MALE = {"M", "MR", "MONSIEUR"}
_FEMALE = {"MME", "MADAME", "MLLE", "MADEMOISELLE"}
_TITLES = _MALE | _FEMALE | {"DR", "DOCTEUR", "PR", "OU", "ET"}


@dataclass(frozen=True)
class CheckResult:
    """One rule applied to one page: passed, failed (with its evidence) or not run (a field was not read)."""

    check: str  # rule and the field it judges, e.g. "line_total:act_amount_2"
    kind: str  # evidence kind when it fails, e.g. "wrong_line_total"
    status: str  # "pass", "fail" or "not_run"
    fields: tuple[str, ...]  # every field the rule reads
    message: str
    evidence: Optional[Evidence] = None

    def to_json(self) -> dict:
        return {"check": self.check, "kind": self.kind, "status": self.status, "fields": list(self.fields),
                "message": self.message}


@dataclass(frozen=True)
class SumRule:
    """target = sum(plus) - sum(minus). A term ending in "*" is every indexed field of that prefix; a term ending
    in "?" may be absent (counts 0). The rule runs only when the target is printed, none of `unless` is printed,
    and (if `when` is given) one of `when` is printed."""

    target: str
    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


# Grand totals per document type: the relations between the amounts a claims handler adds up.
SUM_RULES: dict[str, tuple[SumRule, ...]] = {
    "invoice": (
        SumRule("total_ht", ("act_amount_*",)),
        SumRule("total_ttc", ("act_amount_*",), unless=("total_ht", "vat")),
        SumRule("total_ttc", ("total_ht", "vat"), when=("total_ht", "vat")),
        SumRule("amount_paid", ("total_ttc",), ("amo_share?", "amc_share?"), when=("amo_share", "amc_share")),
    ),
    "optical_quote": (
        SumRule("total_ht", ("act_amount_*",)),
        SumRule("total_ttc", ("total_ht", "vat")),
        SumRule("total_ttc", ("amo_share", "amc_share?", "patient_share")),
    ),
    "dental_quote": (
        SumRule("total_ttc", ("act_amount_*",)),
        SumRule("total_base", ("act_base_*",)),
        SumRule("amo_share", ("act_amo_*",)),
        SumRule("total_ttc", ("amo_share", "amc_share?", "patient_share")),
    ),
    "social_security_statement": (
        SumRule("amo_share", ("act_amount_*",)),
        SumRule("amc_share", ("act_amc_*",)),
        SumRule("amount_paid", ("act_amount_*", "act_amc_*?")),
    ),
    "sick_leave": (SumRule("salary_total", ("salary_*",)),),
    "tax_notice": (
        SumRule("taxable_income", ("income_declarant_1", "income_declarant_2?"), ("deduction_total",)),
        SumRule("amount_due", ("tax_amount",), ("withholding",)),
    ),
}

# Date order: (earlier, later, strictly earlier). "_*" pairs fields of the same index, or every index against a
# plain field: prescription <= care <= invoice <= submission, quote < validity, stoppage after the last day worked.
DATE_ORDER: tuple[tuple[str, str, bool], ...] = (
    ("prescription_date", "care_date", False), ("care_date", "invoice_date", False),
    ("prescription_date", "invoice_date", False), ("invoice_date", "submission_date", False),
    ("care_date", "submission_date", False), ("prescription_date", "submission_date", False),
    ("prescription_date", "quote_date", False), ("quote_date", "validity_date", True),
    ("act_date_*", "statement_date", False), ("statement_date", "collection_date", False),
    ("valid_from", "valid_to", True),
    ("hire_date", "last_work_day", False), ("last_work_day", "leave_start", False),
    ("hire_date", "leave_start", False), ("leave_start", "signature_date", False),
    ("period_start_*", "period_end_*", False), ("period_end_*", "leave_start", False),
)
BIRTH_FIELDS = ("birth_date", "patient_birth_date", "beneficiary_birth_date_*")
# Dates a birth cannot follow; a card's start date is left out (a child born during the year joins the card).
NOT_BEFORE_BIRTH = ("prescription_date", "care_date", "invoice_date", "submission_date", "quote_date",
                    "validity_date", "act_date_*", "statement_date", "valid_to", "hire_date", "leave_start",
                    "signature_date")
# A document's own date: when it and another date disagree, the other one is named (the issue date is the reference).
ANCHOR_DATES = ("invoice_date", "quote_date", "statement_date", "leave_start", "valid_from")
# Documents whose act lines bill one act each (no quantity column): the line amount is the unit fee.
ONE_ACT_PER_LINE = ("dental_quote",)


# ------------------------------------------------------------------------------------------- reading fields

def _is_number(value) -> bool:
    try:
        return value is not None and float(value) == float(value)  # NaN is no confidence
    except (TypeError, ValueError):
        return False


class _Page:
    """Typed access to a page's fields: raw value, box, amount in cents, date, indices of an indexed prefix."""

    def __init__(self, fields: PageFields, doc_type: str):
        self.fields = {name: (str(entry[0]).strip(), entry[1]) for name, entry in fields.items()
                       if entry[0] is not None and str(entry[0]).strip()}
        self.reading = {name: float(entry[2]) for name, entry in fields.items()
                        if name in self.fields and len(entry) > 2 and _is_number(entry[2])}
        self.unread = {name for name in fields if name not in self.fields}
        self.doc_type = doc_type

    def ocr_confidence(self, name: str) -> Optional[float]:
        """How sure OCR was of the words a field was read from, when the extraction says."""
        return self.reading.get(name)

    def has(self, name: str) -> bool:
        return name in self.fields

    def shown(self, name: str) -> bool:
        """Whether the page prints the field: read, or seen (its label) but not read."""
        return name in self.fields or name in self.unread

    def unread_indices(self, prefix: str) -> list[int]:
        """Indices i such that `prefix + str(i)` was seen but not read."""
        return sorted(int(m["index"]) for m in map(_INDEXED.match, self.unread) if m and m["prefix"] == prefix)

    def value(self, name: str) -> str:
        return self.fields[name][0]

    def box(self, name: str) -> Optional[Box]:
        box = self.fields.get(name, ("", None))[1]
        return tuple(int(v) for v in box) if box is not None and len(box) == 4 else None

    def amount(self, name: str) -> Optional[int]:
        return parse_cents(self.value(name)) if self.has(name) else None

    def number(self, name: str) -> Optional[Decimal]:
        return parse_decimal(self.value(name)) if self.has(name) else None

    def date(self, name: str) -> Optional[dt.date]:
        return parse_date(self.value(name)) if self.has(name) else None

    def indices(self, prefix: str) -> list[int]:
        """Indices i such that `prefix + str(i)` is printed, ascending."""
        found = []
        for name in self.fields:
            match = _INDEXED.match(name)
            if match and match["prefix"] == prefix:
                found.append(int(match["index"]))
        return sorted(found)

    def expected_indices(self, prefix: str) -> list[int]:
        """Lines the page shows for an indexed prefix: 1 .. the highest index of any field of the same family
        (same first word, e.g. every "act_..._i", read or seen), so that a line whose amount was not read is noticed."""
        family = prefix.split("_")[0] + "_"
        top = max([int(m["index"]) for m in map(_INDEXED.match, [*self.fields, *self.unread])
                   if m and m["prefix"].startswith(family)], default=0)
        return list(range(1, top + 1))


def parse_decimal(text: str) -> Optional[Decimal]:
    """A printed number ("1234.50", "1 234,50 €", "20%") as a Decimal; None when it is not one."""
    cleaned = re.sub(r"[\s\u00a0\u202f€%]", "", str(text))
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_cents(text: str) -> Optional[int]:
    """An amount as integer cents, rounded half up; None when unreadable."""
    value = parse_decimal(text)
    return None if value is None else int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def parse_date(text: str) -> Optional[dt.date]:
    """An ISO date ("2024-01-31"); None when unreadable."""
    try:
        return dt.date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# ------------------------------------------------------------------------------------------- results

def _passed(check: str, kind: str, fields: Iterable[str], message: str) -> CheckResult:
    return CheckResult(check, kind, PASSED, tuple(fields), message)


def _not_run(check: str, kind: str, fields: Iterable[str], reason: str) -> CheckResult:
    return CheckResult(check, kind, NOT_RUN, tuple(fields), reason)


def _failed(page: _Page, check: str, kind: str, field: str, fields: Iterable[str], message: str,
            score: float = 1.0, needed: Optional[Mapping[str, int]] = None) -> CheckResult:
    """A failed check with its evidence on `field`; a sum or product whose terms OCR read doubtfully is not
    concluded (a digit misread breaks the arithmetic as surely as a forger does) and asks for a look by hand,
    unless, read at UNREADABLE_AMOUNT or above, `needed` (the cents each field would need for the check to hold)
    shows no misread of the doubtful reading could explain it."""
    named = tuple(dict.fromkeys([field, *fields]))
    if kind in AMOUNT_KINDS:
        doubtful = [(f, c) for f in named if (c := page.ocr_confidence(f)) is not None and c < DOUBTFUL_AMOUNT_READING
                    and (c < UNREADABLE_AMOUNT or needed is None or f not in needed
                         or _misread_of(page.amount(f), needed[f]))]
        if doubtful:
            f, c = min(doubtful, key=lambda item: item[1])
            return _not_run(check, kind, named, f"{message}; not concluded: {f} read with OCR confidence {c:.2f}, "
                                                f"verify by hand")
    evidence = Evidence(kind=kind, message=message, box=page.box(field), field=field, score=score)
    return CheckResult(check, kind, FAILED, named, message, evidence)


def _misread_of(read: Optional[int], printed: int) -> bool:
    """Whether an amount read as `read` cents may be `printed` cents misread: one digit wrong, lost or added, or
    its decimal comma lost or added, or read as nothing but zeros; a forger's total differs by more."""
    if read is None or read == 0:
        return True
    return Levenshtein.distance(str(abs(read)), str(abs(printed))) <= 1 or printed in (read * 100, read / 100)


# ------------------------------------------------------------------------------------------- identifier keys

def identifier_checks(page: _Page) -> list[CheckResult]:
    """Check keys of every printed identifier, the BIC against the IBAN's country, the RIB key, the IBAN against
    the printed national account parts and CIP-13 medicine codes."""
    results = []
    for name, check in keys.FIELD_CHECKS.items():
        if page.has(name):
            results.append(_key_result(page, name, check(page.value(name))))
    if page.has("bic"):
        iban = page.value("iban") if page.has("iban") else None
        results.append(_key_result(page, "bic", keys.check_bic(page.value("bic"), iban), kind="invalid_bic"))
    results += _rib_checks(page)
    for i in page.indices("act_code_"):
        code = keys.compact(page.value(f"act_code_{i}"))
        if len(code) == 13 and code.startswith("340"):
            results.append(_key_result(page, f"act_code_{i}", keys.check_cip13(code), kind="invalid_cip13_key"))
    return results


def _key_result(page: _Page, field: str, verdict: keys.KeyCheck, kind: Optional[str] = None) -> CheckResult:
    kind = kind or f"invalid_{verdict.identifier}_key"
    check = f"key:{field}"
    if verdict.valid is None:
        return _not_run(check, kind, (field,), verdict.reason)
    if verdict.valid:
        return _passed(check, kind, (field,), verdict.reason)
    read = page.ocr_confidence(field)
    if read is not None and read < UNREADABLE_OCR_CONFIDENCE:
        return _not_run(check, kind, (field,), f"{field} {verdict.value}: unreadable (OCR confidence {read:.2f}), "
                                               f"the key was not judged; verify by hand")
    return _failed(page, check, kind, field, (field,), f"{field} {verdict.value}: {verdict.reason}")


def _rib_checks(page: _Page) -> list[CheckResult]:
    parts = ("bank_code", "branch_code", "account_number", "rib_key")
    printed = [p for p in parts if page.has(p)]
    if not printed:
        return []
    if len(printed) < len(parts):
        missing = ", ".join(p for p in parts if p not in printed)
        return [_not_run("key:rib_key", "invalid_rib_key", parts, f"not read: {missing}")]
    values = [page.value(p) for p in parts]
    results = [_key_result(page, "rib_key", keys.check_rib_key(*values), kind="invalid_rib_key")]
    if page.has("iban"):
        iban = keys.compact(page.value("iban"))
        national = "".join(keys.compact(v) for v in values)
        fields = ("iban", *parts)
        if not iban.startswith("FR"):
            results.append(_not_run("match:iban", "iban_rib_mismatch", fields, "not a French IBAN"))
        elif iban[4:] != national:
            results.append(_failed(page, "match:iban", "iban_rib_mismatch", "iban", fields,
                                   f"IBAN {iban} does not hold the printed account {national}"))
        else:
            results.append(_passed("match:iban", "iban_rib_mismatch", fields, "IBAN holds the printed account"))
    return results


# ------------------------------------------------------------------------------------------- line amounts

def line_checks(page: _Page) -> tuple[list[CheckResult], dict[str, int]]:
    """Each act line: quantity x unit price = line amount; on statements, reimbursement = base x rate and the
    reimbursements not above what was paid. Also returns the recomputed amount of every line that fails."""
    results, recomputed = [], {}
    for i in sorted(set(page.indices("act_qty_")) | set(page.indices("act_unit_price_"))):
        amount, qty, unit = f"act_amount_{i}", f"act_qty_{i}", f"act_unit_price_{i}"
        result = _product_check(page, amount, qty, unit, lambda q, u: _half_up(q * u), "qty x unit price")
        results.append(result)
        if result.status == FAILED:
            recomputed[amount] = _half_up(page.number(qty) * page.amount(unit))
    for i in sorted(set(page.indices("act_base_")) & set(page.indices("act_rate_"))):
        amount, base, rate = f"act_amount_{i}", f"act_base_{i}", f"act_rate_{i}"
        result = _product_check(page, amount, rate, base, lambda r, b: _half_up(b * r / 100), "base x rate")
        results.append(result)
        if result.status == FAILED:
            recomputed[amount] = _half_up(page.amount(base) * page.number(rate) / 100)
    for i in page.indices("act_paid_"):
        results.append(_reimbursement_check(page, i))
    return results, recomputed


# A price read as 0.00 on a billed line is a misread (digits OCR cut off: "21" "0,00" for 210,00), not a forgery.
_ZERO_PRICE = "{field} read as 0.00 on a billed line: not concluded, verify by hand"


def _product_check(page: _Page, target: str, factor: str, amount: str, product, label: str) -> CheckResult:
    check, fields = f"line_total:{target}", (target, factor, amount)
    missing = [f for f in fields if page.amount(f) is None]
    if missing:
        return _not_run(check, "wrong_line_total", fields, f"not read: {', '.join(missing)}")
    expected = product(page.number(factor), page.amount(amount))
    printed = page.amount(target)
    if printed == expected:
        return _passed(check, "wrong_line_total", fields, f"{target} = {label}")
    if page.amount(amount) == 0:
        return _not_run(check, "wrong_line_total", fields, _ZERO_PRICE.format(field=amount))
    return _failed(page, check, "wrong_line_total", target, fields,
                   f"{target} is {_euros(printed)} but {label} = {page.value(factor)} x {page.value(amount)} "
                   f"gives {_euros(expected)}")


def _reimbursement_check(page: _Page, i: int) -> CheckResult:
    paid, amo, amc = f"act_paid_{i}", f"act_amount_{i}", f"act_amc_{i}"
    shares = [f for f in (amo, amc) if page.has(f)]
    check, fields = f"reimbursed_not_above_paid:{paid}", (paid, *shares)
    values = [page.amount(f) for f in fields]
    if not shares or None in values:
        return _not_run(check, "reimbursement_above_paid", fields, "paid amount or reimbursement not read")
    reimbursed = sum(values[1:])
    if reimbursed <= values[0]:
        return _passed(check, "reimbursement_above_paid", fields, "reimbursed no more than paid")
    return _failed(page, check, "reimbursement_above_paid", shares[-1], fields,
                   f"line {i} reimburses {_euros(reimbursed)} for {_euros(values[0])} paid")


# ------------------------------------------------------------------------------------------- grand totals

def total_checks(page: _Page, recomputed: Mapping[str, int], other_failures: Iterable[CheckResult] = ()
                 ) -> list[CheckResult]:
    """The document type's sum relations (lines to total, HT + VAT = TTC, shares add up to the total). A total
    that matches the lines once a wrong line is corrected passes: that line's own check names the culprit; an
    amount that breaks several relations (these or `other_failures`, e.g. the VAT's) is the one named in each."""
    rules = SUM_RULES.get(page.doc_type, ())
    results = [result for rule in rules if (result := _sum_check(page, rule, recomputed))]
    if _a_line_unread(page, rules):
        results = [_not_run(r.check, r.kind, r.fields, f"{r.message}; not concluded: every act column's total exceeds "
                                                       f"its lines, an act line seems unread")
                   if r.status == FAILED and any(f.startswith("act_") for f in r.fields) else r for r in results]
    return _name_culprits(page, results, other_failures)


def _a_line_unread(page: _Page, rules: Iterable[SumRule]) -> bool:
    """Whether every total of an act column (two at least) exceeds the sum of its lines: an act line OCR did not
    read at all raises every column's total above its lines alike, where a forged total changes one."""
    shortfalls = []
    for rule in rules:
        if rule.minus or not page.has(rule.target) or not any(t.startswith("act_") and t.endswith("*")
                                                               for t in rule.plus):
            continue
        names = [n for term in rule.plus for n in _expand(page, term)[0]]
        amounts = [page.amount(n) for n in [rule.target, *names]]
        if names and None not in amounts:
            shortfalls.append(amounts[0] - sum(amounts[1:]))
    return len(shortfalls) >= 2 and all(s > 0 for s in shortfalls)


def _expand(page: _Page, term: str) -> tuple[list[str], list[str]]:
    """Fields a term stands for, and those of them that are printed (or required) but not read: an optional term
    counts 0 only when the page does not show it."""
    optional = term.endswith("?")
    name = term.rstrip("?")
    if not name.endswith("*"):
        if page.has(name):
            return [name], []
        return [], [] if optional and not page.shown(name) else [name]
    prefix = name[:-1]
    present = page.indices(prefix)
    if optional and not present:
        return [], [f"{prefix}{i}" for i in page.unread_indices(prefix)]
    expected = page.expected_indices(prefix) or ([] if optional else [1])
    missing = [f"{prefix}{i}" for i in expected if i not in present]
    return [f"{prefix}{i}" for i in present], missing


def _sum_check(page: _Page, rule: SumRule, recomputed: Mapping[str, int]) -> Optional[CheckResult]:
    if not page.has(rule.target) or any(page.shown(f) for f in rule.unless):
        return None
    if rule.when and not any(page.shown(f) for f in rule.when):
        return None
    check = f"total:{rule.target}=" + "+".join(t.rstrip("?") for t in rule.plus) + \
        "".join(f"-{t.rstrip('?')}" for t in rule.minus)
    plus, minus, missing = [], [], []
    for terms, sink in ((rule.plus, plus), (rule.minus, minus)):
        for term in terms:
            names, absent = _expand(page, term)
            sink += names
            missing += absent
    fields = (rule.target, *plus, *minus)
    if missing:
        return _not_run(check, "wrong_total", fields, f"not read: {', '.join(missing[:4])}")
    values = {f: page.amount(f) for f in fields}
    unreadable = [f for f, v in values.items() if v is None]
    if unreadable:
        return _not_run(check, "wrong_total", fields, f"not an amount: {', '.join(unreadable)}")
    printed_sum = sum(values[f] for f in plus) - sum(values[f] for f in minus)
    corrected_sum = sum(recomputed.get(f, values[f]) for f in plus) - sum(recomputed.get(f, values[f]) for f in minus)
    target = values[rule.target]
    if target in (printed_sum, corrected_sum):
        return _passed(check, "wrong_total", fields, f"{rule.target} adds up")
    formula = " + ".join(plus) + "".join(f" - {f}" for f in minus)
    gap = printed_sum - target  # what the target lacks; what a term added (or a subtracted term lacks) too many
    needed = {rule.target: printed_sum, **{f: values[f] - gap for f in plus}, **{f: values[f] + gap for f in minus}}
    return _failed(page, check, "wrong_total", rule.target, fields,
                   f"{rule.target} is {_euros(target)} but {formula} = {_euros(printed_sum)}", needed=needed)


# ------------------------------------------------------------------------------------------- VAT

def vat_check(page: _Page, recomputed: Mapping[str, int]) -> Optional[CheckResult]:
    """VAT = rate x base at each line's rate, rounded to the cent per rate or per line (both are legal
    practice); runs when the VAT and every line's rate and amount are read."""
    if not page.has("vat"):
        return None
    lines = page.expected_indices("act_amount_")
    fields = ["vat", *[f"act_vat_rate_{i}" for i in lines], *[f"act_amount_{i}" for i in lines]]
    missing = [f for f in fields if page.amount(f) is None]
    if not lines or missing:
        return _not_run("vat:vat", "wrong_vat", fields, f"not read: {', '.join(missing[:4]) or 'any act line'}")
    rates = [page.number(f"act_vat_rate_{i}") / 100 for i in lines]
    candidates = set()
    for amounts in ([page.amount(f"act_amount_{i}") for i in lines],
                    [recomputed.get(f"act_amount_{i}", page.amount(f"act_amount_{i}")) for i in lines]):
        by_rate: dict[Decimal, int] = {}
        for rate, amount in zip(rates, amounts):
            by_rate[rate] = by_rate.get(rate, 0) + amount
        candidates.add(sum(_half_up(rate * base) for rate, base in by_rate.items()))
        candidates.add(sum(_half_up(rate * amount) for rate, amount in zip(rates, amounts)))
    printed = page.amount("vat")
    if printed in candidates:
        return _passed("vat:vat", "wrong_vat", fields, "VAT = rate x base")
    expected = " or ".join(_euros(c) for c in sorted(candidates))
    return _failed(page, "vat:vat", "wrong_vat", "vat", fields,
                   f"VAT is {_euros(printed)} but the lines' rates applied to their amounts give {expected}")


# ------------------------------------------------------------------------------------------- dates

def _date_pairs(page: _Page, earlier: str, later: str, same_index: bool = True) -> list[tuple[str, str]]:
    """Concrete field pairs of an order rule, expanding "_*" terms over the printed indices (two indexed terms
    pair line by line when `same_index`, else every index with every index)."""
    def names(term: str) -> list[str]:
        return [f"{term[:-1]}{i}" for i in page.indices(term[:-1])] if term.endswith("*") else [term]
    if same_index and earlier.endswith("*") and later.endswith("*"):
        return [(f"{earlier[:-1]}{i}", f"{later[:-1]}{i}") for i in page.indices(earlier[:-1])]
    return [(a, b) for a in names(earlier) for b in names(later)]


def date_checks(page: _Page) -> list[CheckResult]:
    """Dates in their business order (prescription, care, invoice, submission; quote before its validity end;
    statement after the care; a card valid before it expires; ...) and every birth date before the events."""
    rules = [(a, b, strict) for earlier, later, strict in DATE_ORDER for a, b in _date_pairs(page, earlier, later)]
    for birth_term in BIRTH_FIELDS:
        for event_term in NOT_BEFORE_BIRTH:
            rules += [(a, b, False) for a, b in _date_pairs(page, birth_term, event_term, same_index=False)]
    results = [result for earlier, later, strict in rules if (result := _order_check(page, earlier, later, strict))]
    return _name_culprits(page, results, trusted=ANCHOR_DATES)


def _order_check(page: _Page, earlier: str, later: str, strict: bool) -> Optional[CheckResult]:
    if not (page.has(earlier) and page.has(later)):
        return None
    check, fields = f"date_order:{earlier}<{'' if strict else '='}{later}", (earlier, later)
    first, second = page.date(earlier), page.date(later)
    if first is None or second is None:
        return _not_run(check, "date_order", fields, "a date is unreadable")
    if first < second or (first == second and not strict):
        return _passed(check, "date_order", fields, "in order")
    relation = "before" if strict else "on or before"
    return _failed(page, check, "date_order", earlier, fields,
                   f"{earlier} {page.value(earlier)} should be {relation} {later} {page.value(later)}")


def _name_culprits(page: _Page, results: list[CheckResult], others: Iterable[CheckResult] = (),
                   trusted: tuple[str, ...] = ()) -> list[CheckResult]:
    """The failures renamed after their culprit (see `_culprits`), counting also the failures in `others`."""
    culprits = _culprits([r.fields for r in [*results, *others] if r.status == FAILED], trusted)
    return [_blamed(page, r, culprits[r.fields]) if r.status == FAILED else r for r in results]


def _blamed(page: _Page, failure: CheckResult, field: str) -> CheckResult:
    """A failure with its evidence moved onto `field` (its doubts were weighed when it failed)."""
    evidence = Evidence(kind=failure.kind, message=failure.message, box=page.box(field), field=field,
                        score=failure.evidence.score)
    return CheckResult(failure.check, failure.kind, FAILED, failure.fields, failure.message, evidence)


def _culprits(failed: list[tuple[str, ...]], trusted: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """For each failed relation (its fields, the one named by default first), the field to name: the one in the
    most failed relations (a single wrong value breaks several), then one not `trusted`, else the default."""
    count: dict[str, int] = {}
    for fields in failed:
        for name in set(fields):
            count[name] = count.get(name, 0) + 1
    return {fields: max(fields, key=lambda name: (count[name], name not in trusted)) for fields in failed}


# ------------------------------------------------------------------------------------------- tariffs

def tariff_checks(page: _Page, table: Mapping[str, Tariff]) -> list[CheckResult]:
    """Each act line whose code is in the reference table: its unit price inside the table's plausible range."""
    results = []
    for i in page.indices("act_code_"):
        tariff = table.get(keys.compact(page.value(f"act_code_{i}")))
        if tariff is not None:
            results.append(_tariff_check(page, i, tariff))
    return results


def _line_price(page: _Page, i: int, tariff: Tariff) -> tuple[Optional[str], Optional[int], Optional[Decimal]]:
    """The field holding the price of line i, that price in cents and the number of units it covers."""
    unit, amount, qty = f"act_unit_price_{i}", f"act_amount_{i}", f"act_qty_{i}"
    paid, base = f"act_paid_{i}", f"act_base_{i}"
    if page.has(unit):
        return unit, page.amount(unit), Decimal(1)
    if page.has(amount) and page.has(qty):
        return amount, page.amount(amount), page.number(qty)
    if page.has(paid) and page.has(base):  # statements: the base is the tariff base times the units
        base_cents = page.amount(base)
        if tariff.base_cents <= 0 or base_cents is None or base_cents % tariff.base_cents:
            return paid, page.amount(paid), None
        return paid, page.amount(paid), Decimal(base_cents // tariff.base_cents)
    if page.has(amount) and page.doc_type in ONE_ACT_PER_LINE:
        return amount, page.amount(amount), Decimal(1)
    return None, None, None


def _tariff_check(page: _Page, i: int, tariff: Tariff) -> CheckResult:
    code_field = f"act_code_{i}"
    field, price, units = _line_price(page, i, tariff)
    check = f"tariff:{code_field}"
    fields = (field, code_field) if field else (code_field,)
    if field is None or price is None or units is None or units <= 0:
        return _not_run(check, "tariff_out_of_range", fields, "unit price or number of units not read")
    if price == 0:
        return _not_run(check, "tariff_out_of_range", fields, _ZERO_PRICE.format(field=field))
    low, high = tariff.min_cents * units, tariff.max_cents * units
    if low <= price <= high:
        return _passed(check, "tariff_out_of_range", fields, f"{tariff.code} within its reference range")
    unit_price = Decimal(price) / units / 100
    return _failed(page, check, "tariff_out_of_range", field, fields,
                   f"{tariff.code} ({tariff.label}) billed {unit_price:.2f} per unit, outside the reference range "
                   f"{_euros(tariff.min_cents)}-{_euros(tariff.max_cents)}", score=0.6)


# ------------------------------------------------------------------------------------------- beneficiary

def _plain_tokens(text: str) -> list[str]:
    """The words of a printed name or label, upper-case, without accents or punctuation."""
    return re.findall(r"[A-Z]+", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper())


def _bare_name(name: str) -> str:
    """A printed name without civility or title, its words sorted (order varies between documents)."""
    return " ".join(sorted(t for t in _plain_tokens(name) if t not in _TITLES))


def _civility(name: str) -> str:
    """The civility a printed name starts with ("M", "MME", ...), or "" when it starts with a name."""
    tokens = _plain_tokens(name)
    return tokens[0] if tokens and tokens[0] in _TITLES else ""


def same_person(first: str, second: str) -> bool:
    """Whether two printed names designate the same person, whatever the order, civility or accents, allowing a
    misread letter but not a different first name (Jean / Jeanne)."""
    one, two = _bare_name(first), _bare_name(second)
    if not one or not two:
        return False
    return Levenshtein.distance(one, two) <= 1 + max(len(one), len(two)) // NAME_EDITS_PER_CHARS


def _is_insured_relation(text: str) -> bool:
    """Whether a printed relation to the insured ("Assuré(e)", "Conjoint(e)", "Enfant") says the patient is the
    insured."""
    return any(token.startswith("ASSURE") for token in _plain_tokens(text))


def _nir_holder(page: _Page) -> tuple[Optional[str], Optional[str]]:
    """The printed name field and birth-date field of the NIR's holder. The NIR on a claim is the insured's: the
    patient is its holder only when no relation (spouse, child) and no other insured is printed; on a card, the
    beneficiary named as the insured. Unknown (None, None) when an insured or a relation is shown but not read."""
    relative = page.has("beneficiary_relation") and not _is_insured_relation(page.value("beneficiary_relation"))
    if not page.has("insured_name") and any(page.shown(f) and not page.has(f)
                                            for f in ("insured_name", "beneficiary_relation")):
        return None, None  # an insured or a relation is printed but not read: the NIR's holder is unknown
    if page.has("insured_name"):
        insured = page.value("insured_name")
        for i in page.indices("beneficiary_name_"):
            if page.has(f"beneficiary_birth_date_{i}") and same_person(insured, page.value(f"beneficiary_name_{i}")):
                return "insured_name", f"beneficiary_birth_date_{i}"
        if not relative and page.has("patient_name") and page.has("patient_birth_date") and \
                same_person(insured, page.value("patient_name")):
            return "insured_name", "patient_birth_date"
        return "insured_name", None
    if relative or not page.has("patient_name"):
        return None, None  # the patient is a relative and the insured holding the NIR was not read
    return "patient_name", ("patient_birth_date" if page.has("patient_birth_date") else None)


def _document_date(page: _Page) -> Optional[dt.date]:
    dates = [page.date(f) for f in NOT_BEFORE_BIRTH if not f.endswith("*") and page.has(f)]
    return max((d for d in dates if d), default=None)


def beneficiary_checks(page: _Page) -> list[CheckResult]:
    """The NIR against its holder: year and month of birth against the printed birth date, sex digit against
    the civility; on a card, the insured among the beneficiaries. The NIR is compared with the patient only when
    no other insured is named and the patient is an adult (a minor's claim may carry a parent's NIR)."""
    results = []
    if page.has("insured_name") and page.indices("beneficiary_name_"):
        fields = ("insured_name", *[f"beneficiary_name_{i}" for i in page.indices("beneficiary_name_")])
        if any(same_person(page.value("insured_name"), page.value(f)) for f in fields[1:]):
            results.append(_passed("beneficiary:insured_listed", "beneficiary_mismatch", fields, "insured listed"))
        else:
            results.append(_failed(page, "beneficiary:insured_listed", "beneficiary_mismatch", "insured_name", fields,
                                   f"the insured {page.value('insured_name')} is not among the beneficiaries",
                                   score=0.8))
    nir = keys.compact(page.value("nir")) if page.has("nir") else ""
    if len(nir) != 15 or not nir[:5].isdigit():
        return results
    nir_trusted = keys.check_nir(nir).valid
    name_field, birth_field = _nir_holder(page)
    birth = page.date(birth_field) if birth_field else None
    if birth_field and birth is not None:
        reference = _document_date(page)
        minor = name_field == "patient_name" and reference is not None and \
            (reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))) < ADULT_AGE
        if minor:
            results.append(_not_run("beneficiary:nir_birth", "beneficiary_mismatch", ("nir", birth_field),
                                    "minor patient: the NIR may be the insured parent's"))
            return results
        results.append(_nir_birth_check(page, nir, birth_field, birth, bool(nir_trusted)))
    if name_field and (birth_field or name_field == "insured_name"):
        results.append(_nir_sex_check(page, nir, name_field, bool(nir_trusted)))
    return results


def _nir_birth_check(page: _Page, nir: str, birth_field: str, birth: dt.date, nir_trusted: bool) -> CheckResult:
    check, fields = f"beneficiary:nir_birth:{birth_field}", ("nir", birth_field)
    year, month = int(nir[1:3]), int(nir[3:5])
    year_ok = year == birth.year % 100
    month_ok = not 1 <= month <= 12 or month == birth.month  # 20-42, 50-99: month unknown at registration
    if year_ok and month_ok:
        return _passed(check, "beneficiary_mismatch", fields, "NIR matches the birth date")
    blamed = birth_field if nir_trusted else "nir"
    return _failed(page, check, "beneficiary_mismatch", blamed, fields,
                   f"NIR {nir} says born {month:02d}/{year:02d} but {birth_field} is {birth.isoformat()}", score=0.8)


def _nir_sex_check(page: _Page, nir: str, name_field: str, nir_trusted: bool) -> CheckResult:
    check, fields = f"beneficiary:nir_sex:{name_field}", ("nir", name_field)
    civility = _civility(page.value(name_field))
    sex = 1 if civility in _MALE else 2 if civility in _FEMALE else None
    if sex is None or nir[0] not in "12":
        return _not_run(check, "beneficiary_mismatch", fields, "no civility printed or NIR of a non-registered person")
    if int(nir[0]) == sex:
        return _passed(check, "beneficiary_mismatch", fields, "NIR sex digit matches the civility")
    blamed = name_field if nir_trusted else "nir"
    return _failed(page, check, "beneficiary_mismatch", blamed, fields,
                   f"NIR {nir} is a {'man' if nir[0] == '1' else 'woman'}'s but {name_field} reads "
                   f"{page.value(name_field)!r}", score=0.8)


# ------------------------------------------------------------------------------------------- the page

def check_page(fields: PageFields, doc_type: str, tariffs: Optional[Mapping[str, Tariff]] = None
               ) -> list[CheckResult]:
    """Every consistency rule that applies to a page's fields; failures carry Evidence naming field and box."""
    page = _Page(fields, doc_type)
    lines, recomputed = line_checks(page)
    vat = vat_check(page, recomputed)
    vat_results = [vat] if vat else []
    return [*identifier_checks(page), *lines, *total_checks(page, recomputed, vat_results), *vat_results,
            *date_checks(page), *tariff_checks(page, load_tariffs() if tariffs is None else tariffs),
            *beneficiary_checks(page)]


def failures(results: Iterable[CheckResult]) -> list[Evidence]:
    """The evidence of the failed checks, in check order."""
    return [r.evidence for r in results if r.status == FAILED and r.evidence is not None]
