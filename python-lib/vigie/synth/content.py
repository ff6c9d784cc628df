"""Realistic French claim-document content, seeded: parties, identifiers, acts, amounts and dates.

Each builder returns a JSON-serialisable dict holding the structured truth (parties, lines, totals) and a flat
`printed` mapping of every keyed value the page prints (amounts "123.40", dates ISO, identifiers compact, text
as printed). A requested inconsistency changes exactly one printed value; `inconsistency` records true and printed.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Optional

import numpy as np
from faker import Faker

from vigie.documents.tariffs import Tariff, load_tariffs
from vigie.synth import identifiers as ids

# (city, département code, "de <département>" as in "CPAM de la Gironde", postcodes, phone prefix)
CITIES: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("Paris", "75", "de Paris", tuple(f"750{i:02d}" for i in range(1, 21)), "01"),
    ("Lyon", "69", "du Rhône", tuple(f"6900{i}" for i in range(1, 10)), "04"),
    ("Marseille", "13", "des Bouches-du-Rhône", tuple(f"130{i:02d}" for i in range(1, 17)), "04"),
    ("Toulouse", "31", "de la Haute-Garonne", ("31000", "31100", "31200", "31300", "31400", "31500"), "05"),
    ("Nice", "06", "des Alpes-Maritimes", ("06000", "06100", "06200", "06300"), "04"),
    ("Nantes", "44", "de Loire-Atlantique", ("44000", "44100", "44200", "44300"), "02"),
    ("Strasbourg", "67", "du Bas-Rhin", ("67000", "67100", "67200"), "03"),
    ("Montpellier", "34", "de l'Hérault", ("34000", "34070", "34080", "34090"), "04"),
    ("Bordeaux", "33", "de la Gironde", ("33000", "33100", "33200", "33300", "33800"), "05"),
    ("Lille", "59", "du Nord", ("59000", "59160", "59260", "59800"), "03"),
    ("Rennes", "35", "d'Ille-et-Vilaine", ("35000", "35200", "35700"), "02"),
    ("Reims", "51", "de la Marne", ("51100",), "03"),
    ("Grenoble", "38", "de l'Isère", ("38000", "38100"), "04"),
    ("Dijon", "21", "de la Côte-d'Or", ("21000",), "03"),
    ("Angers", "49", "de Maine-et-Loire", ("49000", "49100"), "02"),
    ("Tours", "37", "d'Indre-et-Loire", ("37000", "37100", "37200"), "02"),
    ("Limoges", "87", "de la Haute-Vienne", ("87000", "87100"), "05"),
    ("Amiens", "80", "de la Somme", ("80000", "80080", "80090"), "03"),
    ("Metz", "57", "de la Moselle", ("57000", "57050", "57070"), "03"),
    ("Caen", "14", "du Calvados", ("14000",), "02"),
    ("Rouen", "76", "de Seine-Maritime", ("76000", "76100"), "02"),
    ("Nancy", "54", "de Meurthe-et-Moselle", ("54000", "54100"), "03"),
    ("Orléans", "45", "du Loiret", ("45000", "45100"), "02"),
    ("Brest", "29", "du Finistère", ("29200",), "02"),
    ("Le Mans", "72", "de la Sarthe", ("72000", "72100"), "02"),
    ("Clermont-Ferrand", "63", "du Puy-de-Dôme", ("63000", "63100"), "04"),
    ("Perpignan", "66", "des Pyrénées-Orientales", ("66000", "66100"), "04"),
    ("Besançon", "25", "du Doubs", ("25000",), "03"),
    ("Poitiers", "86", "de la Vienne", ("86000",), "05"),
    ("Pau", "64", "des Pyrénées-Atlantiques", ("64000",), "05"),
    ("La Rochelle", "17", "de la Charente-Maritime", ("17000",), "05"),
    ("Avignon", "84", "du Vaucluse", ("84000",), "04"),
)

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")

MEDICINES: tuple[tuple[str, int], ...] = (  # (label, unit price excl. VAT in cents)
    ("Paracétamol 1 g cp B/8", 196), ("Amoxicilline 1 g cp B/6", 358), ("Ibuprofène 400 mg cp B/30", 270),
    ("Metformine 850 mg cp B/90", 594), ("Atorvastatine 20 mg cp B/90", 1523), ("Lévothyroxine 75 µg cp B/90", 432),
    ("Oméprazole 20 mg gél B/28", 672), ("Ramipril 5 mg cp B/90", 849), ("Amlodipine 5 mg gél B/90", 780),
    ("Salbutamol 100 µg susp. inhal.", 411), ("Cétirizine 10 mg cp B/15", 198), ("Prednisolone 20 mg cp B/20", 323),
    ("Tramadol 50 mg gél B/30", 352), ("Esoméprazole 40 mg cp B/28", 998), ("Bisoprolol 5 mg cp B/90", 701),
)

POSOLOGIES = {  # by galenic form, read from the medicine label
    "cp": ("1 comprimé matin, midi et soir pendant 5 jours", "1 comprimé le matin",
           "1 comprimé par jour pendant 3 mois", "1 comprimé 3 fois par jour si douleur, 6 jours",
           "1 comprimé matin et soir au cours des repas"),
    "gél": ("1 gélule le soir au coucher", "1 gélule le matin à jeun pendant 4 semaines",
            "1 gélule matin et soir pendant 8 jours"),
    "inhal": ("2 bouffées en cas de gêne respiratoire", "1 à 2 inhalations matin et soir"),
}
SPECIALTIES = {  # specialty -> (profession for ADELI, acts that can be billed)
    "Médecin généraliste": ("medecin", ("G", "V", "MD")),
    "Cardiologue": ("medecin", ("CS", "DEQP003", "APC")),
    "Dermatologue": ("medecin", ("CS", "APC", "K")),
    "Psychiatre": ("medecin", ("CNPSY",)),
    "Pédiatre": ("medecin", ("C", "CS")),
    "Infirmier diplômé d'État": ("infirmier", ("AMI",)),
    "Masseur-kinésithérapeute": ("masseur-kinesitherapeute", ("AMK",)),
}

MUTUELLES = ("Mutuelle Ligérienne de Santé", "Alliance Santé Mutualiste", "Prévoyance Atlantique",
             "Mutuelle des Métiers de l'Artisanat", "Azur Santé Mutuelle", "Mutuelle Familiale du Rhône",
             "Union Mutualiste des Enseignants", "Horizon Prévoyance Santé")

EMPLOYER_ACTIVITIES = (("4711D", "Supermarchés"), ("6201Z", "Programmation informatique"),
                       ("4941A", "Transports routiers de fret interurbains"), ("8610Z", "Activités hospitalières"),
                       ("5610A", "Restauration traditionnelle"), ("4120A", "Construction de maisons individuelles"),
                       ("7022Z", "Conseil pour les affaires et autres conseils de gestion"),
                       ("8810A", "Aide à domicile"), ("2511Z", "Fabrication de structures métalliques"))

TP_COVERAGES = (("PHAR", "Pharmacie"), ("MED", "Médecins"), ("OPTI", "Optique"), ("DENT", "Dentaire"),
                ("HOSP", "Hospitalisation"), ("LABO", "Laboratoires"), ("RADL", "Radiologie"),
                ("AUXM", "Auxiliaires médicaux"), ("AUDI", "Audioprothèses"))

# Barème of the income tax on 2023 income: (upper bound of the slice per part, rate).
TAX_BRACKETS = ((11294, 0.0), (28797, 0.11), (82341, 0.30), (177106, 0.41), (float("inf"), 0.45))


def vat_rate(act_code: str, care_type: str) -> float:
    """VAT rate of a billed item: optical 20 %, hearing aids 5.5 % (batteries 20 %), pharmacy 2.1 % for
    medicines and dispensing fees and 20 % for devices; medical and hospital acts are exempt."""
    if care_type == "optical" or act_code == "2364670":
        return 0.20
    if care_type == "audio":
        return 0.055
    if care_type == "pharmacy":
        return 0.20 if act_code.isdigit() and len(act_code) == 7 else 0.021
    return 0.0


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _round_half_up(value: Decimal | float) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def eur(cents: int) -> float:
    """Cents to euros, for the JSON truth."""
    return round(cents / 100, 2)


def amount_str(cents: int) -> str:
    """Canonical printed amount: "1234.50"."""
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else "-" + amount_str(-cents)


def vat_total(lines: list[dict]) -> int:
    """VAT in cents: for each rate, round-half-up(sum of the excl.-VAT line totals at that rate x rate)."""
    by_rate: dict[float, int] = {}
    for line in lines:
        by_rate[line["vat_rate"]] = by_rate.get(line["vat_rate"], 0) + line["total_cents"]
    return sum(_round_half_up(Decimal(total) * Decimal(str(rate))) for rate, total in by_rate.items())


def rate_str(rate: float) -> str:
    """Canonical printed percentage of a rate: 0.055 -> "5.5", 0.2 -> "20"."""
    return f"{rate * 100:.1f}".rstrip("0").rstrip(".")


@functools.lru_cache(maxsize=1)
def _faker() -> Faker:
    return Faker("fr_FR")


def seeded_faker(rng: np.random.Generator) -> Faker:
    """The shared fr_FR Faker, reseeded from the rng so that the draw stays reproducible."""
    fake = _faker()
    fake.seed_instance(int(rng.integers(2**31)))
    return fake


def _choice(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _city(rng: np.random.Generator) -> dict:
    name, dept, of_department, postcodes, phone = _choice(rng, CITIES)
    return {"city": name, "department": dept, "of_department": of_department, "postcode": _choice(rng, postcodes),
            "phone_prefix": phone}


def _street(fake: Faker, rng: np.random.Generator) -> str:
    number = int(rng.integers(1, 140))
    suffix = " bis" if rng.random() < 0.06 else ""
    return f"{number}{suffix} {fake.street_name()}"


def _address(fake: Faker, rng: np.random.Generator, city: Optional[dict] = None) -> dict:
    city = city or _city(rng)
    lines = [_street(fake, rng)]
    if rng.random() < 0.15:
        lines.append(_choice(rng, ("Bâtiment B", "Résidence les Tilleuls", "Appartement 12", "Escalier C")))
    lines.append(f"{city['postcode']} {city['city'].upper()}")
    return {**city, "lines": lines}


def _phone(rng: np.random.Generator, prefix: str) -> str:
    return prefix + "".join(f" {int(rng.integers(0, 100)):02d}" for _ in range(4))


def _person(fake: Faker, rng: np.random.Generator, min_age: int = 1, max_age: int = 88,
            ref: dt.date = dt.date(2024, 6, 1), style: Optional[int] = None) -> dict:
    """A person with a NIR consistent with sex, birth date and birth département, and an address."""
    sex = 1 if rng.random() < 0.5 else 2
    first = fake.first_name_male() if sex == 1 else fake.first_name_female()
    last = fake.last_name()
    birth = ref - dt.timedelta(days=int(rng.integers(min_age * 365, max_age * 365)))
    birth_city = _city(rng)
    civility = "M." if sex == 1 else "Mme"
    style = int(rng.integers(3)) if style is None else style
    display = (f"{civility} {first} {last.upper()}", f"{last.upper()} {first}", f"{civility} {last.upper()} {first}")
    return {"sex": sex, "first_name": first, "last_name": last, "civility": civility, "display": display[style],
            "birth_date": birth.isoformat(),
            "nir": ids.nir(rng, sex, birth.year, birth.month, birth_city["department"]),
            "address": _address(fake, rng)}


def _practitioner(fake: Faker, rng: np.random.Generator, specialty: str, profession: str,
                  doctor_title: bool) -> dict:
    """A health professional with RPPS, ADELI number, SIRET and a practice address in one département."""
    sex = 1 if rng.random() < 0.5 else 2
    first = fake.first_name_male() if sex == 1 else fake.first_name_female()
    last = fake.last_name().upper()
    address = _address(fake, rng)
    return {"name": f"Dr {first} {last}" if doctor_title else f"{first} {last}", "first_name": first,
            "last_name": last, "specialty": specialty, "rpps": ids.rpps(rng),
            "adeli": ids.adeli(rng, address["department"], profession), "siret": ids.siret(rng),
            "address": address, "phone": _phone(rng, address["phone_prefix"])}


def _org_name(fake: Faker, rng: np.random.Generator, kind: str, city: str) -> str:
    last = fake.last_name()
    options = {
        "pharmacy": (f"Pharmacie {last}", "Pharmacie de la Gare", "Pharmacie du Marché", "Pharmacie Centrale",
                     f"Grande Pharmacie de {city}", "Pharmacie des Halles"),
        "optical": (f"Optique {last}", f"Les Opticiens de {city}", f"Atelier d'Optique {last}", "Vision Plus",
                    f"Optique du Centre - {city}"),
        "audio": (f"Audition {last}", f"Centre Auditif de {city}", f"{last} Audioprothèses", "L'Écoute Conseil"),
        "hospital": ("Clinique Saint-Joseph", "Clinique du Parc", f"Polyclinique de {city}", "Clinique des Cèdres",
                     f"Centre Hospitalier de {city}"),
        "dental": (f"Cabinet dentaire {last}", f"Centre dentaire de {city}", "Cabinet dentaire des Arcades"),
    }
    return _choice(rng, options[kind])


def _price(rng: np.random.Generator, act: Tariff, step_cents: int) -> int:
    """A unit price within the act's plausible range, rounded to a step (e.g. 50 cents, 10 euros)."""
    if act.max_cents <= act.min_cents:
        return act.min_cents
    value = act.min_cents + rng.random() * (act.max_cents - act.min_cents)
    return max(act.min_cents, min(act.max_cents, int(round(value / step_cents)) * step_cents))


