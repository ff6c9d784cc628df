"""Non-claim pages a claims mailbox also receives, labelled "other": cover letters, utility and phone bills, shop
receipts, school certificates and bank statements, in French, seeded.

Each kind builds its text (sender, recipient, title, reference rows, paragraphs, an optional table, footer); three
layouts draw any kind, and the last one ("other-c") is held out for the test split, as for the claim types.
Pages print no keyed field, so they carry no forgery and no inconsistency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from vigie.synth import identifiers as ids
from vigie.synth.content import MUTUELLES, _address, _choice, _date, _person, _phone, seeded_faker
from vigie.synth.layout import Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import (
    MONO,
    NARROW,
    SANS,
    SERIF,
    Formats,
    Sheet,
    format_amount,
    format_date,
    initials,
    paper,
    pick,
    table_style,
)

DOC_TYPE = "other"
VARIANTS = ("a", "b", "c")
TEMPLATES: tuple[str, ...] = tuple(f"{DOC_TYPE}-{v}" for v in VARIANTS)
KINDS = ("cover_letter", "utility_bill", "shop_receipt", "school_certificate", "bank_statement")


@dataclass
class OtherContent:
    """The text of a non-claim page, independent of its layout."""

    kind: str
    sender: list[str]
    recipient: list[str]
    title: str
    meta: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: Optional[tuple[list[str], list[list[str]]]] = None
    footer: list[str] = field(default_factory=list)
    signed_by: str = ""

    def to_json(self) -> dict:
        return {"doc_type": DOC_TYPE, "kind": self.kind, "title": self.title, "sender": self.sender,
                "recipient": self.recipient, "meta": [list(m) for m in self.meta], "paragraphs": self.paragraphs,
                "table": [self.table[0], self.table[1]] if self.table else None, "footer": self.footer,
                "printed": {}}


def _money(cents: int) -> str:
    return format_amount(f"{cents // 100}.{cents % 100:02d}", Formats())


def _day(rng: np.random.Generator) -> dt.date:
    return _date(rng, dt.date(2022, 1, 10), dt.date(2025, 6, 30))


def cover_letter(rng: np.random.Generator) -> OtherContent:
    """An insured's letter sending claim documents to the complementary insurer."""
    fake = seeded_faker(rng)
    person = _person(fake, rng, min_age=20)
    mutuelle = _choice(rng, MUTUELLES)
    when = _day(rng)
    subject = _choice(rng, ("demande de remboursement", "envoi de justificatifs", "réclamation",
                            "changement d'adresse", "résiliation de mon contrat"))
    items = rng.choice(("la facture de mon opticien", "le décompte de la Sécurité sociale", "un devis dentaire",
                        "l'ordonnance correspondante", "mon relevé d'identité bancaire", "la facture de la clinique"),
                       size=int(rng.integers(1, 4)), replace=False)
    body = ["Madame, Monsieur,",
            f"Je vous prie de trouver ci-joint {', '.join(str(i) for i in items)}, au sujet de ma {subject}.",
            _choice(rng, ("Je vous remercie de bien vouloir traiter ce dossier dans les meilleurs délais.",
                          "Je reste à votre disposition pour tout renseignement complémentaire.",
                          "Merci de me tenir informé(e) de la suite donnée à ma demande.")),
            "Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées."]
    return OtherContent("cover_letter", [person["display"]] + person["address"]["lines"],
                        [mutuelle, "Service Prestations"] + _address(fake, rng)["lines"],
                        f"Objet : {subject}",
                        [("Fait à", person["address"]["city"]), ("Le", format_date(when.isoformat(), "long")),
                         ("N° d'adhérent", str(int(rng.integers(10**8, 10**9))))],
                        body, None, [], person["display"])


