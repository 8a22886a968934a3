//! The recommendation table: one row per treatment, read by the scoring module.
//!
//! A row lists the concerns a service may help with (a weight 1-3 for how directly and how
//! lastingly: a facial's few weeks of smoother skin weighs less than resurfacing; and the
//! modest client-facing words, PROTOCOLS.md §7 item 7), whether it uses laser or light, its
//! budget band, and what a safety flag or phototype does to it: `Exclude` (the protocol says
//! not eligible) or `Consult` (a consultation first). Downtime is not repeated here: scoring
//! reads it from [`crate::protocol::library`], the same data the booking engine uses.
//! Concerns with no sourced service (redness) go to the consultation.

use super::{Budget, Concern, Flag, Phototype};

/// Laser or light energy: tan, pregnancy and phototype rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Energy {
    None,
    Light,
    Laser,
}

/// What sets off an effect on a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Flag(Flag),
    /// The quiz phototype is this type or darker.
    PhototypeAtLeast(Phototype),
}

/// What a trigger does to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Not recommended at all (listed in `left_out` with the reason).
    Exclude,
    /// Listed only after the consultation, with the reason.
    Consult,
    /// Not now: a temporary condition (PROTOCOLS.md §3 "reschedule"), listed last with the
    /// reason and when to book.
    NotNow,
}

/// One treatment row.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    pub service: &'static str,
    pub name: &'static str,
    /// (concern, weight 1-3, what it may do).
    pub treats: &'static [(Concern, u8, &'static str)],
    pub energy: Energy,
    pub budget: Budget,
    /// (trigger, effect, client-facing reason).
    pub effects: &'static [(Trigger, Effect, &'static str)],
    pub sources: &'static [&'static str],
}

use Effect::{Consult, Exclude, NotNow};
use Trigger::{Flag as F, PhototypeAtLeast as TypeAtLeast};

const PREGNANT_LASER: &str = "Laser and light treatments aren't offered during pregnancy or \
    breastfeeding.";
const ISOTRETINOIN: &str = "Isotretinoin in the past year rules this out for now; a provider \
    can advise at a consultation.";
const KELOID: &str = "With keloid or raised scars, a provider needs to see you first.";
const MELASMA: &str = "Heat can make melasma darker, so a provider needs to plan this with you.";
const DARKER_LASER: &str = "Darker skin types need adjusted laser settings, so a provider \
    needs to see your skin first.";
const HALO_TYPE: &str = "Skin types IV to VI have a higher chance of dark patches after laser \
    treatment (type IV: gentler settings and often a test spot; types V-VI: a consultation is \
    required), so a provider needs to see your skin first.";
const NOT_NOW: &str = "Not now: with an active breakout or cold sore, book once it has fully \
    healed.";

