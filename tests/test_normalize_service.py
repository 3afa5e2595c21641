"""Service text -> DWC category: one table per rule family, with the tricky pairs side by side.

Expected values are written by hand from the DWC taxonomy (letter-formats.md), not read back
from the classifier.
"""

from __future__ import annotations

import pytest

from ingest.classify_service import ServiceClass, classify_service

NA = "Not applicable"


def _cls(category: str, subcategory: str, drug_class: str = NA) -> ServiceClass:
    return ServiceClass(category, subcategory, drug_class)


def _rx(drug_class: str, subcategory: str | None = None) -> ServiceClass:
    return ServiceClass("Pharmaceuticals", subcategory or drug_class, drug_class)


DRUGS = [
    ("Norco 10/325mg #60", _rx("Opioids")),
    ("Retrospective Norco 10/325mg #120 DOS: 3/4/2016", _rx("Opioids")),
    ("Ultram", _rx("Opioids")),
    ("Tramadol ER 150mg #30 with 2 refills", _rx("Opioids")),
    ("Hydrocodone/APAP 5/325 #90", _rx("Opioids")),
    ("Fentanyl 25mcg/hr transdermal patch #10", _rx("Opioids")),  # stays an opioid
    ("Butrans patch 10mcg/hr #4", _rx("Opioids")),
    ("Fanatrex 25mg/ml oral suspension 420ml", _rx("Anti-epilepsy drugs")),
    ("Gabapentin 600mg #90", _rx("Anti-epilepsy drugs")),
    ("1 prescription of Neurontin", _rx("Anti-epilepsy drugs")),
    ("Naproxen sodium 550mg #60", _rx("NSAID")),
    ("Anaprox DS 550mg #60", _rx("NSAID")),
    ("Soma 350mg #30", _rx("Muscle Relaxant")),
    ("Flexeril 10mg #60", _rx("Muscle Relaxant")),
    ("Omeprazole DR 20mg #60", _rx("Proton Pump Inhibitors")),
    ("Ambien 10mg #30", _rx("Sedative-hypnotics")),
    ("Xanax 0.5mg #60", _rx("Benzodiazepine")),
    ("Cymbalta 60mg #30", _rx("Antidepressant")),
    ("1 trial of a Medrol dosepak", _rx("Adrenal Cortical Steroids")),
    ("Theramine #120", _rx("Medical Foods")),
    # A prescription whose drug the table does not know: pharma, class Unclassified.
    ("Zorvolex 35mg #90", _rx("Unclassified")),
]

TOPICALS = [
    # Single drugs in a topical form -> Topical Analgesics.
    ("Terocin patch #30", _rx("Topical Analgesics")),
    ("Lidoderm 5% patch #30", _rx("Topical Analgesics")),
    ("Voltaren 1% gel 100g", _rx("Topical Analgesics")),
    ("Diclofenac sodium 1.5% topical solution 150ml", _rx("Topical Analgesics")),
    # Compounds: named kits, the word "compound", a cream base, or several ingredients.
    ("Flurbiprofen 20%, Lidocaine 5% cream 180gm", _rx("Topical Compounds")),
    ("Gabapentin 10%/Amitriptyline 5%/Capsaicin 0.025% in cream base", _rx("Topical Compounds")),
    ("Compound Ketoprofen 20%, 240 grams", _rx("Topical Compounds")),
    ("Compounded topical cream: Tramadol 8%, Flurbiprofen 20%", _rx("Topical Compounds")),
    ("Ketophene 20% cream 167 grams", _rx("Topical Compounds")),
]


@pytest.mark.parametrize(("service", "expected"), DRUGS + TOPICALS)
def test_pharmaceuticals(service: str, expected: ServiceClass) -> None:
    assert classify_service(service) == expected


def test_compound_versus_single_topical_drug() -> None:
    single = classify_service("Lidocaine 5% patch #30")
    compound = classify_service("Lidocaine 5%, Menthol 2% patch #30")
    assert single.drug_class == "Topical Analgesics"
    assert compound.drug_class == "Topical Compounds"
    # An oral combination is not a topical compound: the first drug named decides.
    assert classify_service("Norco 10/325 #60 and Soma 350mg #30").drug_class == "Opioids"