def utility_bill(rng: np.random.Generator) -> OtherContent:
    """An electricity, gas, water or phone bill."""
    fake = seeded_faker(rng)
    person = _person(fake, rng, min_age=20)
    provider, service, unit = _choice(rng, (("Énergies du Littoral", "électricité", "kWh"),
                                           ("GazPlus Distribution", "gaz naturel", "kWh"),
                                           ("Eaux de la Vallée", "eau potable", "m3"),
                                           ("Telcom Mobile", "forfait mobile", "Go"),
                                           ("FibreNet", "box internet et téléphone", "mois")))
    when = _day(rng)
    rows, total = [], 0
    for label in rng.choice(("Abonnement", "Consommation", "Taxes et contributions", "Options",
                             "Communications hors forfait", "Location compteur"), size=int(rng.integers(2, 5)),
                            replace=False):
        quantity = int(rng.integers(1, 600))
        cents = int(rng.integers(150, 9000))
        total += cents
        rows.append([str(label), f"{quantity} {unit}", _money(cents)])
    start, debit = (when - dt.timedelta(days=30)).isoformat(), (when + dt.timedelta(days=15)).isoformat()
    paragraphs = [f"Votre facture {service} pour la période du {format_date(start, 'slash')}"
                  f" au {format_date(when.isoformat(), 'slash')}.",
                  f"Montant à payer : {_money(total)}, prélevé le {format_date(debit, 'slash')} sur votre compte.",
                  "Service client : du lundi au samedi de 8 h à 20 h, appel non surtaxé."]
    return OtherContent("utility_bill", [provider] + _address(fake, rng)["lines"],
                        [person["display"]] + person["address"]["lines"], f"Votre facture {service}",
                        [("Date", format_date(when.isoformat(), "slash")),
                         ("Référence client", f"{int(rng.integers(10**9, 10**10))}"),
                         ("Contrat n°", f"{int(rng.integers(10**6, 10**7))}"),
                         ("Téléphone", _phone(rng, "09"))],
                        paragraphs, (["Détail", "Quantité", "Montant"], rows),
                        [f"{provider} - SA au capital de {int(rng.integers(1, 900))} 000 € - "
                         f"SIRET {ids.siret(rng)}"])


def shop_receipt(rng: np.random.Generator) -> OtherContent:
    """A supermarket or shop receipt."""
    fake = seeded_faker(rng)
    shop = _choice(rng, ("Super U", "Carrefour Market", "Librairie du Centre", "Bricomarché", "Monoprix",
                         "Boulangerie Martin", "Décathlon"))
    address = _address(fake, rng)
    rows, total = [], 0
    for name in rng.choice(("Pain de campagne", "Lait demi-écrémé 1L", "Cahier grands carreaux", "Piles AA x4",
                            "Café moulu 250g", "Tournevis cruciforme", "Pommes Golden 1kg", "Shampooing",
                            "Chaussettes sport", "Stylo bille bleu", "Yaourts nature x8", "Eau minérale 6x1,5L"),
                           size=int(rng.integers(3, 9)), replace=False):
        quantity = int(rng.integers(1, 4))
        cents = int(rng.integers(50, 2500))
        total += quantity * cents
        rows.append([str(name), str(quantity), _money(quantity * cents)])
    when = _day(rng)
    return OtherContent("shop_receipt", [shop] + address["lines"] + [f"Tél. {_phone(rng, address['phone_prefix'])}"],
                        [], "TICKET DE CAISSE",
                        [("Date", f"{format_date(when.isoformat(), 'slash')} {int(rng.integers(8, 20))}:"
                                  f"{int(rng.integers(0, 60)):02d}"),
                         ("Caisse", str(int(rng.integers(1, 12)))), ("Ticket", str(int(rng.integers(1000, 99999))))],
                        [f"TOTAL {_money(total)}", _choice(rng, ("Payé par carte bancaire", "Payé en espèces")),
                         f"dont TVA 20 % {_money(total // 6)}"],
                        (["Article", "Qté", "Prix"], rows),
                        ["Merci de votre visite et à bientôt !", "Conservez votre ticket pour tout échange."])


