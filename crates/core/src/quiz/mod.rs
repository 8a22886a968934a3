//! Skin quiz: Fitzpatrick phototype, concerns, downtime, budget and safety flags ->
//! ranked, explained recommendations. Pure and deterministic; never a diagnosis.
//!
//! The phototype comes from PROTOCOLS.md §6's ten-item questionnaire and its score bands.
//! Recommendations come from a table of services ([`table`]) scored against the answers: each
//! row says which concerns a service may help, whether it uses laser or light, its budget band
//! and what a safety flag or phototype does to it; downtime comes from the protocol library.
//! Every recommendation explains itself with the answers behind it (§7 item 8).

mod answers;
mod questions;
mod scoring;
pub mod table;

#[cfg(test)]
mod tests;

pub use answers::QuizAnswers;
pub use questions::{STEP_TITLES, questions};
pub use scoring::evaluate;

use serde::{Deserialize, Serialize};

/// How a quiz question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option value (a string).
    Single,
    /// An array of option values.
    Multi,
    /// A boolean.
    YesNo,
}

/// One option of a single or multi question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizOption {
    pub value: String,
    pub label: String,
}

/// One quiz question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Empty for yes/no questions.
    pub options: Vec<QuizOption>,
    /// Page of the multi-step form, 1..=5 (see [`STEP_TITLES`]).
    pub step: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A skin concern the client can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    Pores,
    Texture,
    Pigmentation,
    FineLines,
    AcneScars,
    Redness,
    Hair,
    Volume,
}

impl Concern {
    /// Every concern, in form order.
    pub const ALL: [Concern; 8] = [
        Self::Pores,
        Self::Texture,
        Self::Pigmentation,
        Self::FineLines,
        Self::AcneScars,
        Self::Redness,
        Self::Hair,
        Self::Volume,
    ];

    /// The option value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pores => "pores",
            Self::Texture => "texture",
            Self::Pigmentation => "pigmentation",
            Self::FineLines => "fine_lines",
            Self::AcneScars => "acne_scars",
            Self::Redness => "redness",
            Self::Hair => "hair",
            Self::Volume => "volume",
        }
    }

    /// The option label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pores => "Enlarged pores",
            Self::Texture => "Rough or uneven texture",
            Self::Pigmentation => "Dark spots or uneven tone",
            Self::FineLines => "Fine lines and wrinkles",
            Self::AcneScars => "Acne scars",
            Self::Redness => "Redness",
            Self::Hair => "Unwanted hair",
            Self::Volume => "Lost volume",
        }
    }

    /// Parses an option value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// How much social downtime the client can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowntimeTolerance {
    None,
    Weekend,
    Week,
}

impl DowntimeTolerance {
    /// Every answer, in form order.
    pub const ALL: [Self; 3] = [Self::None, Self::Weekend, Self::Week];

    /// The option value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Weekend => "weekend",
            Self::Week => "week",
        }
    }

    /// The option label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::None => "None: I need to look like myself the next day",
            Self::Weekend => "A weekend (about 2 days)",
            Self::Week => "Up to a week",
        }
    }

    /// Short words for reasons: "your 'a week' answer".
    pub const fn short(self) -> &'static str {
        match self {
            Self::None => "no downtime",
            Self::Weekend => "a weekend",
            Self::Week => "a week",
        }
    }

    /// Days of downtime this answer accepts (product choice: a weekend is 2 days).
    pub const fn days(self) -> u32 {
        match self {
            Self::None => 0,
            Self::Weekend => 2,
            Self::Week => 7,
        }
    }

    /// Parses an option value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }
}

/// Budget band, ordered low to high.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    Low,
    Mid,
    High,
}

impl Budget {
    /// Every answer, in form order.
    pub const ALL: [Self; 3] = [Self::Low, Self::Mid, Self::High];

    /// The option value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Mid => "mid",
            Self::High => "high",
        }
    }

    /// The option label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Low => "Low: I'd like to keep it modest",
            Self::Mid => "Medium",
            Self::High => "High: I'm happy to invest for results",
        }
    }

    /// Short words for reasons.
    pub const fn short(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Mid => "medium",
            Self::High => "high",
        }
    }

    /// Parses an option value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == value)
    }
}

