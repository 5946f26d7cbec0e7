//! The records of the check and act phases, judged against the date of the analysis: the
//! audit programme and what it covers within the audit cycle (clause 9.2), the state of each
//! nonconformity and its actions (clause 10.2), the management reviews (clause 9.3).
//!
//! - **The audit programme** is every `audit`, planned or performed, in date order (an audit
//!   stands at its `performed` date, else at its `planned` one). Its **cycle** is the
//!   `[audit] cycle` of `isms.toml` (three years by default), counted in whole cycles from the
//!   date of the programme's first audit: the current cycle is the one that holds the date of
//!   the analysis (the first one before the programme starts).
//! - **What the programme must cover**: every top-level clause of the standard's
//!   management-system clauses and every applicable requirement of the SoA. An audit covers a
//!   clause when it names the clause or one of its subclauses, and a requirement when it names
//!   the requirement or a control that satisfies it. Within the current cycle an item is
//!   `audited` (an audit that covers it was performed), `planned` (one is planned and not yet
//!   due), `overdue` (one was planned and its date passed unperformed) or `missing`.
//! - **A nonconformity** is `open` or `closed` as its `status` says; an open one is
//!   `overdue` when one of its actions is. **An action** is `done` once it has a `done` date,
//!   `overdue` when its `due` date passed before that, and `open` otherwise.

use crate::facts::index::{Field, Node, RefIndex};
use crate::facts::soa::{Applicability, Soa};
use crate::model::{
    Action, ClauseId, Data, EntityId, FindingStatus, Kind, Model, ReqId, Subject, REVIEW_INPUTS,
};
use crate::syntax::ast::{Date, Duration, DurationUnit};

/// What the records are judged against.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The date of the analysis (`--today`).
    pub today: Date,
    /// `[audit] cycle`.
    pub audit_cycle: Duration,
    /// `[management_review] interval`.
    pub review_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            today: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            audit_cycle: crate::manifest::DEFAULT_AUDIT_CYCLE,
            review_interval: crate::manifest::DEFAULT_REVIEW_INTERVAL,
        }
    }
}

/// The records of one analysis.
#[derive(Clone, Debug, Default)]
pub struct Records {
    /// What they were judged against.
    pub settings: Settings,
    /// The audit programme.
    pub programme: Programme,
    /// Every nonconformity, in model order.
    pub findings: Vec<Finding>,
    /// Every management review, by date held (then model order).
    pub reviews: Vec<ReviewState>,
    /// The latest review held on or before the date of the analysis.
    pub last_review: Option<EntityId>,
    /// When the next review is due: the last one's date plus the interval.
    pub next_review_due: Option<Date>,
}

/// The audit programme.
#[derive(Clone, Debug, Default)]
pub struct Programme {
    /// Every audit, by date (an audit without a date last), then model order.
    pub audits: Vec<AuditEntry>,
    /// The current cycle; `None` without a dated audit.
    pub cycle: Option<Cycle>,
    /// What the programme must cover: the top-level clauses in catalogue order, then the
    /// applicable requirements in SoA order.
    pub items: Vec<ProgrammeItem>,
}

/// One cycle of the programme: from `start` up to, not including, `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Its first day.
    pub start: Date,
    /// The first day after it.
    pub end: Date,
}

impl Cycle {
    /// Whether `d` falls in the cycle.
    pub fn holds(&self, d: Date) -> bool {
        self.start <= d && d < self.end
    }

    /// Its last day.
    pub fn last_day(&self) -> Date {
        Date::from_day_number(self.end.day_number() - 1)
    }
}

/// Where an audit stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditState {
    /// It was performed.
    Performed,
    /// It is planned and not yet due.
    Planned,
    /// Its planned date passed and it was not performed.
    Overdue,
}

impl AuditState {
    /// `performed`, `planned` or `overdue`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditState::Performed => "performed",
            AuditState::Planned => "planned",
            AuditState::Overdue => "overdue",
        }
    }
}

/// One audit of the programme.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// The audit.
    pub audit: EntityId,
    /// Where it stands in the programme: performed, else planned.
    pub date: Option<Date>,
    /// Its state.
    pub state: AuditState,
    /// Whether it falls in the current cycle.
    pub in_cycle: bool,
    /// The nonconformities found in it, in model order.
    pub findings: Vec<EntityId>,
}

/// Something the programme must cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Covered {
    /// A top-level clause.
    Clause(ClauseId),
    /// An applicable requirement of the SoA.
    Requirement(ReqId),
}

