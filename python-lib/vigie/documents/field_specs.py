"""What a claims handler keys on each document type: the fields, the kind of value each holds and the label words
(French synonyms, several layouts' wordings) that announce it on a page; plus the act tables' column headers.

Labels are written as printed; matching folds case and accents and tolerates OCR slips. A longer label wins the
words it covers over a shorter one ("Total HT" over "Total"), so synonyms may nest.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    """One keyed field: its corpus name, the kind of its value and the labels that announce it.

    A name field no label leads to is the name printed just above one of `above` (ADDRESS: a street address),
    else the name printed closest to the value of one of the fields in `beside` (a practitioner's name by their
    RPPS or ADELI number), else the first name printed with one of the civilities in `title`. The labels in
    `contextual` ("Date", "du") count only with a word of `near` close by; a short label (four letters or fewer)
    never counts with a word of `far` close by (a prescription's date sits by the prescriber, the quote's own
    date away from it)."""

    name: str
    kind: str
    labels: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    beside: tuple[str, ...] = ()
    contextual: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    far: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """An act table: the header words of each keyed column (`act_code`, `act_amount`, optionally `act_date`,
    `act_amc` (the complementary insurer's share) and the columns a line total is computed from: quantity, unit
    price, VAT rate, base, rate, paid), one row per act below the header. `amount_fallback` says
    which amount of a row is the act's when OCR lost the amount header: "first" (a quote's fee), "last" (a line
    total), "rate" (base x rate)."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    amount_fallback: str = "last"
    after_amount: tuple[str, ...] = ()  # columns printed right of the act amount, nearest first: read so unheaded
    before_amount: tuple[str, ...] = ()  # columns printed left of the act amount, nearest first
    # (base, reimbursement, fee) columns where reimbursement = base x a rate (one of `rates`, else the rate printed
    # on the row) and fee >= base: read by that arithmetic when what is read under the headers does not add up
    rated_columns: tuple[str, str, str] | tuple[()] = ()
    rates: tuple[float, ...] = ()


ADDRESS = "<address>"  # stands for a street address line in `FieldSpec.above`
_CIVIL = ("M.", "Mme", "Mlle", "M")
_SPECIALTIES = ("Médecin", "Chirurgien", "Pédiatre", "Audioprothésiste", "Pharmacien", "Infirmier", "Infirmière",
                "Masseur", "Kinésithérapeute", "Orthophoniste", "Sage-femme", "Opticien", "Ophtalmologue",
                "Cardiologue", "Dermatologue", "Gynécologue", "Psychiatre", "Radiologue", "Rhumatologue",
                "Dentiste", "Orthodontiste", "Pédicure", "Podologue", "Orthoptiste", "Biologiste", "Docteur en")
_PERSON_ABOVE = (ADDRESS, "Né(e) le", "Né le", "Née le", "Date de naissance", "N° SS", "N° de sécurité sociale")
_NIR = ("N° SS", "N°SS", "N° de sécurité sociale", "Numéro de sécurité sociale", "N° d'immatriculation",
        "Immatriculation", "N° INSEE", "NIR", "Sécurité sociale", "N° d'assuré social")
_SIRET = ("SIRET", "N° SIRET", "Siret")
_RPPS = ("RPPS", "N° RPPS", "Identifiant RPPS", "N°RPPS", "Numéro RPPS", "RPPS n°", "ID RPPS",
         "N° RPPS du prescripteur", "Identifiant national", "N° d'identification RPPS")
_ADELI = ("ADELI", "N° ADELI", "N° AM", "N°AM", "Identifiant AM", "Numéro ADELI", "Identifiant ADELI", "ADELI n°",
          "N° Assurance Maladie", "N° d'identification AM", "N° PS", "Identifiant PS", "N° de praticien")
_FINESS = ("FINESS", "N° FINESS")
_BIRTH = ("Né(e) le", "Né le", "Née le", "Date de naissance", "Naissance")
_PATIENT = ("Patient", "Patient(e)", "Nom, prénom", "Nom et prénom", "Nom du patient", "Bénéficiaire", "Nom",
            "Nom et prénom du bénéficiaire", "Patient(e) :", "Identité du patient", "Bénéficiaire des soins",
            "Nom du bénéficiaire")