def _line(code: str, label: str, qty: int, unit_cents: int, rate: float, **extra) -> dict:
    total = qty * unit_cents
    return {"code": code, "label": label, "qty": qty, "unit_price": eur(unit_cents), "unit_cents": unit_cents,
            "vat_rate": rate, "total_ht": eur(total), "total_cents": total, **extra}


def _misprint_amount(cents: int, rng: np.random.Generator, whole_euros: bool = False) -> int:
    """A plausible wrong amount: the true one scaled by 5-60 % up or down, never equal, never negative."""
    factor = rng.uniform(1.05, 1.6) if rng.random() < 0.7 else rng.uniform(0.55, 0.95)
    step = 100 if whole_euros else 10
    wrong = max(step, int(round(cents * factor / step)) * step)
    return wrong if wrong != cents else cents + 10 * step


def _set_inconsistency(content: dict, kind: str, field: str, value: str) -> None:
    """Print `value` for `field` instead of the truth and record the deliberate error."""
    printed = content["printed"]
    content["inconsistency"] = {"kind": kind, "field": field, "true_value": printed[field], "printed_value": value}
    printed[field] = value


def _apply_common(content: dict, kind: Optional[str], rng: np.random.Generator,
                  targets: dict[str, Callable[[], tuple[str, str]]]) -> None:
    """Apply inconsistency `kind` through its target: a function giving (field, wrong printed value)."""
    content["inconsistency"] = None
    if kind is None:
        return
    if kind not in targets:
        raise ValueError(f"inconsistency {kind!r} is not supported by {content['doc_type']}")
    field, value = targets[kind]()
    _set_inconsistency(content, kind, field, value)


