//! The quiz questions in form order: ten Fitzpatrick items with PROTOCOLS.md §6's wording
//! (option values are the points "0".."4"), then concerns, downtime, budget and five safety
//! flags (DESIGN.md's ids).

use super::{Budget, Concern, DowntimeTolerance, Flag, Question, QuestionKind, QuizOption};

/// Page titles of the multi-step form; a question's `step` indexes this from 1.
pub const STEP_TITLES: [&str; 5] = [
    "Your natural colouring",
    "How your skin reacts to sun",
    "Your time in the sun",
    "What you'd like to improve",
    "A few safety questions",
];

/// (id, step, question, option labels for 0..=4 points, help).
type FitzItem = (
    &'static str,
    u8,
    &'static str,
    [&'static str; 5],
    Option<&'static str>,
);

/// PROTOCOLS.md §6 parts A-C (S84); item 10 maps "1 week to 1 month ago" to 3 as §6
/// suggests.
const FITZPATRICK: [FitzItem; 10] = [
    (
        "fitz_1",
        1,
        "What colour are your eyes?",
        [
            "Light blue, light green or grey",
            "Blue, green or grey",
            "Dark blue or green, or hazel (light brown)",
            "Dark brown",
            "Brownish black",
        ],
        None,
    ),
    (
        "fitz_2",
        1,
        "What is your natural hair colour (before any greying)?",
        [
            "Red",
            "Blonde",
            "Chestnut or dark blonde",
            "Dark brown",
            "Black",
        ],
        None,
    ),
    (
        "fitz_3",
        1,
        "What colour is your skin where it never sees the sun?",
        [
            "Pink",
            "Very pale",
            "Light brown or olive",
            "Brown",
            "Dark brown",
        ],
        None,
    ),
    (
        "fitz_4",
        1,
        "Do you have freckles on skin that isn't exposed to the sun?",
        ["Many", "Several", "A few", "Rarely", "None"],
        None,
    ),
    (
        "fitz_5",
        2,
        "What happens after a long time in strong sun?",
        [
            "Severe burn with blisters and peeling",
            "Moderate burn with blisters and peeling",
            "Sometimes burns, then peels",
            "Rarely burns",
            "Never burns",
        ],
        None,
    ),
    (
        "fitz_6",
        2,
        "Do you tan after time in the sun?",
        ["Never", "Rarely", "Sometimes", "Often", "Always"],
        None,
    ),
    (
        "fitz_7",
        2,
        "How dark do you tan?",
        [
            "Barely or not at all",
            "Light",
            "Medium",
            "Dark",
            "Very dark",
        ],
        None,
    ),
    (
        "fitz_8",
        2,
        "How sensitive is your face to the sun?",
        [
            "Very sensitive",
            "Sensitive",
            "Mildly sensitive",
            "Resistant",
            "Very resistant",
        ],
        None,
    ),
    (
        "fitz_9",
        3,
        "How often do you tan on purpose (sunbathing or sunbeds)?",
        ["Never", "Rarely", "Sometimes", "Often", "Always"],
        None,
    ),
    (
        "fitz_10",
        3,
        "When was your skin last in strong sun or on a sunbed?",
        [
            "More than 3 months ago",
            "2 to 3 months ago",
            "1 to 2 months ago",
            "In the last month (but not the last day)",
            "In the last day",
        ],
        Some("Recent sun can make your result read a little darker than your usual type."),
    ),
];

const POINTS: [&str; 5] = ["0", "1", "2", "3", "4"];

/// (flag, question, help).
const FLAGS: [(Flag, &str, Option<&str>); 5] = [
    (Flag::Pregnant, "Are you pregnant or breastfeeding?", None),
    (
        Flag::IsotretinoinRecent,
        "Have you taken isotretinoin (for example Accutane) in the past 12 months?",
        Some("Please don't change any medicine because of this quiz; ask your prescriber."),
    ),
    (
        Flag::ActiveBreakoutOrColdSore,
        "Do you have an active acne breakout, cold sore or skin infection right now?",
        None,
    ),
    (
        Flag::KeloidHistory,
        "Have you ever had keloid or raised scars?",
        None,
    ),
    (Flag::Melasma, "Have you been told you have melasma?", None),
];

/// All questions, in form order.
pub fn questions() -> Vec<Question> {
    let mut out: Vec<Question> = FITZPATRICK
        .iter()
        .map(|(id, step, text, labels, help)| Question {
            id: (*id).to_owned(),
            text: (*text).to_owned(),
            kind: QuestionKind::Single,
            options: POINTS
                .iter()
                .zip(labels)
                .map(|(v, l)| option(v, l))
                .collect(),
            step: *step,
            help: help.map(str::to_owned),
        })
        .collect();
    out.push(Question {
        id: "concerns".to_owned(),
        text: "What would you like to improve? Choose any that apply.".to_owned(),
        kind: QuestionKind::Multi,
        options: Concern::ALL
            .iter()
            .map(|c| option(c.as_str(), c.label()))
            .collect(),
        step: 4,
        help: Some("You can leave them all unticked if you'd just like advice.".to_owned()),
    });
    out.push(Question {
        id: "downtime".to_owned(),
        text: "How much downtime (visible redness, swelling or peeling) could you take?".to_owned(),
        kind: QuestionKind::Single,
        options: DowntimeTolerance::ALL
            .iter()
            .map(|d| option(d.as_str(), d.label()))
            .collect(),
        step: 4,
        help: None,
    });
    out.push(Question {
        id: "budget".to_owned(),
        text: "What budget do you have in mind?".to_owned(),
        kind: QuestionKind::Single,
        options: Budget::ALL
            .iter()
            .map(|b| option(b.as_str(), b.label()))
            .collect(),
        step: 4,
        help: None,
    });
    out.extend(FLAGS.iter().map(|(flag, text, help)| Question {
        id: flag.as_str().to_owned(),
        text: (*text).to_owned(),
        kind: QuestionKind::YesNo,
        options: Vec::new(),
        step: 5,
        help: help.map(str::to_owned),
    }));
    out
}

fn option(value: &str, label: &str) -> QuizOption {
    QuizOption {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}
