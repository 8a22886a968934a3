//! The clinical rules as a readable document (`docs/clinical-rules.md`), generated from the
//! rule tables in [`super::library`] so it can never say something the engine does not do.
//! A test compares the committed file with [`clinical_rules_markdown`] and fails when it is
//! stale; `UPDATE_CLINICAL_RULES=1 cargo test -p medspa-core clinical_rules` rewrites it.

use super::library::{self, questions};
use super::{Condition, Period, Phase, Protocol, RuleOutcome};
use std::fmt::Write as _;

fn period(p: Period) -> String {
    match p {
        Period::Days(n) => format!("{n} d"),
        Period::Weeks(n) => format!("{n} wk"),
        Period::Months(n) => format!("{n} mo"),
    }
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::Yes { question } => format!("`{question}` = yes"),
        Condition::DateWithin {
            question,
            at_least,
            less_than,
        } => match at_least {
            Some(a) => format!(
                "`{question}` between {} and {} ago",
                period(*a),
                period(*less_than)
            ),
            None => format!("`{question}` less than {} ago", period(*less_than)),
        },
        Condition::Choice { question, any_of } => {
            format!("`{question}` is {}", any_of.join(" or "))
        }
    }
}

fn outcome(o: RuleOutcome) -> &'static str {
    match o {
        RuleOutcome::NotEligible => "not eligible",
        RuleOutcome::ConsultationRequired => "consultation first",
        RuleOutcome::Caution => "caution",
        RuleOutcome::Reschedule => "reschedule",
    }
}

/// Table cells never break the Markdown table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn service(out: &mut String, slug: &str, p: &Protocol) {
    let _ = writeln!(out, "## `{slug}`\n");
    let _ = writeln!(out, "- Lead time: {} days", p.lead_days());
    if let Some(s) = p.series {
        let _ = writeln!(
            out,
            "- Series: {} sessions, {}-{} weeks apart ({})",
            s.sessions,
            s.min_interval_weeks,
            s.max_interval_weeks,
            p.series_sources.join(", ")
        );
    }
    if let Some(d) = &p.downtime {
        let _ = writeln!(
            out,
            "- Downtime: {}-{} days ({})",
            d.min_days,
            d.max_days,
            d.sources.join(", ")
        );
    }
    if p.screening.is_empty() {
        let _ = writeln!(out, "- Screening: none");
    } else {
        let ids: Vec<String> = p.screening.iter().map(|q| format!("`{}`", q.id)).collect();
        let _ = writeln!(out, "- Screening questions: {}", ids.join(", "));
    }
    out.push('\n');
    if !p.rules.is_empty() {
        out.push_str("| Rule | When | Outcome | Sources |\n|---|---|---|---|\n");
        for r in &p.rules {
            let retry = r
                .retry_after
                .map(|w| format!(", bookable again after {}", period(w)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | {} | {}{} | {} |",
                r.id,
                cell(&condition(&r.when)),
                outcome(r.outcome),
                retry,
                cell(&r.sources.join(", "))
            );
        }
        out.push('\n');
    }
    if !p.prep_windows.is_empty() {
        out.push_str("| Prep window | Question | Days before | Sources |\n|---|---|---|---|\n");
        for w in &p.prep_windows {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                w.id,
                w.question,
                w.days,
                cell(&w.sources.join(", "))
            );
        }
        out.push('\n');
    }
    if !p.care.is_empty() {
        out.push_str(
            "| Care step | Phase | Days | Required | Emailed | Only if | Sources |\n|---|---|---|---|---|---|---|\n",
        );
        for c in &p.care {
            let phase = match c.phase {
                Phase::Before => "before",
                Phase::Day => "day of",
                Phase::After => "after",
                Phase::CheckIn => "check-in",
            };
            let days = match c.to_day {
                Some(to) if to != c.from_day => format!("{} to {}", c.from_day, to),
                _ => c.from_day.to_string(),
            };
            let only_if = c
                .only_if
                .as_ref()
                .map(|o| format!("`{}` = yes", o.question))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {phase} | {days} | {} | {} | {only_if} | {} |",
                cell(&c.title),
                if c.required { "yes" } else { "" },
                if c.remind { "yes" } else { "" },
                cell(&c.sources.join(", "))
            );
        }
        out.push('\n');
    }
}

