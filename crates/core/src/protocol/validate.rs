//! Checks an edited protocol before it is saved: ids unique, every rule reads an existing
//! question of the right kind, offsets and periods in range, care phases consistent with their
//! day offsets. Field names are paths like `protocol.rules[2].when.question`.

use super::{AnswerKind, CareRule, Condition, Period, Phase, Protocol, Rule, RuleOutcome};
use crate::input::InvalidInput;
use jiff::civil::date;
use std::collections::BTreeSet;

/// Ten years: the largest offset or window a rule may use (keeps date arithmetic in range).
const MAX_DAYS: i32 = 3660;

impl Protocol {
    /// Whether this protocol is internally consistent; all problems are reported at once.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let mut e = InvalidInput::default();
        let mut question_ids = BTreeSet::new();
        for (i, q) in self.screening.iter().enumerate() {
            let f = format!("protocol.screening[{i}]");
            if !is_id(&q.id) {
                e.push(
                    format!("{f}.id"),
                    "Use lowercase letters, digits and underscores",
                );
            } else if !question_ids.insert(q.id.as_str()) {
                e.push(format!("{f}.id"), "Question ids must be unique");
            }
            if q.question.trim().is_empty() {
                e.push(format!("{f}.question"), "Enter the question text");
            }
            if (q.kind == AnswerKind::Choice) == q.options.is_empty() {
                e.push(
                    format!("{f}.options"),
                    "A choice question has options; other questions have none",
                );
            }
            if !self.reads(&q.id) {
                e.push(
                    format!("{f}.id"),
                    "No rule, prep window or care step reads this question",
                );
            }
        }
        if let Some(lead) = self.lead_time_days
            && lead > MAX_DAYS.unsigned_abs()
        {
            e.push("protocol.lead_time_days", "Use at most 3660 days");
        }

        let mut rule_ids = BTreeSet::new();
        let ids = self
            .rules
            .iter()
            .map(|r| ("rules", r.id.as_str()))
            .chain(
                self.prep_windows
                    .iter()
                    .map(|w| ("prep_windows", w.id.as_str())),
            )
            .chain(self.care.iter().map(|c| ("care", c.id.as_str())));
        let mut counters = std::collections::BTreeMap::<&str, usize>::new();
        for (list, id) in ids {
            let n = counters.entry(list).or_default();
            let f = format!("protocol.{list}[{n}].id");
            *n += 1;
            if id.trim().is_empty() {
                e.push(f, "Enter an id");
            } else if !rule_ids.insert(id) {
                e.push(f, "Rule ids must be unique within a protocol");
            }
        }

