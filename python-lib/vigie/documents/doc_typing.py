"""Document typing from OCR: the claim type (nine types plus "other"), the care type and the beneficiary role.

The type comes from a linear model over word and character n-grams of the OCR text (digits folded, accents removed,
so OCR slips and varying numbers do not matter) plus a few layout measures. Care type and beneficiary role are
rules over the text: each cue is a word a claims handler would point at, so every answer names its words and boxes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from vigie.core.results import Evidence
from vigie.documents.normalise import strip_accents
from vigie.documents.ocr import OcrPage, OcrWord

CLAIM_TYPES: tuple[str, ...] = ("invoice", "prescription", "dental_quote", "optical_quote",
                                "social_security_statement", "rib", "tax_notice", "tp_card", "sick_leave")
DOC_TYPES: tuple[str, ...] = CLAIM_TYPES + ("other",)
CARE_TYPES: tuple[str, ...] = ("dental", "optical", "audio", "pharmacy", "consultation", "hospital")
ROLES: tuple[str, ...] = ("insured", "spouse", "child")
MODEL_FILE = "doc_typing.joblib"
CARD_FILE = "model_card.json"
FORMAT_VERSION = 1
LAYOUT_FEATURES = ("log_words", "log_lines", "digit_share", "upper_share", "mean_confidence", "aspect",
                   "top_share", "bottom_share")

# Terms a claims handler recognises each type by (folded: lower case, no accents), from the documents' usual
# wording rather than from any one layout; their presence is given to the model next to the n-grams.
TYPE_TERMS: dict[str, tuple[str, ...]] = {
    "invoice": ("facture", "note d'honoraires", "honoraires", "acquit", "net a payer", "total ttc", "total ht",
                "tva", "reglement", "designation", "qte", "prix unitaire", "montant ht"),
    "prescription": ("ordonnance", "posologie", "comprime", "gelule", "renouvelable", "pendant", "par jour",
                     "le matin", "le soir", "qsp", "prescripteur", "inhalation"),
    "dental_quote": ("devis", "dentaire", "chirurgien-dentiste", "dent", "couronne", "prothese", "prothetique",
                     "bridge", "inlay", "panier", "% sante", "honoraires limites", "reste a charge"),
    "optical_quote": ("devis", "optique", "opticien", "monture", "verre", "verres", "progressif", "unifocal",
                      "correction", "od", "og", "lpp", "lunettes", "equipement"),
    "social_security_statement": ("decompte", "releve", "remboursement", "remboursements", "rembourse",
                                  "prestations", "taux", "base de remboursement", "assurance maladie", "cpam",
                                  "verse", "montant paye", "amo", "participation forfaitaire"),
    "rib": ("releve d'identite bancaire", "rib", "iban", "bic", "titulaire", "domiciliation", "code banque",
            "code guichet", "numero de compte", "cle rib", "banque", "identifiant international"),
    "tax_notice": ("avis d'impot", "impot sur le revenu", "revenu fiscal de reference", "nombre de parts",
                   "parts", "prelevement a la source", "finances publiques", "numero fiscal", "revenus",
                   "imposition", "decote", "abattement", "avis"),
    "tp_card": ("tiers payant", "carte", "attestation", "amc", "adherent", "beneficiaires", "valable",
                "phar", "opti", "hosp", "labo", "radl", "auxm", "audi", "professionnels de sante", "carte vitale"),
    "sick_leave": ("attestation de salaire", "indemnites journalieres", "employeur", "salarie", "arret de travail",
                   "salaire", "salaires", "embauche", "naf", "ape", "dernier jour", "reprise", "siret",
                   "cotisations", "brut"),
}
_TERMS = tuple(sorted({term for terms in TYPE_TERMS.values() for term in terms}))

# The care type a document's type settles on its own; an invoice is read from its cues. Prescriptions in
# this corpus list medicines, so they lead to pharmacy; the other types carry no care type.
CARE_BY_TYPE = {"dental_quote": "dental", "optical_quote": "optical", "prescription": "pharmacy"}
CARE_CUES: dict[str, tuple[str, ...]] = {
    "pharmacy": ("pharmacie", "pharmacien", "dispensation", "conditionnement", "cp", "gel", "comprime",
                 "gelule", "inhal", "bandelettes", "compression"),
    "audio": ("audition", "auditif", "auditive", "audioprotheses", "audioprothesiste", "piles", "ecoute"),
    "hospital": ("clinique", "polyclinique", "hospitalier", "hospitaliere", "journalier", "chambre", "sejour",
                 "particuliere", "lourds"),
    "consultation": ("honoraires", "consultation", "medecin", "medecine", "visite", "specialiste", "infirmier",
                     "kinesitherapie", "masso", "consultant", "dr", "psychiatre", "cardiologue", "dermatologue",
                     "pediatre", "generaliste"),
    "dental": ("dentaire", "dentiste", "dent", "dents", "couronne", "bridge"),
    "optical": ("optique", "opticien", "monture", "verre", "verres", "lunettes"),
}
# Pages that name the patient next to the insured when they differ; only these carry a beneficiary role.
PATIENT_TYPES = ("invoice", "dental_quote", "optical_quote")
ROLE_CUES: dict[str, tuple[str, ...]] = {"spouse": ("conjoint", "conjointe", "epoux", "epouse"),
                                         "child": ("enfant",)}
INSURED_CUES = ("assure", "assuree", "l'assure", "l'assuree")
CHILD_AGE_YEARS = 18
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def fold(text: str) -> str:
    """Lower case without accents, every digit as 0: the form the text features and cues are read in."""
    return re.sub(r"\d", "0", strip_accents(text.lower()))


def _token(text: str) -> str:
    """A word folded, without gender marks ("assuré(e)" -> "assure") or surrounding punctuation, for matching cues."""
    return fold(text).replace("(e)", "").replace("(s)", "").strip(".,;:!?\"'()[]«»-–/")


def page_text(page: OcrPage) -> str:
    """The folded text of a page, line by line."""
    return fold(page.text)


def term_vector(text: str) -> np.ndarray:
    """Presence of each type term (whole words, in _TERMS order) in a folded text, then the share of each
    type's terms present (TYPE_TERMS order)."""
    padded = " " + re.sub(r"[^a-z0-9'%+-]+", " ", text) + " "
    present = np.array([f" {term} " in padded for term in _TERMS], dtype=np.float64)
    found = {term for term, hit in zip(_TERMS, present) if hit}
    shares = [len(found.intersection(terms)) / len(terms) for terms in TYPE_TERMS.values()]
    return np.concatenate([present, np.array(shares) * 3])