def _amount_target(content: dict, field: str, rng: np.random.Generator,
                   whole_euros: bool = False) -> Callable[[], tuple[str, str]]:
    def target() -> tuple[str, str]:
        true = _cents(content["printed"][field])
        return field, amount_str(_misprint_amount(true, rng, whole_euros))
    return target


def _line_target(content: dict, prefix: str, rng: np.random.Generator) -> Callable[[], tuple[str, str]]:
    def target() -> tuple[str, str]:
        index = int(rng.integers(len(content["lines"]))) + 1
        return _amount_target(content, f"{prefix}{index}", rng)()
    return target


def _id_target(content: dict, field: str, kind: str, rng: np.random.Generator) -> Callable[[], tuple[str, str]]:
    return lambda: (field, ids.corrupt_check_digits(content["printed"][field], kind, rng))


def _date_target(field: str, reference: str, days: tuple[int, int], rng: np.random.Generator
                 ) -> Callable[[], tuple[str, str]]:
    """Move `field` to reference + n days (n drawn in `days`, negative to go before)."""
    def target() -> tuple[str, str]:
        shift = int(rng.integers(days[0], days[1] + 1))
        return field, (dt.date.fromisoformat(reference) + dt.timedelta(days=shift)).isoformat()
    return target


def _lines_printed(printed: dict, lines: list[dict], with_vat: bool) -> None:
    for i, line in enumerate(lines, start=1):
        printed[f"act_code_{i}"] = line["code"]
        printed[f"act_label_{i}"] = line["label"]
        printed[f"act_qty_{i}"] = str(line["qty"])
        printed[f"act_unit_price_{i}"] = amount_str(line["unit_cents"])
        if with_vat:
            printed[f"act_vat_rate_{i}"] = rate_str(line["vat_rate"])
        printed[f"act_amount_{i}"] = amount_str(line["total_cents"])


# ------------------------------------------------------------------------------------------------ beneficiary

BENEFICIARY_ROLES = ("insured", "spouse", "child")
SPOUSE_SHARE = 0.3  # adult patients who are the insured's spouse rather than the insured
CHILD_AGE_YEARS = 18
RELATION_LABELS = {"spouse": "Conjoint(e)", "child": "Enfant"}


def _age(birth_iso: str, on: dt.date) -> int:
    birth = dt.date.fromisoformat(birth_iso)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _named(person: dict, last_name: str, like: str) -> dict:
    """The person under `last_name`, displayed in the same style as the display `like`."""
    first, civility, upper = person["first_name"], person["civility"], last_name.upper()
    if like.startswith(("M. ", "Mme ")) and like.split(" ")[1].isupper():
        display = f"{civility} {upper} {first}"
    elif like.startswith(("M. ", "Mme ")):
        display = f"{civility} {first} {upper}"
    else:
        display = f"{upper} {first}"
    return {**person, "last_name": last_name, "display": display}


def _set_beneficiary(content: dict, printed: dict, patient: dict, on: dt.date) -> None:
    """Who the patient is to the insured: a minor is the insured's child; an adult is the insured or, now and
    then, the spouse. When the patient is not the insured, the page prints the insured's name and NIR (the NIR on
    a claim is always the insured's), the patient's relation and birth date, as on a French feuille de soins.

    Drawn from the patient's own identity, not from the page's stream, so the rest of the page is drawn as
    before."""
    role_rng = np.random.default_rng(zlib.crc32(f"{patient['nir']} {patient['display']}".encode()))
    age = _age(patient["birth_date"], on)
    role = "child" if age < CHILD_AGE_YEARS else ("spouse" if role_rng.random() < SPOUSE_SHARE else "insured")
    content["beneficiary_role"] = role
    if role == "insured":
        return
    fake = seeded_faker(role_rng)
    low, high = (age + 20, age + 45) if role == "child" else (max(20, age - 12), min(90, age + 12))
    insured = _person(fake, role_rng, min_age=low, max_age=max(low + 1, high), ref=on)
    same_name = role == "child" or role_rng.random() < 0.6
    insured = _named(insured, patient["last_name"] if same_name else insured["last_name"], patient["display"])
    insured["address"] = patient["address"]
    content["insured"] = insured
    printed["insured_name"] = insured["display"]
    printed["nir"] = insured["nir"]
    printed["beneficiary_relation"] = RELATION_LABELS[role]
    printed["patient_birth_date"] = patient["birth_date"]


# --------------------------------------------------------------------------------------------------- invoice

INVOICE_CARE_TYPES = ("consultation", "pharmacy", "audio", "hospital")