DIAGNOSTICS = [
    ("EMG/NCV of the bilateral upper extremities", _cls("Diagnostic Testing", "EMG/NCV/NCS")),
    ("NCV only of the left lower extremity", _cls("Diagnostic Testing", "EMG/NCV/NCS")),
    ("Nerve conduction studies, right arm", _cls("Diagnostic Testing", "EMG/NCV/NCS")),
    ("MRI of the lumbar spine without contrast", _cls("Diagnostic Testing", "Imaging/Radiology")),
    ("MR arthrogram of the right shoulder", _cls("Diagnostic Testing", "Imaging/Radiology")),
    ("1 thoracic spine MRI", _cls("Diagnostic Testing", "Imaging/Radiology")),
    ("CT scan of the head", _cls("Diagnostic Testing", "Imaging/Radiology")),
    ("X-rays of the left knee, 3 views", _cls("Diagnostic Testing", "Imaging/Radiology")),
    (
        "Diagnostic ultrasound of the right shoulder",
        _cls("Diagnostic Testing", "Imaging/Radiology"),
    ),
    ("Urine drug screen", _cls("Diagnostic Testing", "Lab & Pathology")),
    (
        "Urine toxicology for opiates and benzodiazepines",
        _cls("Diagnostic Testing", "Lab & Pathology"),
    ),
    ("CBC and CMP labs", _cls("Diagnostic Testing", "Lab & Pathology")),
    ("Sleep study", _cls("Diagnostic Testing", "Other Diagnostic Tests")),
    ("Functional capacity evaluation", _cls("Diagnostic Testing", "Other Diagnostic Tests")),
]

REHAB = [
    ("Physical therapy 2 times a week for 6 weeks, lumbar", _cls("Rehabilitation", "PT/OT")),
    ("Physical therapy evaluation, cervical spine", _cls("Rehabilitation", "PT/OT")),
    ("Post operative physical therapy x12 right knee", _cls("Rehabilitation", "PT/OT")),
    ("Occupational therapy for six sessions", _cls("Rehabilitation", "PT/OT")),
    ("Aquatic therapy 8 sessions", _cls("Rehabilitation", "PT/OT")),
    ("Chiropractic treatment 2x4 lumbar spine", _cls("Rehabilitation", "Chiropractic")),
    (
        "5 sessions of chiropractic physiotherapy for the left elbow",
        _cls("Rehabilitation", "Chiropractic"),
    ),
    (
        "Spinal manipulation therapy 2 times a week for 4 weeks",
        _cls("Rehabilitation", "Chiropractic"),
    ),
    ("Acupuncture 6 sessions", _cls("Rehabilitation", "Acupuncture")),
    ("Electroacupuncture x 8", _cls("Rehabilitation", "Acupuncture")),
    ("Massage therapy x6", _cls("Rehabilitation", "Other Therapies")),
    ("Extracorporeal shockwave therapy, right shoulder", _cls("Rehabilitation", "Other Therapies")),
    ("Pulsed Ultrasound 2 times a week for 4 weeks", _cls("Rehabilitation", "Other Therapies")),
    ("Electrical Muscle Stimulation 2 times a week", _cls("Rehabilitation", "Other Therapies")),
]

INJECTIONS = [
    ("Right L5-S1 epidural steroid injection", _cls("Injection", "Injection")),
    ("Lumbar ESI at L4-5", _cls("Injection", "Injection")),
    ("Trigger point injections x4", _cls("Injection", "Injection")),
    ("Toradol 60mg IM injection", _cls("Injection", "Injection")),  # not a prescription
    ("Synvisc-One injection, left knee", _cls("Injection", "Injection")),
    ("Bilateral L4-5 facet injections", _cls("Injection", "Facet Injection")),
    ("Medial branch block L3-L5", _cls("Injection", "Facet Injection")),
    ("Radiofrequency ablation, lumbar L4-S1", _cls("Injection", "Facet Injection")),
]

SURGERY = [
    ("Right knee arthroscopy with partial meniscectomy", _cls("Surgery", "Arthroscopic Surgery")),
    ("L4-5 and L5-S1 posterior lumbar fusion", _cls("Surgery", "Spine")),
    ("Anterior cervical discectomy and fusion C5-6", _cls("Surgery", "Spine")),
    ("Spinal cord stimulator trial", _cls("Surgery", "Spine")),
    ("Right carpal tunnel release", _cls("Surgery", "Non-arthroscopic Surgery")),
    ("Total knee arthroplasty, left", _cls("Surgery", "Non-arthroscopic Surgery")),
    ("Rotator cuff repair, open", _cls("Surgery", "Non-arthroscopic Surgery")),
    ("Assistant surgeon", _cls("Surgery", "Adjunct Surgical Services")),
    ("Pre-op labs: CBC", _cls("Surgery", "Adjunct Surgical Services")),
    ("2 day inpatient stay", _cls("Surgery", "Adjunct Surgical Services")),
    ("Orthopedic surgery consultation for the right shoulder", _cls("Surgery", "Surgical Consult")),
    ("Spine surgery evaluation for the lumbar", _cls("Surgery", "Surgical Consult")),
    ("Neurosurgical consult", _cls("Surgery", "Surgical Consult")),
]