# The insured person, when the patient is a beneficiary (spouse, child) of someone else's cover.
_INSURED = FieldSpec("insured_name", "name", ("Assuré(e)", "Assuré", "Nom de l'assuré", "Assuré principal",
                                              "Ouvrant droit", "Assuré(e) :", "Nom de l'assuré(e)", "Assuré social",
                                              "Identité de l'assuré", "Nom et prénom de l'assuré", "L'assuré",
                                              "Assuré ouvrant droit"))
# The patient's relation to that insured ("Conjoint(e)", "Enfant"): printed, it says whose the NIR is.
_RELATION = FieldSpec("beneficiary_relation", "relation", ("Qualité", "Lien avec l'assuré", "Lien de parenté",
                                                            "Qualité du bénéficiaire", "Lien avec l'assuré(e)"))
_PRACTITIONER = ("Praticien", "Professionnel de santé", "Nom du praticien", "Réalisé par", "Délivré par",
                 "Praticien traitant", "Établi par", "Émis par", "Dispensé par", "Le praticien",
                 "Praticien exécutant")
_TOTAL_HT = ("Total HT", "Montant HT", "Sous-total HT", "Total hors taxes", "Montant total HT", "Total H.T.",
             "Base HT", "Prix total HT", "Total hors TVA", "Montant hors taxes", "Total de l'équipement HT",
             "Prix de vente HT", "Total net HT")
_VAT = ("TVA", "Montant TVA", "Total TVA", "Dont TVA", "Montant de la TVA", "Montant de TVA", "T.V.A.",
        "Montant T.V.A.", "TVA totale", "Total T.V.A.", "dont T.V.A.")
_TOTAL_TTC = ("Total TTC", "Montant TTC", "Total", "Montant total", "Total des honoraires", "Total à régler",
              "Montant total TTC", "Total T.T.C.", "Total général", "Total facture", "Prix total TTC",
              "Prix de vente TTC", "Total de l'équipement", "Prix total de l'équipement", "Total TTC à payer",
              "Montant total de l'équipement", "Total équipement", "Net TTC")
_AMO = ("Part AMO", "Part AMO (tiers payant)", "Prise en charge AMO", "Remboursement AMO estimé",
        "Total remboursé par l'Assurance Maladie", "Part obligatoire", "Remboursement Sécurité sociale",
        "Part Assurance Maladie", "Part Sécurité sociale", "Remboursement AMO", "Montant AMO", "Part RO",
        "Remboursement Assurance Maladie", "Prise en charge Assurance Maladie", "Total AMO", "Tiers payant AMO",
        "Part régime obligatoire")
_AMC = ("Prise en charge AMC (estimation)", "Prise en charge AMC", "Part AMC", "Part complémentaire",
        "Total remboursé par votre complémentaire", "Remboursement complémentaire", "Part mutuelle",
        "Remboursement AMC", "Montant AMC", "Total AMC", "Remboursement mutuelle", "Prise en charge complémentaire",
        "Part organisme complémentaire")
_PATIENT_SHARE = ("Reste à charge", "Reste à charge avant AMC", "Part patient", "Reste à payer par le patient",
                  "Reste à votre charge", "Reste à charge patient", "Part assuré", "À la charge du patient",
                  "Montant restant à charge")
_PAID = ("Net à payer", "Net à payer TTC", "Montant réglé", "Montant payé", "Net à régler", "Total payé", "Acquitté",
         "Reste à payer", "Montant à régler", "Solde à payer", "Somme à payer", "Montant dû", "Montant acquitté",
         "À payer", "Total à payer")
_ISSUED = ("Date", "Le", "Fait le", "Établi le", "Émis le", "Émise le", "Édité le", "Date d'émission",
           "Date d'établissement", "Date d'édition", "Daté du")
