//! Document control: whether each controlled document is approved, a draft or overdue for
//! review on `--today`. The controlled documents are the policies and the documents `ismsc`
//! writes itself (the SoA, the risk register, the treatment plan), each under its `document`
//! item. Emitters mark a draft or an overdue document as such on every page and in the file
//! metadata; the checks report an overdue review (W0601, W0705).

use crate::model::{DocKind, Document, Model, Policy};
use crate::syntax::ast::{Date, Duration};

/// Where a controlled document stands on `--today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Approved and within its review interval: a controlled copy.
    Approved,
    /// Not approved (no `approved` sign-off, or no `document` item at all): a draft.
    Draft,
    /// Approved, but its next review date has passed.
    Overdue,
}

impl State {
    /// `"approved"`, `"draft"`, `"overdue"`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Approved => "approved",
            State::Draft => "draft",
            State::Overdue => "overdue",
        }
    }

    /// The marking printed on every page of a document that is not a controlled copy:
    /// `DRAFT`, `OVERDUE`, or none.
    pub fn marking(self) -> Option<&'static str> {
        match self {
            State::Approved => None,
            State::Draft => Some("DRAFT"),
            State::Overdue => Some("OVERDUE"),
        }
    }
}

/// The control state of one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Controlled {
    /// Approved, draft or overdue.
    pub state: State,
    /// The date of the latest approval.
    pub approved_on: Option<Date>,
    /// When it is next due for review: the latest approval (else the effective date) plus the
    /// review interval.
    pub next_review: Option<Date>,
}

impl Controlled {
    fn of(
        approved: Option<Date>,
        effective: Option<Date>,
        review: Option<Duration>,
        today: Date,
    ) -> Controlled {
        let next_review = approved.or(effective).zip(review).map(|(d, r)| d.plus(r));
        let state = match (approved, next_review) {
            (None, _) => State::Draft,
            (Some(_), Some(due)) if due < today => State::Overdue,
            (Some(_), _) => State::Approved,
        };
        Controlled {
            state,
            approved_on: approved,
            next_review,
        }
    }

    /// The state of a policy.
    pub fn policy(p: &Policy, today: Date) -> Controlled {
        Controlled::of(
            p.approved.as_ref().map(|a| a.date),
            p.effective,
            p.review,
            today,
        )
    }

    /// The state of a document `ismsc` writes, under its `document` item if declared.
    pub fn document(d: Option<&Document>, today: Date) -> Controlled {
        match d {
            Some(d) => Controlled::of(
                d.approved.iter().map(|a| a.date).max(),
                d.effective,
                d.review,
                today,
            ),
            None => Controlled {
                state: State::Draft,
                approved_on: None,
                next_review: None,
            },
        }
    }
}

/// The control state of the documents `ismsc` writes, judged on `today`.
#[derive(Clone, Debug)]
pub struct Control {
    /// The day the states are judged on (`--today`).
    pub today: Date,
    /// One per [`DocKind::ALL`], in that order.
    documents: [Controlled; 3],
}

impl Default for Control {
    fn default() -> Self {
        let draft = Controlled::document(None, EPOCH);
        Control {
            today: EPOCH,
            documents: [draft; 3],
        }
    }
}

/// The day of a default [`Control`], before any derivation.
const EPOCH: Date = Date {
    year: 1970,
    month: 1,
    day: 1,
};

impl Control {
    /// Derives the state of every document `ismsc` writes. Only [`super::Facts::derive`]
    /// calls it.
    pub(super) fn derive(model: &Model, today: Date) -> Control {
        Control {
            today,
            documents: DocKind::ALL.map(|k| Controlled::document(model.document(k), today)),
        }
    }

    /// The state of one of the documents `ismsc` writes.
    pub fn document(&self, kind: DocKind) -> Controlled {
        let [soa, register, plan] = self.documents;
        match kind {
            DocKind::Soa => soa,
            DocKind::RiskRegister => register,
            DocKind::TreatmentPlan => plan,
        }
    }

    /// The state of a policy on the same day.
    pub fn policy(&self, p: &Policy) -> Controlled {
        Controlled::policy(p, self.today)
    }
}