EQUIPMENT = [
    ("TENS unit, 30 day rental", _cls("DMEPOS", "Electrical Stimulation")),
    ("H-wave device purchase", _cls("DMEPOS", "Electrical Stimulation")),
    ("Interferential unit", _cls("DMEPOS", "Electrical Stimulation")),
    ("Lumbar brace", _cls("DMEPOS", "Prosthetics/Orthotics")),
    ("Custom orthotics, bilateral", _cls("DMEPOS", "Prosthetics/Orthotics")),
    ("Wrist splint, right", _cls("DMEPOS", "Prosthetics/Orthotics")),
    ("Knee brace after surgery", _cls("DMEPOS", "Prosthetics/Orthotics")),
    ("Cold therapy unit, 7 day rental", _cls("DMEPOS", "DME")),
    ("Hospital bed for an unspecified rental", _cls("DMEPOS", "DME")),
    ("Front wheeled walker", _cls("DMEPOS", "DME")),
    ("Large gloves", _cls("DMEPOS", "Supplies")),
    ("TENS electrodes x 2 packs", _cls("DMEPOS", "Electrical Stimulation")),
]

VISITS_PROGRAMS_PSYCH_OTHER = [
    (
        "Follow-up visit with pain management",
        _cls("Evaluation & Management", "Medical Specialties"),
    ),
    ("Pain management consultation", _cls("Evaluation & Management", "Medical Specialties")),
    (
        "Office visit with the primary treating physician",
        _cls("Evaluation & Management", "Medical Specialties"),
    ),
    (
        "Re-exam with chiropractor for the lumbar spine flare-up",
        _cls("Evaluation & Management", "Medical Specialties"),
    ),
    ("Neurology consultation", _cls("Evaluation & Management", "Medical Specialties")),
    ("Dental evaluation and treatment", _cls("Evaluation & Management", "Dental Services")),
    ("Pain management program", _cls("Programs", "Programs")),
    ("Functional restoration program, 160 hours", _cls("Programs", "Programs")),
    ("Work hardening 10 visits", _cls("Programs", "Programs")),
    ("Opioid detox program", _cls("Programs", "Programs")),  # names a drug class, still a program
    ("Gym membership", _cls("Programs", "Programs")),
    ("Psych evaluation", _cls("Psych Services", "Evaluation & Management")),
    ("Psychological consultation", _cls("Psych Services", "Evaluation & Management")),
    ("Psychiatric follow-up visits x4", _cls("Psych Services", "Evaluation & Management")),
    ("Psychotherapy 6 sessions", _cls("Psych Services", "Therapies")),
    ("Cognitive behavioral therapy x10", _cls("Psych Services", "Therapies")),
    ("Home health aide 4 hours a day", _cls("Home Health", "Home Health")),
    ("Home aide 6 hours per day, 5 times a week", _cls("Home Health", "Home Health")),
    ("Transportation to and from medical appointments", _cls("Transportation", "Transportation")),
]


@pytest.mark.parametrize(
    ("service", "expected"),
    DIAGNOSTICS + REHAB + INJECTIONS + SURGERY + EQUIPMENT + VISITS_PROGRAMS_PSYCH_OTHER,
)
def test_keyword_rules(service: str, expected: ServiceClass) -> None:
    assert classify_service(service) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("EMG/NCV of the upper extremities", "NCV only of the upper extremities"),
        ("Retrospective MRI of the knee (DOS 1/2/2016)", "MRI of the knee"),
        ("Physical therapy x 24", "Physical therapy x 6"),
        ("Retrospective Norco 10/325 #180", "Norco 10/325 #60"),
    ],
)
def test_quantities_and_retrospective_requests_do_not_change_the_category(a: str, b: str) -> None:
    assert classify_service(a) == classify_service(b)


def test_the_tricky_pairs_land_in_different_categories() -> None:
    assert (
        classify_service("follow-up visit with pain management").category
        == "Evaluation & Management"
    )
    assert classify_service("pain management program").category == "Programs"
    assert classify_service("psych evaluation").subcategory == "Evaluation & Management"
    assert classify_service("psychotherapy").subcategory == "Therapies"
    assert classify_service("MR arthrogram of the hip").subcategory == "Imaging/Radiology"
    assert classify_service("Hip arthroscopy").subcategory == "Arthroscopic Surgery"


def test_unknown_requests_are_unclassified_not_guessed() -> None:
    unknown = ServiceClass("Unclassified", "Unclassified", "Unclassified")
    assert classify_service("Hygge appraisal") == unknown
    assert classify_service("") == unknown


def test_case_and_spacing_do_not_matter() -> None:
    assert classify_service("  mri   OF THE Lumbar spine ") == classify_service(
        "MRI of the lumbar spine"
    )


def test_a_combination_product_with_an_opioid_is_an_opioid() -> None:
    assert classify_service("Tylenol with codeine #3, #60").drug_class == "Opioids"
    assert classify_service("Tylenol 500mg #100").drug_class == "Misc Analgesics"