_CARE = ("Date des soins", "Soins du", "Date de soins", "Date de l'acte", "Date d'exécution", "Soins réalisés le",
         "Date de réalisation", "Date du séjour", "Date de la consultation", "Consultation du", "Date de délivrance",
         "Délivré le", "Séjour du", "Date d'hospitalisation", "Date de l'examen", "Date des actes")
_QUOTED = ("Date du devis", "Devis du", "Devis établi le", "Rédigé le", "Date de rédaction", "du", "Devis réalisé le",
           "Date de l'offre", "Offre du", "Devis émis le", "Date d'établissement du devis", "Devis fait le")
_PRESCRIBED = ("Date de prescription", "Prescription du", "Ordonnance du", "Prescrit le", "Date de l'ordonnance",
               "Prescription médicale du", "Ordonnance en date du", "Date ordonnance")
_PRESCRIBER_WORDS = ("Prescripteur", "Prescription", "Ordonnance", "Médecin", "Ophtalmologiste")
_PRACTITIONER_ABOVE = _SPECIALTIES + ("N° RPPS", "RPPS", "N° ADELI", "ADELI", "N° AM")

_INVOICE = (
    FieldSpec("invoice_date", "date", _ISSUED + ("Date de facture", "Date de la facture", "Facture du",
                                                 "Facturé le", "Date de facturation", "du"),
              contextual=("du",), near=("Facture", "Note")),
    FieldSpec("care_date", "date", _CARE),
    FieldSpec("prescription_date", "date", _PRESCRIBED),
    FieldSpec("invoice_number", "number", ("N°", "Facture N°", "N° de facture", "Numéro", "Facture n°", "Réf.",
                                           "Numéro de facture", "Référence", "Note n°")),
    FieldSpec("total_ht", "amount", _TOTAL_HT), FieldSpec("vat", "amount", _VAT),
    FieldSpec("total_ttc", "amount", _TOTAL_TTC), FieldSpec("amo_share", "amount", _AMO),
    FieldSpec("amount_paid", "amount", _PAID),
    FieldSpec("siret", "siret", _SIRET), FieldSpec("rpps", "rpps", _RPPS), FieldSpec("adeli", "adeli", _ADELI),
    FieldSpec("finess", "finess", _FINESS), FieldSpec("nir", "nir", _NIR),
    FieldSpec("patient_name", "name", _PATIENT + ("PATIENT",), _CIVIL, _PERSON_ABOVE),
    FieldSpec("patient_birth_date", "date", _BIRTH), _INSURED, _RELATION,
    FieldSpec("practitioner_name", "name", _PRACTITIONER, ("Dr",), _PRACTITIONER_ABOVE, ("rpps", "adeli")),
)
_DENTAL = (
    FieldSpec("quote_date", "date", _ISSUED + _QUOTED, contextual=("du",), near=("Devis",)),
    FieldSpec("validity_date", "date", ("Valable jusqu'au", "Ce devis est valable jusqu'au", "Validité",
                                        "Date de validité", "Valide jusqu'au", "Date limite de validité",
                                        "Fin de validité", "Devis valable jusqu'au", "Valable jusqu'à")),
    FieldSpec("patient_birth_date", "date", _BIRTH),
    FieldSpec("quote_number", "number", ("Devis n°", "Référence", "N° de devis", "Devis N°", "Réf.", "N°",
                                         "Numéro de devis", "Numéro")),
    FieldSpec("total_ttc", "amount", ("Total des honoraires", "Total honoraires", "Montant total des honoraires",
                                      "Honoraires totaux") + _TOTAL_TTC),
    FieldSpec("total_base", "amount", ("Total base de remboursement", "Base de remboursement totale",
                                       "Total BR", "Total base", "Base de remboursement", "Total BRSS")),
    FieldSpec("amo_share", "amount", _AMO), FieldSpec("patient_share", "amount", _PATIENT_SHARE),
    FieldSpec("siret", "siret", _SIRET), FieldSpec("rpps", "rpps", _RPPS), FieldSpec("adeli", "adeli", _ADELI),
    FieldSpec("nir", "nir", _NIR), FieldSpec("patient_name", "name", _PATIENT, _CIVIL, _PERSON_ABOVE), _INSURED,
    _RELATION,
    FieldSpec("practitioner_name", "name", _PRACTITIONER, ("Dr",), _PRACTITIONER_ABOVE, ("rpps", "adeli")),
)
_OPTICAL = (
    FieldSpec("quote_date", "date", _ISSUED + _QUOTED, contextual=("du",), near=("Devis",), far=_PRESCRIBER_WORDS),
    FieldSpec("prescription_date", "date", _PRESCRIBED + ("Date", "Le"), contextual=("Date", "Le"),
              near=_PRESCRIBER_WORDS),
    FieldSpec("patient_birth_date", "date", _BIRTH),
    FieldSpec("total_ht", "amount", _TOTAL_HT), FieldSpec("vat", "amount", _VAT),
    FieldSpec("total_ttc", "amount", _TOTAL_TTC), FieldSpec("amo_share", "amount", _AMO),
    FieldSpec("amc_share", "amount", _AMC), FieldSpec("patient_share", "amount", _PATIENT_SHARE),
    FieldSpec("siret", "siret", _SIRET), FieldSpec("rpps", "rpps", _RPPS), FieldSpec("adeli", "adeli", _ADELI),
    FieldSpec("nir", "nir", _NIR), FieldSpec("patient_name", "name", _PATIENT + ("Client",), _CIVIL, _PERSON_ABOVE),
    _INSURED, _RELATION,
    FieldSpec("practitioner_name", "name", _PRACTITIONER + ("Opticien", "Opticien diplômé", "Opticien-lunetier",
                                                            "Votre opticien", "Opticien(ne)", "Opticienne",
                                                            "Nom de l'opticien", "Opticien responsable",
                                                            "Conseiller", "Conseillère", "Votre conseiller",
                                                            "Opticien conseil", "Suivi par", "Vendeur"),
              (), ("N° ADELI", "ADELI", "Opticien"), ("adeli",)),
    FieldSpec("prescriber_name", "name", ("Prescripteur", "Médecin prescripteur", "Prescrit par", "Ophtalmologiste",
                                          "Médecin"), ("Dr",), ("N° RPPS", "RPPS"), ("rpps",)),
)
_PRESCRIPTION = (
    FieldSpec("prescription_date", "date", _ISSUED + ("Date de prescription",)),
    FieldSpec("patient_birth_date", "date", _BIRTH),
    FieldSpec("rpps", "rpps", _RPPS), FieldSpec("adeli", "adeli", _ADELI),
    FieldSpec("patient_name", "name", _PATIENT + ("Nom et prénom du bénéficiaire :",), _CIVIL, _PERSON_ABOVE),
    FieldSpec("practitioner_name", "name", ("Prescripteur", "Médecin", "Médecin prescripteur"), ("Dr",),
              _PRACTITIONER_ABOVE, ("rpps", "adeli")),
)
_RIB = (
    FieldSpec("iban", "iban", ("IBAN", "IBAN (International Bank Account Number)", "Identifiant international",
                               "Identifiant international de compte", "N° IBAN", "Code IBAN")),
    FieldSpec("bic", "bic", ("BIC", "BIC (Bank Identifier Code)", "Code BIC", "SWIFT", "Code SWIFT", "BIC / SWIFT")),
    FieldSpec("holder_name", "name", ("Titulaire", "Titulaire du compte", "Titulaire :", "Nom du titulaire",
                                      "Intitulé du compte", "Au nom de"), _CIVIL, (ADDRESS,)),
)
_SICK_LEAVE = (
    FieldSpec("hire_date", "date", ("Date d'embauche", "Embauché le", "Date d'entrée", "Entré le", "Embauche le",
                                    "Date d'entrée dans l'entreprise")),
    FieldSpec("last_work_day", "date", ("Date du dernier jour de travail", "Dernier jour travaillé",
                                        "Dernier jour de travail", "Date du dernier jour travaillé")),
    FieldSpec("leave_start", "date", ("Date de début de l'arrêt", "Arrêt de travail du", "Date d'arrêt",
                                      "Début de l'arrêt", "Arrêt à compter du", "Date de l'arrêt",
                                      "Date d'arrêt de travail", "Arrêt de travail à compter du",
                                      "Date de début d'arrêt")),
    FieldSpec("signature_date", "date", ("Fait le", "Le", "Date", "Date de signature", "Signé le")),
    FieldSpec("salary_total", "amount", ("Total des salaires de la période", "TOTAL", "Total", "Total des salaires",
                                         "Salaire total", "Montant total des salaires", "Total brut",
                                         "Total des salaires bruts")),
    FieldSpec("siret", "siret", _SIRET), FieldSpec("nir", "nir", _NIR),
    FieldSpec("insured_name", "name", ("Nom et prénom", "Salarié", "Nom du salarié", "Nom, prénom", "Nom",
                                       "Salarié(e)", "Nom et prénom du salarié", "Identité du salarié", "Assuré",
                                       "Nom de l'assuré", "Assuré(e)", "Nom de l'assuré(e)",
                                       "Nom et prénom de l'assuré", "Identité de l'assuré", "Le salarié",
                                       "Nom - Prénom", "Nom d'usage", "Nom et prénom du salarié(e)", "Employé",
                                       "Salarié concerné"),
              _CIVIL, _PERSON_ABOVE),
)
_STATEMENT = (
    FieldSpec("statement_date", "date", _ISSUED + ("Date du décompte", "Date du relevé", "Relevé du",
                                                   "Décompte du")),
    FieldSpec("statement_number", "number", ("N° de décompte", "Référence", "N° décompte", "Décompte n°",
                                             "Référence :", "N° de relevé", "Référence du décompte", "Réf.")),
    FieldSpec("amount_paid", "amount", ("Montant total versé", "Montant total remboursé", "Total versé",
                                        "Total remboursé", "Montant versé", "Montant remboursé", "Net versé",
                                        "Total des remboursements", "Somme versée", "Montant du virement")),
    FieldSpec("amo_share", "amount", _AMO), FieldSpec("amc_share", "amount", _AMC),
    FieldSpec("nir", "nir", _NIR),
    FieldSpec("insured_name", "name", ("Assuré", "Assuré(e)", "Nom", "Bénéficiaire", "Nom de l'assuré"), _CIVIL,
              _PERSON_ABOVE),
)
_TAX = (
    FieldSpec("numero_fiscal", "nif", ("Numéro fiscal", "N° fiscal", "Numéro fiscal du déclarant",
                                          "Identifiant fiscal", "Numéro SPI", "N° SPI")),
    FieldSpec("reference_avis", "avis_reference", ("Référence de l'avis", "Réf. de l'avis", "Référence avis",
                                           "Référence de l'avis d'impôt", "Réf. avis", "N° d'avis", "Numéro d'avis",
                                           "N° de l'avis", "Numéro de l'avis", "Référence de l'avis d'imposition",
                                           "Identifiant de l'avis", "Référence")),
    FieldSpec("tax_year", "year", ("IMPÔT SUR LES REVENUS de l'année", "revenus de l'année", "Revenus de",
                                   "Revenus perçus en")),
    FieldSpec("income_declarant_1", "integer_amount", ("Salaires, pensions - déclarant 1", "Déclarant 1",
                                                       "Revenus déclarant 1", "Salaires et pensions déclarant 1")),
    FieldSpec("income_declarant_2", "integer_amount", ("Salaires, pensions - déclarant 2", "Déclarant 2",
                                                       "Revenus déclarant 2", "Salaires et pensions déclarant 2")),
    FieldSpec("deduction_total", "integer_amount", ("Déduction de 10 % pour frais professionnels",
                                                    "Déduction 10 %", "Abattement de 10 %", "Frais professionnels",
                                                    "Déduction forfaitaire de 10 %", "Abattement 10 %")),
    FieldSpec("taxable_income", "integer_amount", ("Revenu imposable", "Revenu net imposable",
                                                   "Revenus imposables")),
    FieldSpec("rfr", "integer_amount", ("Revenu fiscal de référence", "RFR", "Revenu de référence")),
    FieldSpec("tax_amount", "integer_amount", ("Impôt sur le revenu net", "Impôt net", "Montant de l'impôt",
                                               "Impôt dû", "Montant de votre impôt",
                                               "Total de l'impôt")),
    FieldSpec("withholding", "integer_amount", ("Prélèvement à la source déjà payé", "Retenue à la source",
                                                "Prélèvement à la source", "Montant prélevé à la source",
                                                "Déjà payé", "Prélèvements déjà effectués")),
    FieldSpec("amount_due", "integer_amount", ("Montant restant à payer", "Reste à payer", "Solde à payer",
                                               "Montant à payer", "Reste dû", "Montant dû", "Somme à payer",
                                               "Solde restant dû", "Impôt restant à payer", "Reste à régler",
                                               "Montant restant dû", "Solde", "Net à payer", "À payer",
                                               "Montant à prélever", "Solde de l'impôt", "Il vous reste à payer",
                                               "Montant de votre solde", "Solde restant à payer", "Impôt à payer",
                                               "Somme restant à payer", "Montant de l'impôt à payer",
                                               "Reste à acquitter", "Montant à acquitter", "Votre solde",
                                               "Solde d'impôt", "Solde à régler", "Total à payer")),
    FieldSpec("nb_parts", "decimal", ("Nombre de parts", "Nb de parts", "Parts", "Nombre de parts fiscales",
                                      "Nb parts", "Nb de parts fiscales", "Parts fiscales", "Quotient familial",
                                      "Nombre de parts de quotient familial")),
    FieldSpec("statement_date", "date", ("Date d'établissement", "Établi le", "Date de l'avis", "Date d'édition",
                                         "Avis établi le", "Émis le")),
    FieldSpec("collection_date", "date", ("Date de mise en recouvrement", "Mise en recouvrement",
                                          "Date de recouvrement", "Mis en recouvrement le")),
    FieldSpec("taxpayer_name", "name", ("Nom", "Contribuable", "Déclarant", "Déclarants", "Foyer fiscal"), _CIVIL,
              _PERSON_ABOVE),
)
_TP_CARD = (
    FieldSpec("amc_number", "number", ("N° AMC", "AMC", "Code AMC", "N°AMC", "Numéro AMC", "N° organisme",
                                       "N° de l'organisme", "N° OC")),
    FieldSpec("contract_number", "number", ("N° adhérent", "N° de contrat", "Contrat", "Adhérent n°",
                                            "N° d'adhérent", "Numéro d'adhérent", "N° contrat", "Contrat n°",
                                            "Adhérent")),
    FieldSpec("valid_from", "date", ("Du", "Validité du", "Valable du", "Valide du", "du", "Période de validité du",
                                     "Début de validité", "Date de début")),
    FieldSpec("valid_to", "date", ("Au", "au", "jusqu'au", "Valable jusqu'au", "Fin de validité", "Date de fin",
                                   "Expire le", "Valide jusqu'au")),
    FieldSpec("nir", "nir", _NIR),
    FieldSpec("insured_name", "name", ("Assuré", "Assuré(e)", "Adhérent", "Titulaire", "Nom de l'assuré"), _CIVIL,
              _PERSON_ABOVE),
)