def build_invoice(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """A care or pharmacy invoice: issuer, patient, billed acts, VAT where due, AMO share under tiers payant."""
    fake = seeded_faker(rng)
    allowed = {"wrong_vat": ("pharmacy", "audio"), "invalid_rpps_key": ("consultation", "pharmacy", "audio")}
    care_type = _choice(rng, allowed.get(inconsistency or "", INVOICE_CARE_TYPES))
    table = load_tariffs()
    invoice_date = _date(rng, dt.date(2022, 1, 10), dt.date(2025, 6, 30))
    care_date = invoice_date - dt.timedelta(days=int(rng.integers(0, 3)) if care_type != "hospital"
                                            else int(rng.integers(1, 12)))
    patient = _person(fake, rng, ref=invoice_date)
    issuer: dict = {}
    lines: list[dict] = []
    prescription_date = None
    if care_type == "consultation":
        specialty = _choice(rng, tuple(SPECIALTIES))
        profession, codes = SPECIALTIES[specialty]
        prac = _practitioner(fake, rng, specialty, profession, profession == "medecin")
        issuer = {**prac, "issuer_name": {"infirmier": "Cabinet infirmier",
                                          "masseur-kinesitherapeute": "Cabinet de kinésithérapie"}
                  .get(profession, f"Cabinet du {prac['name']}")}
        chosen = [codes[0]] + [c for c in codes[1:] if rng.random() < 0.4]
        for code in chosen:
            act = table[code]
            coefficient = code in ("K", "AMI", "AMK")
            qty = int(rng.integers(2, 21)) if coefficient else 1
            unit = act.base_cents if coefficient else _price(rng, act, 50)
            lines.append(_line(code, act.label, qty, unit, 0.0))
    elif care_type == "pharmacy":
        address = _address(fake, rng)
        prac = _practitioner(fake, rng, "Pharmacien titulaire", "pharmacien", False)
        issuer = {**prac, "address": address, "issuer_name": _org_name(fake, rng, "pharmacy", address["city"]),
                  "finess": ids.finess(rng, address["department"]), "phone": _phone(rng, address["phone_prefix"])}
        prescription_date = care_date - dt.timedelta(days=int(rng.integers(0, 20)))
        picks = rng.choice(len(MEDICINES), size=int(rng.integers(1, 5)), replace=False)
        boxes = 0
        for index in picks:
            label, unit = MEDICINES[int(index)]
            qty = int(rng.integers(1, 4))
            boxes += qty
            lines.append(_line(ids.cip13(rng), label, qty, unit, 0.021))
        lines.append(_line("HDA", table["HDA"].label, boxes, table["HDA"].base_cents, 0.021))
        if rng.random() < 0.35:
            act = table[_choice(rng, ("1104870", "1140110"))]
            lines.append(_line(act.code, act.label, 1, _price(rng, act, 10), vat_rate(act.code, "pharmacy")))
    elif care_type == "audio":
        address = _address(fake, rng)
        prac = _practitioner(fake, rng, "Audioprothésiste D.E.", "audioprothesiste", False)
        issuer = {**prac, "address": address, "issuer_name": _org_name(fake, rng, "audio", address["city"]),
                  "phone": _phone(rng, address["phone_prefix"])}
        prescription_date = care_date - dt.timedelta(days=int(rng.integers(10, 90)))
        act = table[_choice(rng, ("2355084", "2335791"))]
        lines.append(_line(act.code, act.label, int(rng.integers(1, 3)), _price(rng, act, 1000),
                           vat_rate(act.code, "audio")))
        if rng.random() < 0.5:
            piles = table["2364670"]
            lines.append(_line(piles.code, piles.label, 1, _price(rng, piles, 10), vat_rate(piles.code, "audio")))
    else:
        address = _address(fake, rng)
        issuer = {"issuer_name": _org_name(fake, rng, "hospital", address["city"]), "address": address,
                  "finess": ids.finess(rng, address["department"]), "siret": ids.siret(rng),
                  "phone": _phone(rng, address["phone_prefix"])}
        days = (invoice_date - care_date).days
        for code, qty in (("FJH", days), ("CP", days), ("PAV", 1)):
            if code == "FJH" or rng.random() < 0.6:
                act = table[code]
                lines.append(_line(code, act.label, qty, _price(rng, act, 500), 0.0))
    with_vat = care_type in ("pharmacy", "audio")
    total_ht = sum(line["total_cents"] for line in lines)
    vat = vat_total(lines) if with_vat else 0
    total_ttc = total_ht + vat
    amo = 0
    if care_type == "pharmacy":
        amo = _round_half_up(Decimal(total_ttc) * Decimal("0.65"))
    elif care_type == "audio":
        amo = _round_half_up(sum(Decimal(table[line["code"]].base_cents * line["qty"]) * Decimal("0.6")
                                 for line in lines))
    paid = total_ttc - amo
    content = {
        "doc_type": "invoice", "care_type": care_type,
        "issuer": {k: v for k, v in issuer.items() if k != "address"}, "issuer_address": issuer["address"],
        "patient": patient, "invoice_number": f"{invoice_date.year}-{int(rng.integers(1, 99999)):05d}",
        "dates": {"invoice_date": invoice_date.isoformat(), "care_date": care_date.isoformat(),
                  "prescription_date": prescription_date.isoformat() if prescription_date else None},
        "lines": lines, "with_vat": with_vat,
        "totals": {"total_ht": eur(total_ht), "vat": eur(vat), "total_ttc": eur(total_ttc), "amo_share": eur(amo),
                   "amount_paid": eur(paid)},
    }
    printed = {"issuer_name": issuer["issuer_name"]}
    if "name" in issuer:
        printed["practitioner_name"] = issuer["name"]
        printed["specialty"] = issuer["specialty"]
    printed["issuer_address"] = "\n".join(issuer["address"]["lines"])
    printed["issuer_phone"] = issuer["phone"]
    for key in ("rpps", "adeli", "finess", "siret"):
        if key in issuer and not (key == "adeli" and care_type == "pharmacy"):
            printed[key] = issuer[key]
    printed.update({"patient_name": patient["display"], "patient_address": "\n".join(patient["address"]["lines"]),
                    "nir": patient["nir"], "invoice_number": content["invoice_number"],
                    "invoice_date": invoice_date.isoformat(), "care_date": care_date.isoformat()})
    if prescription_date:
        printed["prescription_date"] = prescription_date.isoformat()
    _set_beneficiary(content, printed, patient, care_date)
    _lines_printed(printed, lines, with_vat)
    if with_vat:
        printed["total_ht"] = amount_str(total_ht)
        printed["vat"] = amount_str(vat)
    printed["total_ttc"] = amount_str(total_ttc)
    if amo:
        printed["amo_share"] = amount_str(amo)
    printed["amount_paid"] = amount_str(paid)
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "total_ttc", rng),
        "wrong_line_total": _line_target(content, "act_amount_", rng),
        "wrong_vat": _amount_target(content, "vat", rng),
        "invalid_siret_key": _id_target(content, "siret", "siret", rng),
        "invalid_rpps_key": _id_target(content, "rpps", "rpps", rng),
        "invalid_nir_key": _id_target(content, "nir", "nir", rng),
        "date_order": _date_target("care_date", invoice_date.isoformat(), (2, 40), rng),
    })
    return content