/// The whole document: every demo service's rules, prep windows and care steps with their
/// sources, and the screening questions' wording.
pub fn clinical_rules_markdown() -> String {
    let mut out = String::from(
        "# Clinical rules\n\n\
         Generated from the rule tables in `crates/core/src/protocol/library/` by \
         `medspa_core::protocol::docs`; do not edit by hand (a test fails when this file is \
         stale). Sources are the research notes' section numbers (`§3`) and source ids \
         (`S30`) cited beside each rule in the code. Outcomes: *not eligible* (cannot be \
         booked), *consultation first*, *caution* (bookable, with a reason shown to client \
         and provider), *reschedule* (bookable from a later date). Days are counted from the \
         treatment day (negative: before). These are the demo clinic's seed rules; a \
         clinic's medical director can change every one.\n\n",
    );
    let mut asked: Vec<String> = Vec::new();
    for slug in library::SLUGS {
        if let Some(p) = library::for_service(slug) {
            service(&mut out, slug, &p);
            for q in &p.screening {
                if !asked.contains(&q.id) {
                    asked.push(q.id.clone());
                }
            }
        }
    }
    out.push_str("## Screening questions\n\n| Id | Question |\n|---|---|\n");
    for id in &asked {
        if let Some(q) = questions::by_id(id) {
            let _ = writeln!(out, "| `{id}` | {} |", cell(&q.question));
        }
    }
    out.push_str(
        "\n## Sources\n\nThe publications the rules above cite (their web addresses are kept \
         beside them in `crates/core/src/protocol/sources.rs`).\n\n",
    );
    for id in cited() {
        let text = super::sources::citation(&id).unwrap_or("(not listed)");
        // Titles only: docs/ never links outside the repository.
        let title = text
            .split(" — http")
            .next()
            .unwrap_or(text)
            .split(" (quoted at http")
            .next()
            .unwrap_or(text);
        let _ = writeln!(out, "- [{id}] {title}");
    }
    out
}

/// Every source id (`S30`) the demo protocols cite, in id order.
fn cited() -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for slug in library::SLUGS {
        let Some(p) = library::for_service(slug) else {
            continue;
        };
        let lists = p
            .rules
            .iter()
            .map(|r| &r.sources)
            .chain(p.prep_windows.iter().map(|w| &w.sources))
            .chain(p.care.iter().map(|c| &c.sources))
            .chain(p.downtime.iter().map(|d| &d.sources))
            .chain(std::iter::once(&p.series_sources));
        for list in lists {
            for id in list {
                if id.starts_with('S') && !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
    }
    let key = |s: &String| {
        let digits: String = s[1..].chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<u32>().unwrap_or(u32::MAX), s.clone())
    };
    ids.sort_by_key(key);
    ids
}

#[cfg(test)]
mod tests {
    use super::clinical_rules_markdown;

    #[test]
    fn every_cited_source_is_listed() {
        let missing: Vec<String> = super::cited()
            .into_iter()
            .filter(|id| super::super::sources::citation(id).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "cited but not in sources.rs: {missing:?}"
        );
        assert!(super::cited().len() > 40);
    }

    #[test]
    fn clinical_rules_doc_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/clinical-rules.md");
        let want = clinical_rules_markdown();
        if std::env::var("UPDATE_CLINICAL_RULES").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/clinical-rules.md is stale: run UPDATE_CLINICAL_RULES=1 cargo test -p medspa-core clinical_rules"
        );
        assert!(want.contains("## `halo`") && want.contains("| Rule | When | Outcome | Sources |"));
        assert!(
            !want.contains("http://") && !want.contains("https://"),
            "no outside links"
        );
    }
}