FIELD_SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "invoice": _INVOICE, "dental_quote": _DENTAL, "optical_quote": _OPTICAL, "prescription": _PRESCRIPTION,
    "rib": _RIB, "sick_leave": _SICK_LEAVE, "social_security_statement": _STATEMENT, "tax_notice": _TAX,
    "tp_card": _TP_CARD,
}

_CODE_HEADERS = ("Code", "Code CCAM", "Code LPP", "Code acte", "Acte", "CCAM", "LPP", "Code NGAP", "Code CIP")
_QTY_HEADERS = ("Qté", "Qte", "Quantité", "Nb", "Nombre")
_UNIT_PRICE_HEADERS = ("Prix unitaire", "Prix unit.", "P.U.", "PU", "PU HT", "Prix unitaire HT", "Tarif unitaire")
_VAT_RATE_HEADERS = ("TVA", "Taux TVA", "TVA %", "% TVA", "Taux de TVA")
_BASE_HEADERS = ("Base", "Base de remboursement", "Base remb.", "Base de remb.", "BR", "Base SS")
TABLE_SPECS: dict[str, TableSpec] = {
    "invoice": TableSpec({"act_code": _CODE_HEADERS,
                          "act_amount": ("Montant HT", "Montant", "Total ligne", "Montant TTC", "Total"),
                          "act_qty": _QTY_HEADERS, "act_unit_price": _UNIT_PRICE_HEADERS,
                          "act_vat_rate": _VAT_RATE_HEADERS},
                         before_amount=("act_vat_rate", "act_unit_price", "act_qty")),
    "dental_quote": TableSpec({"act_code": _CODE_HEADERS, "act_amount": ("Honoraires", "Montant", "Prix"),
                               "act_base": _BASE_HEADERS,
                               "act_amo": ("AMO", "Remb. AMO", "Remboursement AMO", "Part AMO", "Montant AMO",
                                           "Remb. SS", "Remboursement SS")},
                              amount_fallback="first", after_amount=("act_base", "act_amo"),
                              rated_columns=("act_base", "act_amo", "act_amount"),
                              rates=(0.6, 0.7)),  # AMO rates of dental prostheses and care
    "optical_quote": TableSpec({"act_code": _CODE_HEADERS, "act_amount": ("Montant HT", "Montant", "Total"),
                                "act_qty": _QTY_HEADERS, "act_unit_price": _UNIT_PRICE_HEADERS,
                                "act_vat_rate": _VAT_RATE_HEADERS},
                               before_amount=("act_vat_rate", "act_unit_price", "act_qty")),
    "social_security_statement": TableSpec({"act_code": _CODE_HEADERS,
                                            "act_amount": ("AMO", "Remboursé", "Montant remboursé", "Remb. AMO"),
                                            "act_amc": ("AMC", "Remb. AMC", "Part AMC", "Remboursé AMC"),
                                            "act_date": ("Date des soins", "Date", "Soins du", "Date de l'acte"),
                                            "act_base": _BASE_HEADERS,
                                            "act_rate": ("Taux", "Taux de remb.", "Taux remb.",
                                                         "Taux de remboursement"),
                                            "act_paid": ("Montant payé", "Payé", "Dépense", "Montant réglé",
                                                         "Frais réels", "Dépense engagée", "Montant facturé")},
                                           amount_fallback="rate", after_amount=("act_amc",),
                                           before_amount=("act_rate", "act_base", "act_paid"),
                                           rated_columns=("act_base", "act_amount", "act_paid")),
}
# The kind of value a table column holds; any other column holds amounts.
COLUMN_KINDS = {"act_date": "date", "act_qty": "quantity", "act_rate": "percent", "act_vat_rate": "vat_rate"}


def column_kind(column: str) -> str:
    """The kind of value printed in a table column ("amount" unless COLUMN_KINDS says otherwise)."""
    return COLUMN_KINDS.get(column, "amount")


# Rows of a period table, by document type: a sick-leave attestation lists the salary of each period before the
# stoppage (start date, end date, amount), which the daily allowance is computed from.
PERIOD_COLUMNS: dict[str, tuple[str, str, str]] = {"sick_leave": ("period_start", "period_end", "salary")}


def period_columns(doc_type: str) -> tuple[str, ...]:
    """The start, end and amount column names of a type's period table (none when it has none)."""
    return PERIOD_COLUMNS.get(doc_type, ())


def field_specs(doc_type: str) -> tuple[FieldSpec, ...]:
    """The keyed fields of a document type (none for "other" or an unknown type)."""
    return FIELD_SPECS.get(doc_type, ())


def table_spec(doc_type: str) -> TableSpec | None:
    """The act table of a document type, or None when it has none."""
    return TABLE_SPECS.get(doc_type)