# ---------------------------------------------------------------------------------------------- prescription

def _form(label: str) -> str:
    """Galenic form of a medicine label, a key of POSOLOGIES."""
    return next((form for form in ("gél", "inhal") if form in label), "cp")


def build_prescription(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """A doctor's prescription: prescriber with RPPS and AM number, patient, dated list of medicines."""
    fake = seeded_faker(rng)
    specialty = _choice(rng, ("Médecin généraliste", "Médecin généraliste", "Cardiologue", "Dermatologue",
                              "Pédiatre", "Psychiatre"))
    prac = _practitioner(fake, rng, specialty, "medecin", True)
    date = _date(rng, dt.date(2022, 1, 10), dt.date(2025, 6, 30))
    patient = _person(fake, rng, min_age=1 if specialty == "Pédiatre" else 18,
                      max_age=15 if specialty == "Pédiatre" else 88, ref=date)
    picks = rng.choice(len(MEDICINES), size=int(rng.integers(1, 5)), replace=False)
    drugs = [{"label": MEDICINES[int(i)][0], "posology": _choice(rng, POSOLOGIES[_form(MEDICINES[int(i)][0])])}
             for i in picks]
    content = {"doc_type": "prescription", "care_type": "pharmacy", "practitioner": prac, "patient": patient,
               "dates": {"prescription_date": date.isoformat()}, "drugs": drugs,
               "renewable": bool(rng.random() < 0.3)}
    printed = {"practitioner_name": prac["name"], "specialty": specialty,
               "practitioner_address": "\n".join(prac["address"]["lines"]), "practitioner_phone": prac["phone"],
               "rpps": prac["rpps"], "adeli": prac["adeli"], "patient_name": patient["display"],
               "patient_birth_date": patient["birth_date"], "prescription_date": date.isoformat()}
    for i, drug in enumerate(drugs, start=1):
        printed[f"drug_{i}"] = drug["label"]
        printed[f"posology_{i}"] = drug["posology"]
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {"invalid_rpps_key": _id_target(content, "rpps", "rpps", rng)})
    return content


# ---------------------------------------------------------------------------------------------- dental quote

TEETH = tuple(f"{q}{n}" for q in (1, 2, 3, 4) for n in range(1, 9))


def build_dental_quote(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """A dentist's quote (devis) for prosthetic and conservative acts with fees, BRSS and AMO share."""
    fake = seeded_faker(rng)
    prac = _practitioner(fake, rng, "Chirurgien-dentiste", "chirurgien-dentiste", True)
    quote_date = _date(rng, dt.date(2022, 1, 10), dt.date(2025, 6, 30))
    patient = _person(fake, rng, min_age=18, ref=quote_date)
    table = load_tariffs()
    prosthetic = ("HBLD038", "HBLD634", "HBLD491", "HBLD350", "HBLD785")
    extras = ("HBLD090", "HBLD490", "HBQK389", "HBMD053", "HBGD036", "HBFD017")
    codes = [_choice(rng, prosthetic) for _ in range(int(rng.integers(1, 4)))]
    codes += [_choice(rng, extras) for _ in range(int(rng.integers(0, 3)))]
    lines = []
    for code in codes:
        act = table[code]
        fee = _price(rng, act, 500 if act.max_cents > act.min_cents else 1)
        amo = _round_half_up(Decimal(act.base_cents) * Decimal("0.6"))
        basket = "100 % santé" if fee <= act.base_cents or rng.random() < 0.3 else _choice(rng, ("Maîtrisé", "Libre"))
        line = _line(code, act.label, 1, fee, 0.0, tooth=_choice(rng, TEETH), base=eur(act.base_cents),
                     base_cents=act.base_cents, amo=eur(amo), amo_cents=amo, basket=basket)
        lines.append(line)
    total = sum(line["total_cents"] for line in lines)
    base = sum(line["base_cents"] for line in lines)
    amo = sum(line["amo_cents"] for line in lines)
    validity = quote_date + dt.timedelta(days=int(_choice(rng, (90, 180))))
    content = {"doc_type": "dental_quote", "care_type": "dental", "practitioner": prac, "patient": patient,
               "quote_number": f"D{quote_date.strftime('%y%m')}-{int(rng.integers(1, 9999)):04d}",
               "dates": {"quote_date": quote_date.isoformat(), "validity_date": validity.isoformat()},
               "lines": lines, "totals": {"total_ttc": eur(total), "total_base": eur(base), "amo_share": eur(amo),
                                          "patient_share": eur(total - amo)}}
    printed = {"practitioner_name": prac["name"], "specialty": prac["specialty"],
               "practitioner_address": "\n".join(prac["address"]["lines"]), "rpps": prac["rpps"],
               "adeli": prac["adeli"], "siret": prac["siret"], "patient_name": patient["display"],
               "patient_birth_date": patient["birth_date"], "nir": patient["nir"],
               "quote_number": content["quote_number"], "quote_date": quote_date.isoformat(),
               "validity_date": validity.isoformat()}
    for i, line in enumerate(lines, start=1):
        printed[f"act_tooth_{i}"] = line["tooth"]
        printed[f"act_code_{i}"] = line["code"]
        printed[f"act_label_{i}"] = line["label"]
        printed[f"act_basket_{i}"] = line["basket"]
        printed[f"act_amount_{i}"] = amount_str(line["total_cents"])
        printed[f"act_base_{i}"] = amount_str(line["base_cents"])
        printed[f"act_amo_{i}"] = amount_str(line["amo_cents"])
    printed.update({"total_ttc": amount_str(total), "total_base": amount_str(base), "amo_share": amount_str(amo),
                    "patient_share": amount_str(total - amo)})
    _set_beneficiary(content, printed, patient, quote_date)
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "total_ttc", rng),
        "invalid_rpps_key": _id_target(content, "rpps", "rpps", rng),
        "invalid_nir_key": _id_target(content, "nir", "nir", rng),
        "date_order": _date_target("validity_date", quote_date.isoformat(), (-60, -2), rng),
    })
    return content


# --------------------------------------------------------------------------------------------- optical quote

def _refraction(rng: np.random.Generator, progressive: bool) -> str:
    sphere = float(rng.integers(-24, 17)) * 0.25
    text = f"{sphere:+.2f}".replace(".", ",")
    if rng.random() < 0.6:
        cyl = float(rng.integers(-8, 0)) * 0.25
        text += f" ({cyl:+.2f}) {int(rng.integers(0, 18)) * 10}°".replace(".", ",")
    if progressive:
        text += f" Add {float(rng.integers(4, 13)) * 0.25:+.2f}".replace(".", ",")
    return text