/// How an item is covered within the current cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemState {
    /// An audit that covers it was performed.
    Audited,
    /// An audit that covers it is planned and not yet due.
    Planned,
    /// An audit that covers it was planned and its date passed unperformed.
    Overdue,
    /// No audit of the cycle covers it.
    Missing,
}

impl ItemState {
    /// `audited`, `planned`, `overdue` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Audited => "audited",
            ItemState::Planned => "planned",
            ItemState::Overdue => "overdue",
            ItemState::Missing => "missing",
        }
    }
}

/// One item of the programme and the audits that cover it.
#[derive(Clone, Debug)]
pub struct ProgrammeItem {
    /// The clause or requirement.
    pub item: Covered,
    /// The audits that cover it, as indices into [`Programme::audits`], in date order.
    pub audits: Vec<usize>,
    /// The latest performed of them.
    pub last: Option<usize>,
    /// The first of them not performed.
    pub next: Option<usize>,
    /// How it is covered within the current cycle.
    pub state: ItemState,
}

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionState {
    /// It has a `done` date.
    Done,
    /// It is not done and not yet due.
    Open,
    /// Its due date passed before it was done.
    Overdue,
}

impl ActionState {
    /// `done`, `open` or `overdue`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Done => "done",
            ActionState::Open => "open",
            ActionState::Overdue => "overdue",
        }
    }

    /// The state of `a` on `today`.
    pub fn of(a: &Action, today: Date) -> ActionState {
        match (a.done, a.due) {
            (Some(_), _) => ActionState::Done,
            (None, Some(due)) if due < today => ActionState::Overdue,
            _ => ActionState::Open,
        }
    }
}

/// Where a nonconformity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingState {
    /// Open, no action overdue.
    Open,
    /// Open, with an action past its due date.
    Overdue,
    /// Closed.
    Closed,
}

impl FindingState {
    /// `open`, `overdue` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::Open => "open",
            FindingState::Overdue => "overdue",
            FindingState::Closed => "closed",
        }
    }
}

/// One nonconformity.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The nonconformity.
    pub nc: EntityId,
    /// Its state.
    pub state: FindingState,
    /// The state of each of its actions, in written order.
    pub actions: Vec<ActionState>,
}

/// One management review.
#[derive(Clone, Debug)]
pub struct ReviewState {
    /// The review.
    pub review: EntityId,
    /// Whether it was held (its date is not after the date of the analysis).
    pub held: bool,
    /// The inputs of 9.3.2 it does not record, as field names of `inputs`; none for a review
    /// not yet held.
    pub missing_inputs: Vec<&'static str>,
    /// The state of each of its actions, in written order.
    pub actions: Vec<ActionState>,
}