def layout_vector(page: OcrPage) -> np.ndarray:
    """A few layout measures, in LAYOUT_FEATURES order: how much text, how numeric, how it sits on the page."""
    words = page.words
    n = max(1, len(words))
    height = max(1, page.height)
    centres = [(w.box[1] + w.box[3]) / 2 / height for w in words]
    return np.array([
        np.log1p(len(words)), np.log1p(len(page.lines())),
        sum(any(c.isdigit() for c in w.text) for w in words) / n,
        sum(w.text.isupper() and len(w.text) > 1 for w in words) / n,
        page.mean_confidence, page.width / height,
        sum(c < 1 / 3 for c in centres) / n, sum(c > 2 / 3 for c in centres) / n,
    ], dtype=np.float64)


@dataclass
class TypingResult:
    """The answer for one page: type, care type and beneficiary role, each with a confidence, and the evidence."""

    doc_type: str
    doc_type_confidence: float
    care_type: str = ""
    care_type_confidence: float = 0.0
    beneficiary_role: str = ""
    beneficiary_role_confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


class DocumentTyper:
    """Word and character n-gram TF-IDF plus layout measures, into a multinomial logistic regression."""

    def __init__(self, c: float = 20.0, max_char_features: int = 60000, term_weight: float = 1.0) -> None:
        self.c = c
        self.max_char_features = max_char_features
        self.term_weight = term_weight

    def _features(self, pages: Sequence[OcrPage], fit: bool = False) -> sparse.csr_matrix:
        texts = [page_text(p) for p in pages]
        layout = np.vstack([layout_vector(p) for p in pages]) if pages else np.zeros((0, len(LAYOUT_FEATURES)))
        if fit:
            self.words_ = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                          token_pattern=r"(?u)\b\w\w+\b")
            self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                          max_features=self.max_char_features)
            self.words_.fit(texts)
            self.chars_.fit(texts)
            self.layout_mean_ = layout.mean(axis=0)
            self.layout_scale_ = layout.std(axis=0) + 1e-6
        scaled = (layout - self.layout_mean_) / self.layout_scale_ * 0.2
        terms = np.vstack([term_vector(t) for t in texts]) * self.term_weight if texts else \
            np.zeros((0, len(_TERMS) + len(TYPE_TERMS)))
        return sparse.hstack([self.words_.transform(texts), self.chars_.transform(texts),
                              sparse.csr_matrix(scaled), sparse.csr_matrix(terms)]).tocsr()

    def fit(self, pages: Sequence[OcrPage], doc_types: Sequence[str]) -> "DocumentTyper":
        """Learn the types from pages and their true types."""
        if len(set(doc_types)) < 2:
            raise ValueError("training needs pages of at least two document types")
        unknown = sorted(set(doc_types) - set(DOC_TYPES))
        if unknown:
            raise ValueError(f"unknown document types {unknown}; expected some of {DOC_TYPES}")
        features = self._features(pages, fit=True)
        self.model_ = LogisticRegression(C=self.c, max_iter=3000)
        self.model_.fit(features, list(doc_types))
        self.classes_ = tuple(str(c) for c in self.model_.classes_)
        return self

    def predict_proba(self, pages: Sequence[OcrPage]) -> np.ndarray:
        """P(type) per page, columns in classes_ order."""
        return self.model_.predict_proba(self._features(pages))

    def predict(self, pages: Sequence[OcrPage]) -> list[str]:
        """The most probable type of each page."""
        proba = self.predict_proba(pages)
        return [self.classes_[i] for i in proba.argmax(axis=1)]

    def deciding_words(self, page: OcrPage, doc_type: str, k: int = 3) -> list[tuple[str, float]]:
        """The k word n-grams of the page (numbers left out) that pushed most towards `doc_type`, with their weight."""
        row = self.words_.transform([page_text(page)])
        coef = self.model_.coef_[self.classes_.index(doc_type)] if len(self.classes_) > 2 else \
            self.model_.coef_[0] * (1 if doc_type == self.classes_[1] else -1)
        weights = row.multiply(coef[:row.shape[1]]).tocsr()
        names = self.words_.get_feature_names_out()
        order = [i for i in np.argsort(-weights.data) if weights.data[i] > 0
                 and re.search(r"[a-z]", str(names[weights.indices[i]]))][:k]
        return [(str(names[weights.indices[i]]), float(weights.data[i])) for i in order]