def build_optical_quote(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """An optician's standard quote: frame and lenses with LPP codes, VAT, AMO/AMC shares, prescriber."""
    fake = seeded_faker(rng)
    shop_address = _address(fake, rng)
    optician = _practitioner(fake, rng, "Opticien-lunetier", "opticien", False)
    prescriber = _practitioner(fake, rng, "Ophtalmologiste", "medecin", True)
    quote_date = _date(rng, dt.date(2022, 1, 10), dt.date(2025, 6, 30))
    prescription_date = quote_date - dt.timedelta(days=int(rng.integers(3, 300)))
    patient = _person(fake, rng, min_age=18, ref=quote_date)
    table = load_tariffs()
    progressive = bool(rng.random() < 0.45)
    class_a = bool(rng.random() < 0.3)
    frame = table["2210546" if class_a else "2223342"]
    lens = table[("2259966" if class_a else "2290396") if progressive else ("2203240" if class_a else "2280660")]
    lines = [_line(frame.code, frame.label, 1, _price(rng, frame, 100 if class_a else 1000), 0.20),
             _line(lens.code, lens.label, 2, _price(rng, lens, 50 if class_a else 500), 0.20)]
    if rng.random() < 0.5:
        fee = table["2262890"]
        lines.append(_line(fee.code, fee.label, 1, fee.base_cents, 0.20))
    total_ht = sum(line["total_cents"] for line in lines)
    vat = vat_total(lines)
    total_ttc = total_ht + vat
    amo = _round_half_up(sum(Decimal(table[line["code"]].base_cents * line["qty"]) * Decimal("0.6")
                             for line in lines))
    amc = total_ttc - amo if class_a else min(total_ttc - amo, int(rng.integers(10, 41)) * 1000)
    shop = {"name": _org_name(fake, rng, "optical", shop_address["city"]), "address": shop_address,
            "siret": ids.siret(rng)}
    content = {"doc_type": "optical_quote", "care_type": "optical", "shop": shop,
               "optician": optician, "prescriber": prescriber, "patient": patient,
               "dates": {"quote_date": quote_date.isoformat(), "prescription_date": prescription_date.isoformat()},
               "correction": {"od": _refraction(rng, progressive), "og": _refraction(rng, progressive)},
               "lines": lines, "with_vat": True,
               "totals": {"total_ht": eur(total_ht), "vat": eur(vat), "total_ttc": eur(total_ttc),
                          "amo_share": eur(amo), "amc_share": eur(amc), "patient_share": eur(total_ttc - amo - amc)}}
    printed = {"issuer_name": content["shop"]["name"], "issuer_address": "\n".join(shop_address["lines"]),
               "siret": content["shop"]["siret"], "practitioner_name": optician["name"], "adeli": optician["adeli"],
               "prescriber_name": prescriber["name"], "rpps": prescriber["rpps"],
               "prescription_date": prescription_date.isoformat(), "patient_name": patient["display"],
               "patient_birth_date": patient["birth_date"], "nir": patient["nir"],
               "quote_date": quote_date.isoformat(), "od_correction": content["correction"]["od"],
               "og_correction": content["correction"]["og"]}
    _set_beneficiary(content, printed, patient, quote_date)
    _lines_printed(printed, lines, True)
    printed.update({"total_ht": amount_str(total_ht), "vat": amount_str(vat), "total_ttc": amount_str(total_ttc),
                    "amo_share": amount_str(amo), "amc_share": amount_str(amc),
                    "patient_share": amount_str(total_ttc - amo - amc)})
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "total_ttc", rng),
        "wrong_line_total": _line_target(content, "act_amount_", rng),
        "wrong_vat": _amount_target(content, "vat", rng),
        "invalid_siret_key": _id_target(content, "siret", "siret", rng),
        "invalid_rpps_key": _id_target(content, "rpps", "rpps", rng),
        "date_order": _date_target("prescription_date", quote_date.isoformat(), (3, 60), rng),
    })
    return content


# ------------------------------------------------------------------------------------ social security statement

def build_social_security_statement(rng: np.random.Generator, inconsistency: Optional[str] = None,
                                    with_amc: bool = False) -> dict:
    """A reimbursement statement (décompte): care lines with expense, BRSS, rate and AMO reimbursement,
    optionally the complementary insurer's share (combined AMO + AMC statement)."""
    fake = seeded_faker(rng)
    statement_date = _date(rng, dt.date(2022, 2, 1), dt.date(2025, 6, 30))
    insured = _person(fake, rng, min_age=20, ref=statement_date)
    city = {key: value for key, value in insured["address"].items() if key != "lines"}
    payer = f"CPAM {city['of_department']}"
    payer_address = _address(fake, rng, city)
    mutuelle = _choice(rng, MUTUELLES)
    table = load_tariffs()
    candidates = ("G", "CS", "C", "APC", "DEQP003", "HBJD001", "HBQK389", "AMI", "AMK", "HDA")
    lines = []
    for _ in range(int(rng.integers(2, 7))):
        act = table[_choice(rng, candidates)]
        qty = int(rng.integers(2, 11)) if act.code in ("AMI", "AMK", "HDA") else 1
        paid = _price(rng, act, 50) * qty
        base = act.base_cents * qty
        rate = 0.6 if act.code in ("AMI", "AMK", "HBQK389") else 0.7
        amount = _round_half_up(Decimal(base) * Decimal(str(rate)))
        amc = min(paid - amount, base - amount + (paid - base) // 2) if with_amc else 0
        date = statement_date - dt.timedelta(days=int(rng.integers(3, 45)))
        lines.append({"date": date.isoformat(), "code": act.code, "label": act.label.split(" (")[0],
                      "paid": eur(paid), "paid_cents": paid, "base": eur(base), "base_cents": base, "rate": rate,
                      "amount": eur(amount), "total_cents": amount, "amc": eur(amc), "amc_cents": amc})
    lines.sort(key=lambda line: line["date"])
    amo_total = sum(line["total_cents"] for line in lines)
    amc_total = sum(line["amc_cents"] for line in lines)
    number = f"{statement_date.strftime('%Y%m%d')}{int(rng.integers(0, 10**6)):06d}"
    content = {"doc_type": "social_security_statement", "with_amc": with_amc, "payer": payer,
               "payer_address": payer_address, "mutuelle": mutuelle, "insured": insured,
               "statement_number": number, "dates": {"statement_date": statement_date.isoformat()},
               "lines": lines, "totals": {"amo_share": eur(amo_total), "amc_share": eur(amc_total),
                                          "amount_paid": eur(amo_total + amc_total)}}
    printed = {"payer_name": mutuelle if with_amc else payer,
               "payer_address": "\n".join(payer_address["lines"]), "insured_name": insured["display"],
               "insured_address": "\n".join(insured["address"]["lines"]), "nir": insured["nir"],
               "statement_number": number, "statement_date": statement_date.isoformat()}
    for i, line in enumerate(lines, start=1):
        printed[f"act_date_{i}"] = line["date"]
        printed[f"act_code_{i}"] = line["code"]
        printed[f"act_label_{i}"] = line["label"]
        printed[f"act_paid_{i}"] = amount_str(line["paid_cents"])
        printed[f"act_base_{i}"] = amount_str(line["base_cents"])
        printed[f"act_rate_{i}"] = rate_str(line["rate"])
        printed[f"act_amount_{i}"] = amount_str(line["total_cents"])
        if with_amc:
            printed[f"act_amc_{i}"] = amount_str(line["amc_cents"])
    if with_amc:
        printed["amo_share"] = amount_str(amo_total)
        printed["amc_share"] = amount_str(amc_total)
    printed["amount_paid"] = amount_str(amo_total + amc_total)
    content["printed"] = printed

    def late_care() -> tuple[str, str]:
        index = int(rng.integers(len(lines))) + 1
        return _date_target(f"act_date_{index}", statement_date.isoformat(), (2, 30), rng)()

    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "amount_paid", rng),
        "wrong_line_total": _line_target(content, "act_amount_", rng),
        "invalid_nir_key": _id_target(content, "nir", "nir", rng),
        "date_order": late_care,
    })
    return content


