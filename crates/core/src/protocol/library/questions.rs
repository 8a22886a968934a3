//! Every screening question the demo rules read, by id (same id, same words in every
//! service). A service's screening is generated from its rules ([`super::generate_screening`]):
//! a question appears exactly when a rule, prep window or care step of the service reads it,
//! so a rule can't lack its question and a question can't lack its rule
//! ([`crate::protocol::Protocol::validate`] checks both ways).

use crate::protocol::{AnswerKind, ChoiceOption, ScreeningQuestion};

/// The Fitzpatrick phototypes (PROTOCOLS.md §6) as choice values, plus "I don't know".
pub const FITZPATRICK: [(&str, &str); 7] = [
    ("I", "Type I: always burns, never tans"),
    ("II", "Type II: burns easily, tans a little"),
    ("III", "Type III: sometimes burns, tans gradually"),
    ("IV", "Type IV: rarely burns, tans well"),
    ("V", "Type V: very rarely burns, tans readily"),
    ("VI", "Type VI: never burns, deeply pigmented skin"),
    ("unknown", "I don't know"),
];

fn yes_no(id: &str, text: &str) -> ScreeningQuestion {
    ScreeningQuestion {
        id: id.to_owned(),
        question: text.to_owned(),
        kind: AnswerKind::YesNo,
        required: true,
        options: Vec::new(),
    }
}

fn date(id: &str, text: &str) -> ScreeningQuestion {
    ScreeningQuestion {
        kind: AnswerKind::Date,
        ..yes_no(id, text)
    }
}

/// The question with this id; `None` for an id no demo rule uses.
pub fn by_id(id: &str) -> Option<ScreeningQuestion> {
    Some(match id {
        "fitzpatrick" => ScreeningQuestion {
            id: id.to_owned(),
            question: "Which best describes your skin in strong sun? (Your skin type; the skin \
                       quiz can work it out, and your provider confirms it in person.)"
                .to_owned(),
            kind: AnswerKind::Choice,
            required: true,
            options: FITZPATRICK
                .iter()
                .map(|(value, label)| ChoiceOption {
                    value: (*value).to_owned(),
                    label: (*label).to_owned(),
                })
                .collect(),
        },
        "pregnant" => yes_no(id, "Are you pregnant or breastfeeding?"),
        "trying_to_conceive" => yes_no(id, "Are you trying to become pregnant?"),
        "isotretinoin_last_dose" => date(
            id,
            "When did you last take isotretinoin (for example Accutane)? Answer never if you \
             never have.",
        ),
        "retinoid_last_used" => date(
            id,
            "When did you last use a retinoid on the area (retinol, tretinoin, adapalene)? \
             Answer never if you never have.",
        ),
        "injectable_last_date" => date(
            id,
            "When did you last have a neurotoxin (such as Botox) or filler injection? Answer \
             never if you never have.",
        ),
        "recent_tan_or_sunburn" => yes_no(
            id,
            "Do you have a tan (including self-tanner) or a sunburn on the area, or have you \
             had one in the last 14 days?",
        ),
        "cold_sore_history" => yes_no(id, "Do you get cold sores?"),
        "active_infection" => yes_no(
            id,
            "Do you have an active cold sore, infection, open wound, inflamed acne or rash on \
             the area right now?",
        ),
        "unwell" => yes_no(
            id,
            "Are you unwell right now (for example a cold, flu or fever)?",
        ),
        "keloid_history" => yes_no(id, "Have you ever had keloid or raised scars?"),
        "melasma" => yes_no(id, "Have you been told you have melasma?"),
        "anticoagulant" => yes_no(
            id,
            "Do you take a prescription blood thinner, or have a bleeding disorder?",
        ),
        "immune_condition" => yes_no(
            id,
            "Do you have an autoimmune or connective-tissue disease (such as lupus or \
             scleroderma), or take medicine that weakens your immune system?",
        ),
        "oral_steroids" => yes_no(
            id,
            "Do you take steroid tablets (such as prednisone), or have you in the last month?",
        ),
        "photosensitizing_medication" => yes_no(
            id,
            "Do you take a medicine or supplement that makes your skin sensitive to light \
             (such as doxycycline, minocycline, Bactrim, levofloxacin or St John's wort)?",
        ),
        "diabetes_or_radiotherapy" => yes_no(
            id,
            "Do you have diabetes that is hard to keep under control, or have you had \
             radiotherapy to your face?",
        ),
        "psoriasis_or_vitiligo" => yes_no(id, "Do you have active psoriasis or vitiligo?"),
        "eczema_or_psoriasis_history" => yes_no(id, "Have you had severe eczema or psoriasis?"),
        "appearance_concerns" => yes_no(
            id,
            "Has worry about your appearance been taking up a lot of your time or getting in \
             the way of daily life, or have you been told you have body dysmorphic disorder?",
        ),
        "under_18" => yes_no(id, "Are you under 18?"),
        "light_sensitive_condition" => yes_no(
            id,
            "Do you have a condition that light can trigger, such as lupus or porphyria?",
        ),
        "skin_cancer_history" => yes_no(id, "Have you ever had skin cancer?"),
        "light_hair" => yes_no(
            id,
            "Is the hair you want treated blonde, grey, white or red?",
        ),
        "neuromuscular_condition" => yes_no(
            id,
            "Do you have a nerve or muscle condition such as myasthenia gravis, Lambert-Eaton \
             syndrome or multiple sclerosis?",
        ),
        "toxin_allergy" => yes_no(
            id,
            "Have you ever had an allergic reaction to a botulinum toxin product (such as \
             Botox) or to albumin?",
        ),
        "lidocaine_allergy" => yes_no(
            id,
            "Are you allergic to lidocaine or other local anesthetics?",
        ),
        "drug_allergies" => yes_no(id, "Are you allergic to several medicines?"),
        _ => return None,
    })
}