/// A yes/no safety flag. Health data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Pregnant,
    IsotretinoinRecent,
    ActiveBreakoutOrColdSore,
    KeloidHistory,
    Melasma,
}

impl Flag {
    /// Every flag, in form order.
    pub const ALL: [Self; 5] = [
        Self::Pregnant,
        Self::IsotretinoinRecent,
        Self::ActiveBreakoutOrColdSore,
        Self::KeloidHistory,
        Self::Melasma,
    ];

    /// The question id.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pregnant => "pregnant",
            Self::IsotretinoinRecent => "isotretinoin_recent",
            Self::ActiveBreakoutOrColdSore => "active_breakout_or_cold_sore",
            Self::KeloidHistory => "keloid_history",
            Self::Melasma => "melasma",
        }
    }
}

/// Fitzpatrick skin phototype, I (always burns) to VI (never burns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phototype {
    I,
    II,
    III,
    IV,
    V,
    VI,
}

impl Phototype {
    /// The type for a questionnaire total, per PROTOCOLS.md §6 (S84, S85): 0-6 I, 7-13 II,
    /// 14-20 III, 21-27 IV, 28-34 V, 35 and up VI.
    pub const fn from_score(score: u8) -> Self {
        match score {
            0..=6 => Self::I,
            7..=13 => Self::II,
            14..=20 => Self::III,
            21..=27 => Self::IV,
            28..=34 => Self::V,
            _ => Self::VI,
        }
    }

    /// The Roman numeral.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::I => "I",
            Self::II => "II",
            Self::III => "III",
            Self::IV => "IV",
            Self::V => "V",
            Self::VI => "VI",
        }
    }

    /// How this type reacts to sun (PROTOCOLS.md §6).
    pub const fn description(self) -> &'static str {
        match self {
            Self::I => "always burns, never tans",
            Self::II => "burns easily, tans minimally",
            Self::III => "sometimes burns, tans gradually",
            Self::IV => "rarely burns, tans well",
            Self::V => "very rarely burns, tans readily",
            Self::VI => "never burns, deeply pigmented",
        }
    }
}

/// One recommended service with the answers that led to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Service slug.
    pub service: String,
    /// At least one.
    pub reasons: Vec<String>,
}

/// The quiz outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResult {
    pub phototype: Phototype,
    /// Questionnaire total, 0-40.
    pub score: u8,
    /// Best first; never empty (the complimentary consultation is always listed).
    pub recommendations: Vec<Recommendation>,
    pub cautions: Vec<String>,
    pub consultation_advised: bool,
    /// Services that matched a concern but are left out because of a safety answer, each
    /// with why, so a wrong answer can be spotted.
    #[serde(default)]
    pub left_out: Vec<Recommendation>,
}

/// Shown at the start of the quiz and next to its results (PROTOCOLS.md §7).
pub const DISCLAIMER: &str = "This quiz is an educational tool that suggests treatments to \
    talk over with a provider. It does not diagnose, treat or rule out any condition, and it \
    is not medical advice. It can't check moles, skin cancer, infections or rashes, its \
    results depend entirely on your answers, and a self-assessed skin type can be wrong, \
    especially for darker skin. A licensed provider decides what suits you, and with which \
    settings, at a consultation or on the day. If you have a mole that is changing or \
    bleeding, a sore that won't heal, a spreading or painful rash, a fever or signs of \
    infection, please see a doctor instead of booking a treatment (call emergency services if \
    it is severe). Please don't start or stop any prescription medicine because of this quiz; \
    ask your prescriber. Your health answers are used only to tailor these suggestions and \
    are never put in a shareable link.";

/// Shown with the phototype result (PROTOCOLS.md §6 limitations, S88-S91).
pub const PHOTOTYPE_NOTE: &str = "Your skin type here is an estimate of how your skin reacts \
    to sun, not a measure of skin colour or ethnicity. Self-assessment is often off, \
    particularly between types IV and V, so your provider confirms your type in person before \
    any laser or light treatment.";