# ----------------------------------------------------------------------------------------------------- RIB

def build_rib(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """A bank identity statement (RIB): holder, bank, national account parts, IBAN and BIC."""
    fake = seeded_faker(rng)
    holder = _person(fake, rng, min_age=19)
    account = ids.bank_account(rng)
    quarter = _choice(rng, ("CENTRE", "GARE", "REPUBLIQUE", "HOTEL DE VILLE", "SAINT-MICHEL", "LES HALLES",
                            "VICTOR HUGO", "JEAN JAURES", "PLACE DU MARCHE"))
    brand = account.bank_name.split(" - ")[0].split(" d'Ile")[0].split(" Ile-de")[0].split(" Rives")[0]
    agency = f"{brand.upper()} {holder['address']['city'].upper()} {quarter}"
    content = {"doc_type": "rib", "holder": holder, "account": account.to_dict(),
               "domiciliation": agency}
    printed = {"holder_name": holder["display"], "holder_address": "\n".join(holder["address"]["lines"]),
               "bank_name": account.bank_name, "domiciliation": agency, "bank_code": account.bank_code,
               "branch_code": account.branch_code, "account_number": account.account_number,
               "rib_key": account.rib_key, "iban": account.iban, "bic": account.bic}
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {"invalid_iban_key": _id_target(content, "iban", "iban", rng)})
    return content


# ---------------------------------------------------------------------------------------------- tax notice

def income_tax(taxable: int, parts: float, couple: bool) -> int:
    """Income tax in euros from the progressive barème with family quotient and décote (2024 notice)."""
    quotient = taxable / parts
    tax, lower = 0.0, 0
    for upper, rate in TAX_BRACKETS:
        if quotient > lower:
            tax += (min(quotient, upper) - lower) * rate
        lower = upper
    gross = int(round(tax * parts))
    threshold, base = (3191, 1444) if couple else (1929, 873)
    if gross < threshold:
        gross = max(0, gross - max(0, int(round(base - 0.4525 * gross))))
    return gross if gross >= 61 else 0


def build_tax_notice(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """An income tax notice: household, incomes, 10 % deduction, taxable income, RFR, tax, withholding, dates."""
    fake = seeded_faker(rng)
    year = int(rng.integers(2021, 2025))  # income year; the notice comes the year after
    first = _person(fake, rng, min_age=22, max_age=80, ref=dt.date(year + 1, 8, 1), style=0)
    couple = bool(rng.random() < 0.55)
    children = int(rng.integers(0, 4))
    parts = (2.0 if couple else 1.0) + (0.5 * min(children, 2) + max(0, children - 2)) + \
        (0.5 if not couple and children else 0.0)
    second = _person(fake, rng, min_age=22, max_age=80, ref=dt.date(year + 1, 8, 1), style=0) if couple else None
    incomes = [int(rng.integers(14000, 72000))] + ([int(rng.integers(0, 60000))] if couple else [])
    deductions = [min(max(int(round(v * 0.1)), 495 if v else 0), 14171) for v in incomes]
    taxable = sum(incomes) - sum(deductions)
    rfr = taxable + int(rng.integers(0, 2500)) * int(rng.random() < 0.3)
    tax = income_tax(taxable, parts, couple)
    withholding = tax - int(rng.integers(0, max(1, tax // 4 + 1))) if tax else 0
    establishment = dt.date(year + 1, 7, int(rng.integers(8, 28)))
    collection = establishment + dt.timedelta(days=int(rng.integers(3, 20)))
    names = first["display"] + (f" ou {second['display']}" if second else "")
    centre = first["address"]["city"]
    content = {"doc_type": "tax_notice", "income_year": year, "declarants": [first] + ([second] if second else []),
               "parts": parts, "children": children, "incomes": incomes, "deductions": deductions,
               "taxable_income": taxable, "rfr": rfr, "tax": tax, "withholding": withholding,
               "amount_due": tax - withholding, "centre": f"SIP de {centre}",
               "dates": {"statement_date": establishment.isoformat(), "collection_date": collection.isoformat()}}
    printed = {"taxpayer_name": names, "taxpayer_address": "\n".join(first["address"]["lines"]),
               "numero_fiscal": ids.numero_fiscal(rng), "reference_avis": f"{year % 100 + 1:02d}" +
               "".join(str(int(d)) for d in rng.integers(0, 10, 11)), "tax_year": str(year),
               "household": ("Marié(e)s / pacsé(e)s" if couple else _choice(rng, ("Célibataire", "Divorcé(e)"))),
               "nb_parts": f"{parts:g}".replace(".", ","), "income_declarant_1": amount_str(incomes[0] * 100)}
    content["numero_fiscal"] = printed["numero_fiscal"]
    if couple:
        printed["income_declarant_2"] = amount_str(incomes[1] * 100)
    printed.update({"deduction_total": amount_str(sum(deductions) * 100), "taxable_income": amount_str(taxable * 100),
                    "rfr": amount_str(rfr * 100), "tax_amount": amount_str(tax * 100),
                    "withholding": amount_str(withholding * 100), "amount_due": amount_str((tax - withholding) * 100),
                    "statement_date": establishment.isoformat(), "collection_date": collection.isoformat()})
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "taxable_income", rng, whole_euros=True),
        "date_order": _date_target("collection_date", establishment.isoformat(), (-25, -2), rng),
    })
    return content


# --------------------------------------------------------------------------------------------------- TP card

def build_tp_card(rng: np.random.Generator, inconsistency: Optional[str] = None,
                  with_address: bool = False) -> dict:
    """A third-party-payment card: complementary insurer, AMC number, insured and beneficiaries, validity,
    coverage codes; with the insured's address when the card comes inside a letter."""
    fake = seeded_faker(rng)
    start = dt.date(int(rng.integers(2022, 2026)), 1, 1)
    end = dt.date(start.year, 12, 31)
    insured = _person(fake, rng, min_age=20, ref=start)
    beneficiaries = [insured] + [_person(fake, rng, min_age=1, max_age=60, ref=start)
                                 for _ in range(int(rng.integers(0, 3)))]
    for person in beneficiaries[1:]:
        person["last_name"] = insured["last_name"]
        person["display"] = f"{insured['last_name'].upper()} {person['first_name']}"
    coverages = [c for c in TP_COVERAGES if rng.random() < 0.8] or [TP_COVERAGES[0]]
    levels = {code: _choice(rng, ("100%", "PEC", "TM", "300%", "FR")) for code, _ in coverages}
    mutuelle = _choice(rng, MUTUELLES)
    content = {"doc_type": "tp_card", "organism": mutuelle, "insured": insured, "beneficiaries": beneficiaries,
               "dates": {"valid_from": start.isoformat(), "valid_to": end.isoformat()},
               "coverages": levels, "phone": _phone(rng, "09")}
    printed = {"organism_name": mutuelle, "amc_number": "".join(str(int(d)) for d in rng.integers(0, 10, 8)),
               "contract_number": f"{int(rng.integers(10**8, 10**9))}", "insured_name": insured["display"],
               "nir": insured["nir"], "valid_from": start.isoformat(), "valid_to": end.isoformat(),
               "organism_phone": content["phone"]}
    if with_address:
        printed["insured_address"] = "\n".join(insured["address"]["lines"])
    for i, person in enumerate(beneficiaries, start=1):
        printed[f"beneficiary_name_{i}"] = f"{person['last_name'].upper()} {person['first_name']}"
        printed[f"beneficiary_birth_date_{i}"] = person["birth_date"]
    for code, level in levels.items():
        printed[f"coverage_{code.lower()}"] = level
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "invalid_nir_key": _id_target(content, "nir", "nir", rng),
        "date_order": _date_target("valid_to", start.isoformat(), (-300, -20), rng),
    })
    return content