def school_certificate(rng: np.random.Generator) -> OtherContent:
    """A school or university enrolment certificate."""
    fake = seeded_faker(rng)
    pupil = _person(fake, rng, min_age=6, max_age=24)
    school = _choice(rng, ("Collège Jean Moulin", "Lycée Victor Hugo", "École élémentaire Jules Ferry",
                           "Université de Bourgogne", "Lycée professionnel Les Charmilles", "Collège Marie Curie"))
    year = int(rng.integers(2021, 2025))
    head = f"{fake.first_name()} {fake.last_name().upper()}"
    level = _choice(rng, ("6e", "4e", "Seconde générale", "Terminale", "CM2", "Licence 2", "BTS 1re année"))
    when = dt.date(year, 9, int(rng.integers(2, 28)))
    return OtherContent("school_certificate", [school] + _address(fake, rng)["lines"], [],
                        "CERTIFICAT DE SCOLARITÉ",
                        [("Année scolaire", f"{year}-{year + 1}"), ("Classe", level)],
                        [f"Je soussigné(e), {head}, chef d'établissement, certifie que l'élève "
                         f"{pupil['first_name']} {pupil['last_name'].upper()}, né(e) le "
                         f"{format_date(pupil['birth_date'], 'slash')}, est inscrit(e) dans notre établissement "
                         f"en classe de {level} pour l'année scolaire {year}-{year + 1}.",
                         "Le présent certificat est délivré pour servir et valoir ce que de droit.",
                         f"Fait le {format_date(when.isoformat(), 'long')}."],
                        None, ["Cachet de l'établissement"], head)


def bank_statement(rng: np.random.Generator) -> OtherContent:
    """A page of a current-account statement."""
    fake = seeded_faker(rng)
    person = _person(fake, rng, min_age=20)
    account = ids.bank_account(rng)
    start = _day(rng)
    rows, balance = [], int(rng.integers(-50000, 400000))
    opening = balance
    for i in range(int(rng.integers(5, 13))):
        day = start + dt.timedelta(days=int(2 * i + rng.integers(0, 2)))
        label, sign = _choice(rng, (("PRLV SEPA ÉNERGIES", -1), ("CB SUPERMARCHÉ", -1), ("VIR SALAIRE", 1),
                                    ("VIR CPAM REMBOURSEMENT", 1), ("CB PHARMACIE", -1), ("RETRAIT DAB", -1),
                                    ("PRLV MUTUELLE", -1), ("CHÈQUE N° 8812", -1), ("VIR LOYER", -1)))
        cents = int(rng.integers(500, 250000 if sign > 0 else 60000))
        balance += sign * cents
        rows.append([format_date(day.isoformat(), "slash"), label, _money(cents) if sign < 0 else "",
                     _money(cents) if sign > 0 else ""])
    return OtherContent("bank_statement", [account.bank_name] + _address(fake, rng)["lines"],
                        [person["display"]] + person["address"]["lines"], "RELEVÉ DE COMPTE COURANT",
                        [("Période", f"du {format_date(start.isoformat(), 'slash')} au "
                                     f"{format_date((start + dt.timedelta(days=30)).isoformat(), 'slash')}"),
                         ("Compte n°", account.account_number), ("IBAN", account.iban)],
                        [f"Solde précédent : {_money(abs(opening))} {'débiteur' if opening < 0 else 'créditeur'}",
                         f"Nouveau solde : {_money(abs(balance))} {'débiteur' if balance < 0 else 'créditeur'}"],
                        (["Date", "Libellé", "Débit", "Crédit"], rows),
                        ["En cas de réclamation, contactez votre conseiller.", "Page 1 / 1"])


BUILDERS: dict[str, Callable[[np.random.Generator], OtherContent]] = {
    "cover_letter": cover_letter, "utility_bill": utility_bill, "shop_receipt": shop_receipt,
    "school_certificate": school_certificate, "bank_statement": bank_statement,
}


def _table_columns(headers: list[str], width_mm: float) -> list[Column]:
    weights = [3.0 if i == (1 if headers[0] == "Date" else 0) else 1.0 for i in range(len(headers))]
    unit = width_mm / sum(weights)
    return [Column(h, w * unit, "left" if w > 1 or i == 0 else "right") for i, (h, w) in
            enumerate(zip(headers, weights))]


def _body(sheet: Sheet, doc: OtherContent, x: float, y: float, width: float, size: float,
          rng: np.random.Generator, rules: str) -> float:
    """Reference rows, paragraphs and table from y; returns the bottom."""
    c, f = sheet.canvas, sheet.font
    for label, value in doc.meta:
        c.text(x, y, f"{label} :", f(size))
        c.text(x + 38, y, value, f(size, "bold"))
        y += size * 0.55
    y += 4
    for paragraph in doc.paragraphs:
        y = c.paragraph(x, y, paragraph, f(size), width) + 2.5
    if doc.table:
        headers, rows = doc.table
        style = table_style(sheet.family, size - 0.5, rules=rules, row_mm=(size - 0.5) * 0.78)
        y = c.table(x, y + 3, _table_columns(headers, width), rows, style)
    if doc.signed_by:
        c.text(x + width - 60, y + 10, doc.signed_by, f(size, "italic"))
        c.signature(x + width - 60, y + 12, 40, 12, rng)
        y += 28
    return y