impl Records {
    /// The records of a resolved model.
    pub(super) fn derive(
        model: &Model,
        index: &RefIndex,
        soa: Option<&Soa>,
        settings: Settings,
    ) -> Records {
        let today = settings.today;
        let programme = programme(model, index, soa, settings);
        let mut findings = Vec::new();
        for (id, e) in model.of_kind(Kind::Nonconformity) {
            let Data::Nonconformity(n) = &e.data else {
                continue;
            };
            let actions: Vec<ActionState> = n
                .actions
                .iter()
                .map(|a| ActionState::of(a, today))
                .collect();
            let closed = n.status.map(|s| s.value) == Some(FindingStatus::Closed);
            let state = if closed {
                FindingState::Closed
            } else if actions.contains(&ActionState::Overdue) {
                FindingState::Overdue
            } else {
                FindingState::Open
            };
            findings.push(Finding {
                nc: id,
                state,
                actions,
            });
        }
        let mut reviews: Vec<(Option<Date>, ReviewState)> = Vec::new();
        for (id, e) in model.of_kind(Kind::Review) {
            let Data::Review(r) = &e.data else { continue };
            let held = r.held.is_some_and(|d| d <= today);
            let missing_inputs = if held {
                REVIEW_INPUTS
                    .iter()
                    .map(|(name, _, _)| *name)
                    .filter(|name| {
                        !r.inputs.as_ref().is_some_and(|i| {
                            i.given
                                .iter()
                                .any(|(n, t)| n == name && !t.content.trim().is_empty())
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            reviews.push((
                r.held,
                ReviewState {
                    review: id,
                    held,
                    missing_inputs,
                    actions: r
                        .actions
                        .iter()
                        .map(|a| ActionState::of(a, today))
                        .collect(),
                },
            ));
        }
        // Stable: reviews of one date keep model order; undated ones come last.
        reviews.sort_by_key(|(d, _)| (d.is_none(), *d));
        let last = reviews
            .iter()
            .filter(|(d, r)| r.held && d.is_some())
            .max_by_key(|(d, _)| *d);
        let last_review = last.map(|(_, r)| r.review);
        let next_review_due = last
            .and_then(|(d, _)| *d)
            .map(|d| d.plus(settings.review_interval));
        Records {
            settings,
            programme,
            findings,
            reviews: reviews.into_iter().map(|(_, r)| r).collect(),
            last_review,
            next_review_due,
        }
    }

    /// The record of nonconformity `nc`.
    pub fn finding(&self, nc: EntityId) -> Option<&Finding> {
        self.findings.iter().find(|f| f.nc == nc)
    }

    /// The record of review `review`.
    pub fn review(&self, review: EntityId) -> Option<&ReviewState> {
        self.reviews.iter().find(|r| r.review == review)
    }

    /// The nonconformities raised against control `control`, directly or through a
    /// requirement it satisfies, in model order, each once.
    pub fn against_control(
        &self,
        model: &Model,
        index: &RefIndex,
        control: EntityId,
    ) -> Vec<EntityId> {
        let mut out: Vec<EntityId> = index
            .referring(Node::Entity(control), Field::Against)
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        if let Some(Data::Control(c)) = model.entity(control).map(|e| &e.data) {
            for r in c.satisfies.iter().filter_map(|q| q.target) {
                out.extend(
                    index
                        .referring(Node::Requirement(r), Field::Against)
                        .into_iter()
                        .map(|(e, _)| e),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The start of the cycle that holds `today`, counted in whole cycles from `first` (`first`
/// itself when `today` is before it).
pub fn cycle_of(first: Date, cycle: Duration, today: Date) -> Cycle {
    let times = |k: u32| Duration {
        amount: cycle.amount.saturating_mul(k),
        unit: cycle.unit,
    };
    let at = |k: u32| first.plus(times(k));
    let mut k: u32 = 0;
    if today > first && cycle.amount > 0 {
        // The whole cycles between the two dates, from the calendar, then corrected by a
        // step where a month's end was clamped.
        let amount = i64::from(cycle.amount);
        let est = match cycle.unit {
            DurationUnit::Days | DurationUnit::Weeks => {
                let len = if cycle.unit == DurationUnit::Weeks {
                    amount * 7
                } else {
                    amount
                };
                (today.day_number() - first.day_number()) / len
            }
            DurationUnit::Months | DurationUnit::Years => {
                let len = if cycle.unit == DurationUnit::Years {
                    amount * 12
                } else {
                    amount
                };
                let months = |d: Date| i64::from(d.year) * 12 + i64::from(d.month);
                (months(today) - months(first)) / len
            }
        };
        k = u32::try_from(est.max(0)).unwrap_or(u32::MAX / 2);
        for _ in 0..3 {
            if k > 0 && at(k) > today {
                k -= 1;
            }
        }
        for _ in 0..3 {
            if at(k.saturating_add(1)) <= today {
                k += 1;
            }
        }
    }
    let start = at(k);
    let mut end = at(k.saturating_add(1));
    if end <= start {
        // A cycle that reaches the end of the calendar.
        end = Date::from_day_number(start.day_number() + 1);
    }
    Cycle { start, end }
}

fn programme(model: &Model, index: &RefIndex, soa: Option<&Soa>, settings: Settings) -> Programme {
    let today = settings.today;
    let mut audits: Vec<AuditEntry> = Vec::new();
    for (id, e) in model.of_kind(Kind::Audit) {
        let Data::Audit(a) = &e.data else { continue };
        let state = match (a.performed, a.planned) {
            (Some(_), _) => AuditState::Performed,
            (None, Some(p)) if p < today => AuditState::Overdue,
            _ => AuditState::Planned,
        };
        let findings = index
            .referring(Node::Entity(id), Field::Source)
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        audits.push(AuditEntry {
            audit: id,
            date: a.date(),
            state,
            in_cycle: false,
            findings,
        });
    }
    audits.sort_by_key(|a| (a.date.is_none(), a.date));
    let cycle = audits
        .iter()
        .filter_map(|a| a.date)
        .min()
        .map(|first| cycle_of(first, settings.audit_cycle, today));
    for a in &mut audits {
        a.in_cycle = matches!((cycle, a.date), (Some(c), Some(d)) if c.holds(d));
    }

    // What each audit covers: top-level clauses and requirements.
    let clause_count = model.clauses.len();
    let req_count = model.requirements.len();
    let mut by_clause: Vec<Vec<usize>> = vec![Vec::new(); clause_count];
    let mut by_req: Vec<Vec<usize>> = vec![Vec::new(); req_count];
    for (i, entry) in audits.iter().enumerate() {
        let Some(Data::Audit(a)) = model.entity(entry.audit).map(|e| &e.data) else {
            continue;
        };
        let push = |list: Option<&mut Vec<usize>>| {
            if let Some(list) = list {
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        };
        for s in &a.covers {
            match s {
                Subject::Clause(c) => {
                    if let Some(top) = c.target.and_then(|t| model.clause(t)).map(|c| c.top) {
                        push(by_clause.get_mut(top.0 as usize));
                    }
                }
                Subject::Requirement(r) => {
                    if let Some(t) = r.target {
                        push(by_req.get_mut(t.0 as usize));
                    }
                }
                Subject::Entity(l) => {
                    let Some(Data::Control(c)) = model.target(l).map(|e| &e.data) else {
                        continue;
                    };
                    for t in c.satisfies.iter().filter_map(|q| q.target) {
                        push(by_req.get_mut(t.0 as usize));
                    }
                }
            }
        }
    }

    let mut items = Vec::new();
    for (id, c) in model.clauses_in_use() {
        if c.parent.is_none() {
            let list = by_clause.get(id.0 as usize).cloned().unwrap_or_default();
            items.push(item(Covered::Clause(id), list, &audits, cycle));
        }
    }
    for row in soa.map(|s| s.rows.as_slice()).unwrap_or(&[]) {
        if row.applicability == Applicability::Applicable {
            let list = by_req.get(row.req.0 as usize).cloned().unwrap_or_default();
            items.push(item(Covered::Requirement(row.req), list, &audits, cycle));
        }
    }
    Programme {
        audits,
        cycle,
        items,
    }
}

fn item(
    covered: Covered,
    mut list: Vec<usize>,
    audits: &[AuditEntry],
    cycle: Option<Cycle>,
) -> ProgrammeItem {
    list.sort_unstable();
    let last = list.iter().rev().copied().find(|&i| {
        audits
            .get(i)
            .is_some_and(|a| a.state == AuditState::Performed)
    });
    let next = list.iter().copied().find(|&i| {
        audits
            .get(i)
            .is_some_and(|a| a.state != AuditState::Performed)
    });
    let in_cycle = |i: &usize| audits.get(*i).is_some_and(|a| a.in_cycle);
    let states: Vec<AuditState> = list
        .iter()
        .filter(|i| in_cycle(i))
        .filter_map(|i| audits.get(*i).map(|a| a.state))
        .collect();
    let state = if cycle.is_none() {
        ItemState::Missing
    } else if states.contains(&AuditState::Performed) {
        ItemState::Audited
    } else if states.contains(&AuditState::Planned) {
        ItemState::Planned
    } else if states.contains(&AuditState::Overdue) {
        ItemState::Overdue
    } else {
        ItemState::Missing
    };
    ProgrammeItem {
        item: covered,
        audits: list,
        last,
        next,
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date {
            year: 1,
            month: 1,
            day: 1,
        })
    }

    const Y3: Duration = Duration {
        amount: 3,
        unit: DurationUnit::Years,
    };

    #[test]
    fn the_cycle_holds_today() {
        let c = cycle_of(d("2026-03-10"), Y3, d("2026-11-22"));
        assert_eq!((c.start, c.end), (d("2026-03-10"), d("2029-03-10")));
        let c = cycle_of(d("2026-03-10"), Y3, d("2029-03-10"));
        assert_eq!((c.start, c.end), (d("2029-03-10"), d("2032-03-10")));
        let c = cycle_of(d("2026-03-10"), Y3, d("2029-03-09"));
        assert_eq!(c.start, d("2026-03-10"));
        let c = cycle_of(d("2026-03-10"), Y3, d("2020-01-01"));
        assert_eq!(c.start, d("2026-03-10"));
        assert_eq!(c.last_day(), d("2029-03-09"));
    }

    #[test]
    fn a_short_cycle_far_from_the_start_is_found_in_a_few_steps() {
        let day = Duration {
            amount: 1,
            unit: DurationUnit::Days,
        };
        let c = cycle_of(d("0001-01-01"), day, d("9000-06-15"));
        assert_eq!((c.start, c.end), (d("9000-06-15"), d("9000-06-16")));
        // At the end of the calendar the cycle still ends after it starts.
        let c = cycle_of(d("0001-01-01"), day, d("9999-12-31"));
        assert!(c.start < c.end || c.start.year == 9999);
        let month = Duration {
            amount: 1,
            unit: DurationUnit::Months,
        };
        let c = cycle_of(d("2000-01-31"), month, d("2026-03-15"));
        assert_eq!(c.start, d("2026-02-28"));
    }
}