# ------------------------------------------------------------------------------------------------ sick leave

def build_sick_leave(rng: np.random.Generator, inconsistency: Optional[str] = None) -> dict:
    """An employer's salary certificate for daily sickness allowances: employer, employee, dates of the
    stoppage, gross salaries of the three months before it and their total."""
    fake = seeded_faker(rng)
    leave_start = _date(rng, dt.date(2022, 3, 1), dt.date(2025, 6, 30))
    last_day = leave_start - dt.timedelta(days=int(rng.integers(1, 3)))
    employee = _person(fake, rng, min_age=20, max_age=64, ref=leave_start)
    hire = leave_start - dt.timedelta(days=int(rng.integers(200, 6000)))
    address = _address(fake, rng)
    naf, activity = _choice(rng, EMPLOYER_ACTIVITIES)
    employer = {"name": f"{fake.last_name()} {_choice(rng, ('SAS', 'SARL', 'SA', 'et Fils', 'Services'))}".upper(),
                "address": address, "siret": ids.siret(rng), "naf": naf, "activity": activity,
                "phone": _phone(rng, address["phone_prefix"])}
    monthly = int(rng.integers(1800, 5200)) * 100
    periods = []
    month_start = dt.date(leave_start.year, leave_start.month, 1)
    for _ in range(3):
        month_end = month_start - dt.timedelta(days=1)
        month_start = dt.date(month_end.year, month_end.month, 1)
        salary = monthly + int(rng.integers(-15000, 25000)) if rng.random() < 0.5 else monthly
        periods.append({"start": month_start.isoformat(), "end": month_end.isoformat(), "salary": eur(salary),
                        "salary_cents": salary})
    periods.reverse()
    total = sum(p["salary_cents"] for p in periods)
    signature = leave_start + dt.timedelta(days=int(rng.integers(1, 10)))
    signatory = f"{fake.first_name()} {fake.last_name().upper()}"
    content = {"doc_type": "sick_leave", "employer": employer, "employee": employee, "job_title": fake.job(),
               "dates": {"hire_date": hire.isoformat(), "last_work_day": last_day.isoformat(),
                         "leave_start": leave_start.isoformat(), "signature_date": signature.isoformat()},
               "periods": periods, "salary_total": eur(total), "signatory": signatory}
    printed = {"employer_name": employer["name"], "employer_address": "\n".join(address["lines"]),
               "siret": employer["siret"], "naf_code": naf, "employer_phone": employer["phone"],
               "insured_name": employee["display"],
               "nir": employee["nir"], "insured_address": "\n".join(employee["address"]["lines"]),
               "job_title": content["job_title"], "hire_date": hire.isoformat(),
               "last_work_day": last_day.isoformat(), "leave_start": leave_start.isoformat()}
    for i, period in enumerate(periods, start=1):
        printed[f"period_start_{i}"] = period["start"]
        printed[f"period_end_{i}"] = period["end"]
        printed[f"salary_{i}"] = amount_str(period["salary_cents"])
    printed.update({"salary_total": amount_str(total), "signatory_name": signatory,
                    "signature_date": signature.isoformat()})
    content["printed"] = printed
    _apply_common(content, inconsistency, rng, {
        "wrong_total": _amount_target(content, "salary_total", rng),
        "invalid_siret_key": _id_target(content, "siret", "siret", rng),
        "invalid_nir_key": _id_target(content, "nir", "nir", rng),
        "date_order": _date_target("last_work_day", leave_start.isoformat(), (2, 20), rng),
    })
    return content


BUILDERS: dict[str, Callable[..., dict]] = {
    "invoice": build_invoice, "prescription": build_prescription, "dental_quote": build_dental_quote,
    "optical_quote": build_optical_quote, "social_security_statement": build_social_security_statement,
    "rib": build_rib, "tax_notice": build_tax_notice, "tp_card": build_tp_card, "sick_leave": build_sick_leave,
}


def build(doc_type: str, rng: np.random.Generator, inconsistency: Optional[str] = None, **options) -> dict:
    """Content of one document of `doc_type`, with at most one deliberate inconsistency."""
    return BUILDERS[doc_type](rng, inconsistency, **options)