def _find_words(page: OcrPage, phrase: str) -> Optional[tuple[int, int, int, int]]:
    """The box around the first run of page words that reads `phrase` (an n-gram of the word features), if any."""
    target = phrase.split()
    tokens = [(token, index) for index, word in enumerate(page.words)
              for token in re.findall(r"(?u)\b\w\w+\b", fold(word.text))]
    for i in range(len(tokens) - len(target) + 1):
        if [token for token, _ in tokens[i:i + len(target)]] == target:
            return _union([page.words[index].box for _, index in tokens[i:i + len(target)]])
    return None


def _union(boxes: Sequence[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def care_type(page: OcrPage, doc_type: str) -> tuple[str, float, list[Evidence]]:
    """The care type: settled by the document type for quotes and prescriptions, read from cue words on an
    invoice (the care type with most cue words wins, the more surely the wider its lead); "" for documents that
    carry none."""
    if doc_type in CARE_BY_TYPE:
        care = CARE_BY_TYPE[doc_type]
        return care, 1.0, [Evidence("care_type", f"a {doc_type} is {care} care", field="care_type")]
    if doc_type != "invoice":
        return "", 0.0, []
    hits: dict[str, list[OcrWord]] = {care: [] for care in CARE_TYPES}
    for word in page.words:
        token = _token(word.text)
        for care, cues in CARE_CUES.items():
            if token in cues:
                hits[care].append(word)
    counts = {care: len(words) for care, words in hits.items()}
    ranked = sorted(CARE_TYPES, key=lambda care: -counts[care])
    best, lead = ranked[0], counts[ranked[0]] - counts[ranked[1]]
    if counts[best] == 0:
        return "", 0.0, [Evidence("care_type", "no care-type cue word found on the invoice", field="care_type",
                                  score=0.0)]
    confidence = (lead + 1) / (lead + 2)
    distinct = list({_token(w.text): w for w in reversed(hits[best])}.values())[::-1][:3]
    evidence = [Evidence("care_type", f"{best} ({counts[best]} cue words, {lead} more than "
                         f"{ranked[1]}): {word.text!r}", box=word.box, field="care_type", score=confidence)
                for word in distinct]
    return best, float(confidence), evidence


def _dates(line: Sequence[OcrWord]) -> list[dt.date]:
    found = []
    for match in _DATE.finditer(" ".join(w.text for w in line)):
        try:
            found.append(dt.date(int(match[3]), int(match[2]), int(match[1])))
        except ValueError:
            continue
    return found


def _line_tokens(line: Sequence[OcrWord]) -> list[str]:
    return [_token(w.text) for w in line]


def beneficiary_role(page: OcrPage, doc_type: str) -> tuple[str, float, list[Evidence]]:
    """Who received the care, relative to the insured: the relation printed next to the patient ("conjoint",
    "enfant"); else, when the page names a separate insured, a patient under 18 is a child and an adult a spouse;
    else the patient is the insured. "" for pages that show no patient."""
    if doc_type not in PATIENT_TYPES:
        return "", 0.0, []
    lines = page.lines()
    for role, cues in ROLE_CUES.items():
        for line in lines:
            for word in line:
                if _token(word.text) in cues:
                    return role, 0.97, [Evidence("beneficiary_role", f"the page calls the patient {word.text!r}",
                                                 box=word.box, field="beneficiary_role", score=0.97)]
    insured_line = next((line for line in lines if any(t in INSURED_CUES for t in _line_tokens(line))), None)
    if insured_line is None:
        return "insured", 0.9, [Evidence("beneficiary_role", "no separate insured is named: the patient is the "
                                         "insured", field="beneficiary_role", score=0.9)]
    births = [d for line in lines if any(t in ("ne", "nee", "naissance") for t in _line_tokens(line))
              for d in _dates(line)]
    all_dates = sorted(d for line in lines for d in _dates(line))
    box = _union([w.box for w in insured_line])
    if births and all_dates and (all_dates[-1] - births[0]).days < CHILD_AGE_YEARS * 365.25:
        return "child", 0.75, [Evidence("beneficiary_role", "a separate insured is named and the patient is under "
                                        f"{CHILD_AGE_YEARS}", box=box, field="beneficiary_role", score=0.75)]
    return "spouse", 0.6, [Evidence("beneficiary_role", "a separate insured is named and the patient is an adult",
                                    box=box, field="beneficiary_role", score=0.6)]


def type_page(typer: DocumentTyper, page: OcrPage) -> TypingResult:
    """Type, care type and beneficiary role of one page, with the words that decided each."""
    if not page.words:
        raise ValueError("the page has no recognised text to type")
    proba = typer.predict_proba([page])[0]
    best = int(proba.argmax())
    doc_type = typer.classes_[best]
    words = typer.deciding_words(page, doc_type)
    evidence = [Evidence("doc_type", f"{doc_type} ({proba[best]:.2f}); deciding words: "
                         + ", ".join(repr(w) for w, _ in words), box=_find_words(page, words[0][0]) if words else None,
                         field="doc_type", score=float(proba[best]))]
    care, care_confidence, care_evidence = care_type(page, doc_type)
    role, role_confidence, role_evidence = beneficiary_role(page, doc_type)
    return TypingResult(doc_type, float(proba[best]), care, care_confidence * float(proba[best]), role,
                        role_confidence * float(proba[best]), evidence + care_evidence + role_evidence)


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, dict[str, float]]:
    """Macro-F1 over the classes present in the truth, and F1 per class."""
    classes = sorted(set(truth))
    per_class = f1_score(truth, predicted, labels=classes, average=None, zero_division=0)
    scores = {c: float(s) for c, s in zip(classes, per_class)}
    return float(np.mean(per_class)) if classes else 0.0, scores


def model_bytes(typer: DocumentTyper, card: dict) -> dict[str, bytes]:
    """The model folder's files: the fitted typer (joblib) and its card (JSON)."""
    buffer = io.BytesIO()
    joblib.dump({"typer": typer, "format_version": FORMAT_VERSION, "sklearn_version": sklearn.__version__}, buffer,
                compress=3)
    return {MODEL_FILE: buffer.getvalue(),
            CARD_FILE: json.dumps(card, indent=2, ensure_ascii=False, sort_keys=True).encode()}


def load_typer(model_file: bytes) -> tuple[DocumentTyper, str]:
    """A saved typer and a warning ("" if none) when it was fitted with another scikit-learn version."""
    try:
        bundle = joblib.load(io.BytesIO(model_file))
    except Exception as exc:  # truncated file, pickle from an incompatible library
        raise ValueError(f"the typing model cannot be read ({type(exc).__name__}: {exc}); retrain it") from exc
    if not isinstance(bundle, dict) or bundle.get("format_version") != FORMAT_VERSION:
        raise ValueError("the typing model was saved in another format; retrain it")
    fitted = str(bundle.get("sklearn_version", "?"))
    warning = "" if fitted.split(".")[:2] == sklearn.__version__.split(".")[:2] else \
        f"typing model fitted with scikit-learn {fitted}, running {sklearn.__version__}"
    return bundle["typer"], warning


def model_version(train_ids: Sequence[str]) -> str:
    """A version naming the training data: the date plus a digest of the training page ids."""
    digest = hashlib.sha256("\n".join(sorted(train_ids)).encode()).hexdigest()[:10]
    return f"{dt.date.today().isoformat()}-{digest}"


def model_card(typer: DocumentTyper, train_ids: Sequence[str], test_truth: Sequence[str],
               test_predicted: Sequence[str], corpus: str) -> dict:
    """What a reviewer needs to trust the model: version, classes, training data, held-out metrics, library."""
    score, per_class = macro_f1(test_truth, test_predicted) if test_truth else (None, {})
    return {"model": "document-typing", "version": model_version(train_ids), "format_version": FORMAT_VERSION,
            "classes": list(typer.classes_), "features": "word 1-2-grams + char_wb 3-5-grams (TF-IDF, folded text) "
            "+ layout: " + ", ".join(LAYOUT_FEATURES), "estimator": f"LogisticRegression(C={typer.c})",
            "training_corpus": corpus, "n_train_pages": len(train_ids), "n_test_pages": len(test_truth),
            "test_split": "template-disjoint held-out templates (labels split == 'test')",
            "test_macro_f1": score, "test_f1_per_class": per_class, "sklearn_version": sklearn.__version__,
            "care_type": "rules: by type for quotes and prescriptions, cue words on invoices",
            "beneficiary_role": "rules: printed relation, else separate insured + patient age"}