def render_a(dpi: int, rng: np.random.Generator, doc: OtherContent) -> RenderedPage:
    """Letter layout: sender top left, recipient in the window position on the right, bold title, body."""
    sheet = Sheet(DOC_TYPE, "other-a", dpi, doc.to_json(), pick(rng, SANS), Formats(), paper(rng))
    c, f = sheet.canvas, sheet.font
    accent = [(28, 84, 150), (120, 40, 40), (30, 100, 60)][int(rng.integers(3))]
    c.logo(18, 14, 14, initials(doc.sender[0]), "circle", accent, f(9))
    c.lines(36, 19, doc.sender, f(9.5))
    if doc.recipient:
        c.lines(115, 52, doc.recipient, f(10))
    c.text(18, 88, doc.title, f(13, "bold"), accent)
    _body(sheet, doc, 18, 98, 174, 10, rng, "rows")
    if doc.footer:
        c.lines(105, 278, doc.footer, f(7.5), (90, 90, 90), align="center")
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, doc: OtherContent) -> RenderedPage:
    """Centred letterhead under a double rule, centred title, ruled table, recipient on the left."""
    sheet = Sheet(DOC_TYPE, "other-b", dpi, doc.to_json(), pick(rng, SERIF), Formats(), paper(rng, True))
    c, f = sheet.canvas, sheet.font
    y = c.lines(105, 20, doc.sender[:1], f(15, "bold"), align="center")[1]
    y = c.lines(105, y, doc.sender[1:], f(9.5), align="center")[1]
    c.hline(20, 190, y, width_mm=0.5)
    c.hline(20, 190, y + 1.2, width_mm=0.2)
    y += 10
    if doc.recipient:
        y = c.lines(22, y, doc.recipient, f(10))[1] + 4
    c.text(105, y + 4, doc.title, f(14, "bold"), align="center")
    _body(sheet, doc, 22, y + 16, 166, 10.5, rng, "grid")
    if doc.footer:
        c.lines(22, 280, doc.footer, f(8, "italic"))
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, doc: OtherContent) -> RenderedPage:
    """Software printout: narrow or monospace font, grey title band, sender and recipient boxes, barcode."""
    sheet = Sheet(DOC_TYPE, "other-c", dpi, doc.to_json(), pick(rng, NARROW + MONO[:1]), Formats(), paper(rng))
    c, f = sheet.canvas, sheet.font
    grey = (225, 228, 230)
    c.rect(15, 12, 195, 20, fill=grey)
    c.text(17, 17.5, doc.title.upper(), f(11, "bold"))
    c.barcode(140, 24, 55, 8, rng)
    c.rect(15, 24, 100, 58, outline=(60, 60, 60), width_mm=0.3)
    c.lines(18, 30, doc.sender, f(9))
    if doc.recipient:
        c.rect(110, 36, 195, 66, outline=(60, 60, 60), width_mm=0.3)
        c.lines(113, 42, doc.recipient, f(9.5))
    _body(sheet, doc, 15, 76, 180, 9, rng, "rows")
    if doc.footer:
        c.hline(15, 195, 276, width_mm=0.2, dash_mm=1)
        c.lines(15, 281, doc.footer, f(7))
    return sheet.finish()


_RENDERERS = {"a": render_a, "b": render_b, "c": render_c}


def render(template: str, dpi: int, rng: np.random.Generator, kind: Optional[str] = None) -> RenderedPage:
    """One "other" page in `template` (one of TEMPLATES) at `dpi`: a kind drawn from `rng` unless given."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r} for other documents; expected one of {TEMPLATES}")
    if kind is not None and kind not in BUILDERS:
        raise ValueError(f"unknown other-document kind {kind!r}; expected one of {KINDS}")
    kind = kind or KINDS[int(rng.integers(len(KINDS)))]
    return _RENDERERS[template.rsplit("-", 1)[1]](dpi, rng, BUILDERS[kind](rng))
