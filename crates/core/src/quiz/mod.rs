//! Skin quiz: Fitzpatrick phototype, concerns, downtime, budget and safety flags ->
//! ranked, explained recommendations. Pure and deterministic; never a diagnosis.