        for (i, r) in self.rules.iter().enumerate() {
            self.check_rule(&format!("protocol.rules[{i}]"), r, &mut e);
        }
        for (i, w) in self.prep_windows.iter().enumerate() {
            let f = format!("protocol.prep_windows[{i}]");
            self.check_question(
                &format!("{f}.question"),
                &w.question,
                AnswerKind::Date,
                &mut e,
            );
            if w.days == 0 || w.days > MAX_DAYS.unsigned_abs() {
                e.push(format!("{f}.days"), "Use 1 to 3660 days");
            }
            if w.text.trim().is_empty() {
                e.push(format!("{f}.text"), "Enter the text shown to the client");
            }
        }
        for (i, c) in self.care.iter().enumerate() {
            self.check_care(&format!("protocol.care[{i}]"), c, &mut e);
        }
        if let Some(s) = &self.series {
            if s.sessions == 0 {
                e.push(
                    "protocol.series.sessions",
                    "A series has at least one session",
                );
            }
            if s.min_interval_weeks == 0 || s.min_interval_weeks > s.max_interval_weeks {
                e.push(
                    "protocol.series.min_interval_weeks",
                    "Use at least 1 week, and no more than the longest interval",
                );
            }
            if s.max_interval_weeks > 520 {
                e.push(
                    "protocol.series.max_interval_weeks",
                    "Use at most 520 weeks",
                );
            }
        }
        if let Some(d) = &self.downtime
            && (d.min_days > d.max_days || d.max_days > MAX_DAYS.unsigned_abs())
        {
            e.push(
                "protocol.downtime.min_days",
                "The shortest downtime cannot exceed the longest",
            );
        }
        e.into_result()
    }

    fn check_question(&self, field: &str, id: &str, kind: AnswerKind, e: &mut InvalidInput) {
        match self.question(id) {
            None => e.push(field, "No screening question has this id"),
            Some(q) if q.kind != kind => e.push(
                field,
                match kind {
                    AnswerKind::YesNo => "This rule needs a yes/no question",
                    AnswerKind::Date => "This rule needs a date question",
                    AnswerKind::Choice => "This rule needs a choice question",
                },
            ),
            Some(_) => {}
        }
    }

    /// Whether any rule, prep window or care condition reads question `id`.
    pub fn reads(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.when.question() == id)
            || self.prep_windows.iter().any(|w| w.question == id)
            || self
                .care
                .iter()
                .any(|c| c.only_if.as_ref().is_some_and(|o| o.question == id))
    }

    fn check_rule(&self, f: &str, r: &Rule, e: &mut InvalidInput) {
        let q = format!("{f}.when.question");
        if r.outcome == RuleOutcome::Reschedule
            && r.retry_after.is_none()
            && !matches!(r.when, Condition::DateWithin { .. })
        {
            e.push(
                format!("{f}.retry_after"),
                "A temporary refusal says after how long the client may book again",
            );
        }
        match &r.when {
            Condition::Choice { question, any_of } => {
                self.check_question(&q, question, AnswerKind::Choice, e);
                if let Some(qn) = self.question(question)
                    && (any_of.is_empty() || any_of.iter().any(|v| !qn.has_option(v)))
                {
                    e.push(
                        format!("{f}.when.any_of"),
                        "Use one or more of the question's option values",
                    );
                }
            }
            Condition::Yes { question } => self.check_question(&q, question, AnswerKind::YesNo, e),
            Condition::DateWithin {
                question,
                at_least,
                less_than,
            } => {
                self.check_question(&q, question, AnswerKind::Date, e);
                let reference = date(2000, 1, 1);
                if !period_ok(*less_than) || at_least.is_some_and(|p| !period_ok(p)) {
                    e.push(
                        format!("{f}.when.less_than"),
                        "Use a period of at most 10 years",
                    );
                } else if less_than.after(reference) <= reference
                    || at_least.is_some_and(|p| p.after(reference) >= less_than.after(reference))
                {
                    e.push(
                        format!("{f}.when.less_than"),
                        "The window must end after it starts",
                    );
                }
            }
        }
        if r.retry_after.is_some_and(|p| !period_ok(p)) {
            e.push(
                format!("{f}.retry_after"),
                "Use a period of at most 10 years",
            );
        }
        if r.text.trim().is_empty() {
            e.push(format!("{f}.text"), "Enter the text shown to the client");
        }
    }

    fn check_care(&self, f: &str, c: &CareRule, e: &mut InvalidInput) {
        let in_range = |d: i32| (-MAX_DAYS..=MAX_DAYS).contains(&d);
        if !in_range(c.from_day) || c.to_day.is_some_and(|t| !in_range(t)) {
            e.push(format!("{f}.from_day"), "Use offsets within 3660 days");
        }
        if c.to_day.is_some_and(|t| t < c.from_day) {
            e.push(format!("{f}.to_day"), "A range cannot end before it starts");
        }
        let phase_ok = match c.phase {
            Phase::Before => c.from_day < 0,
            Phase::Day => c.from_day == 0,
            Phase::After | Phase::CheckIn => c.from_day >= 0,
        };
        if !phase_ok {
            e.push(
                format!("{f}.phase"),
                "Before steps start before day 0, day steps on day 0, after-care from day 0 on",
            );
        }
        if let Some(cond) = &c.only_if {
            self.check_question(
                &format!("{f}.only_if.question"),
                &cond.question,
                AnswerKind::YesNo,
                e,
            );
        }
        if c.title.trim().is_empty() {
            e.push(format!("{f}.title"), "Enter a title");
        }
    }
}

fn period_ok(p: Period) -> bool {
    match p {
        Period::Days(n) => n <= MAX_DAYS.unsigned_abs(),
        Period::Weeks(n) => n <= 520,
        Period::Months(n) => n <= 120,
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