/// Rows in tie-break order (earlier wins a tie).
pub const PROFILES: &[Profile] = &[
    Profile {
        service: "halo",
        name: "Halo laser",
        treats: &[
            (Concern::Pores, 3, "May improve the look of enlarged pores"),
            (Concern::Texture, 3, "May smooth rough texture"),
            (
                Concern::Pigmentation,
                3,
                "May even out sun spots and uneven tone",
            ),
            (Concern::AcneScars, 3, "May soften the look of acne scars"),
            (Concern::FineLines, 2, "May soften fine lines"),
        ],
        energy: Energy::Laser,
        budget: Budget::High,
        effects: &[
            (F(Flag::Pregnant), Exclude, PREGNANT_LASER),
            (F(Flag::IsotretinoinRecent), Exclude, ISOTRETINOIN),
            (F(Flag::KeloidHistory), Consult, KELOID),
            (F(Flag::Melasma), Consult, MELASMA),
            // §3: IV CAU (consultation ranked first), V-VI CR.
            (TypeAtLeast(Phototype::IV), Consult, HALO_TYPE),
            // §3: active HSV lesion, inflamed acne: reschedule once healed.
            (F(Flag::ActiveBreakoutOrColdSore), NotNow, NOT_NOW),
        ],
        sources: &["§1", "§3", "S3", "S5", "S9", "S24", "S43", "S44"],
    },
    Profile {
        service: "hydrafacial",
        name: "HydraFacial",
        treats: &[
            (
                Concern::Pores,
                1,
                "May leave pores looking clearer for a few weeks",
            ),
            (
                Concern::Texture,
                2,
                "May leave skin feeling smoother and more hydrated for 1 to 4 weeks",
            ),
        ],
        energy: Energy::None,
        budget: Budget::Mid,
        effects: &[],
        sources: &["§5", "S52", "S53", "S54"],
    },
    Profile {
        service: "medical-grade-skincare",
        name: "Medical-grade skincare",
        treats: &[
            (
                Concern::Pores,
                1,
                "A tailored routine may refine the look of pores over months",
            ),
            (
                Concern::Texture,
                2,
                "A tailored routine may smooth texture over 3 to 6 months",
            ),
            (
                Concern::Pigmentation,
                2,
                "A tailored routine may even out tone over months",
            ),
            (
                Concern::FineLines,
                1,
                "A retinoid routine may soften fine lines over months",
            ),
        ],
        energy: Energy::None,
        budget: Budget::Low,
        effects: &[(
            F(Flag::Pregnant),
            Consult,
            "Some skincare actives aren't used in pregnancy or breastfeeding, so a provider \
             will choose your routine with you.",
        )],
        sources: &["§5", "S50", "S82", "S83"],
    },
    Profile {
        service: "microneedling",
        name: "Microneedling",
        treats: &[
            (Concern::Texture, 3, "May smooth rough texture"),
            (Concern::AcneScars, 3, "May soften the look of acne scars"),
            (Concern::FineLines, 2, "May soften fine lines"),
            (Concern::Pigmentation, 1, "May help even out tone"),
        ],
        energy: Energy::None,
        budget: Budget::Mid,
        effects: &[
            (
                F(Flag::Pregnant),
                Exclude,
                "Microneedling isn't offered during pregnancy or breastfeeding.",
            ),
            (F(Flag::IsotretinoinRecent), Exclude, ISOTRETINOIN),
            (
                F(Flag::KeloidHistory),
                Exclude,
                "Microneedling can bring on keloid or raised scars in people prone to them.",
            ),
            (F(Flag::ActiveBreakoutOrColdSore), NotNow, NOT_NOW),
        ],
        sources: &["§5", "S55", "S56", "S57", "S58", "S59", "S98", "S99"],
    },
    Profile {
        service: "chemical-peel",
        name: "Chemical peel",
        treats: &[
            (
                Concern::Texture,
                2,
                "May smooth and brighten the skin's surface over a series",
            ),
            (Concern::Pigmentation, 2, "May even out tone over a series"),
        ],
        energy: Energy::None,
        budget: Budget::Low,
        effects: &[
            (
                F(Flag::Pregnant),
                Consult,
                "During pregnancy or breastfeeding, a provider checks which peel suits you \
                 first.",
            ),
            (F(Flag::IsotretinoinRecent), Exclude, ISOTRETINOIN),
            // §5 peels: Fitzpatrick IV+ -> CR (pigment-change risk).
            (
                TypeAtLeast(Phototype::IV),
                Consult,
                "For skin types IV to VI a peel can change skin colour, so a provider chooses \
                 the peel with you first.",
            ),
            (F(Flag::ActiveBreakoutOrColdSore), NotNow, NOT_NOW),
        ],
        sources: &["§5", "S31", "S60", "S61", "S62", "S63", "S64", "S100"],
    },
    Profile {
        service: "ipl-photofacial",
        name: "IPL photofacial",
        treats: &[(
            Concern::Pigmentation,
            3,
            "May fade sun spots and brown patches over a series",
        )],
        energy: Energy::Light,
        budget: Budget::Mid,
        effects: &[
            (F(Flag::Pregnant), Exclude, PREGNANT_LASER),
            (F(Flag::IsotretinoinRecent), Exclude, ISOTRETINOIN),
            (F(Flag::KeloidHistory), Consult, KELOID),
            (F(Flag::Melasma), Consult, MELASMA),
            (
                TypeAtLeast(Phototype::VI),
                Exclude,
                "IPL isn't suitable for the deepest skin tones.",
            ),
            (
                TypeAtLeast(Phototype::IV),
                Consult,
                "IPL settings depend closely on skin type, so a provider needs to see your \
                 skin first.",
            ),
            (F(Flag::ActiveBreakoutOrColdSore), NotNow, NOT_NOW),
        ],
        sources: &["§5", "§6", "S65", "S66", "S67", "S68", "S69"],
    },
    Profile {
        service: "laser-hair-removal",
        name: "Laser hair removal",
        treats: &[(
            Concern::Hair,
            3,
            "Reduces unwanted hair over a series of sessions",
        )],
        energy: Energy::Laser,
        budget: Budget::Mid,
        effects: &[
            (F(Flag::Pregnant), Exclude, PREGNANT_LASER),
            (F(Flag::IsotretinoinRecent), Exclude, ISOTRETINOIN),
            // Not in §5's hair-removal row: the platform keeps every laser behind a
            // consultation for keloid-prone skin (§3's resurfacing rule, conservatively).
            (F(Flag::KeloidHistory), Consult, KELOID),
            (TypeAtLeast(Phototype::IV), Consult, DARKER_LASER),
            (F(Flag::ActiveBreakoutOrColdSore), NotNow, NOT_NOW),
        ],
        sources: &["§3", "§5", "S44", "S70", "S71", "S72", "S73"],
    },
    Profile {
        service: "neuromodulator",
        name: "Neuromodulator (such as Botox)",
        treats: &[(
            Concern::FineLines,
            3,
            "May soften expression lines for about 3 to 6 months",
        )],
        energy: Energy::None,
        budget: Budget::Mid,
        effects: &[(
            F(Flag::Pregnant),
            Exclude,
            "Neuromodulators aren't offered during pregnancy or breastfeeding.",
        )],
        sources: &["§5", "S74", "S75", "S76", "S101"],
    },
    Profile {
        service: "dermal-filler",
        name: "Dermal filler",
        treats: &[
            (Concern::Volume, 3, "May restore lost volume"),
            (
                Concern::FineLines,
                1,
                "May soften deeper folds and lip lines",
            ),
        ],
        energy: Energy::None,
        budget: Budget::High,
        effects: &[(
            F(Flag::Pregnant),
            Exclude,
            "Filler isn't offered during pregnancy or breastfeeding.",
        )],
        sources: &["§5", "S77", "S79", "S80", "S81"],
    },
];

/// The row for a service slug.
pub fn profile(service: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.service == service)
}
