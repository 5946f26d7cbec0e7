//! Facts: what the compiler derives from the resolved model, once per analysis.
//!
//! - [`index`]: the reference index, the resolved graph of who refers to what, from where and
//!   by which field (petgraph);
//! - [`soa`]: the Statement of Applicability, derived from the index;
//! - [`register`]: the risks' scores under the method, and the treatment plan;
//! - [`coverage`]: the coverage of each framework the project opts into, graded;
//! - [`records`]: the audit programme and its cycle, the state of nonconformities, actions
//!   and management reviews, judged against the date of the analysis.
//!
//! **Architecture Invariant:** every check, emitter and the language server reads these; none
//! derives them again or builds a reverse index of its own. The derivations are `pub(super)`,
//! so only [`Facts::derive`] can call them.

pub mod coverage;
pub mod index;
pub mod records;
pub mod register;
pub mod soa;

use crate::model::Model;

pub use index::{Field, Node, Ref, RefIndex, Site};
pub use records::{Records, Settings};
pub use register::{Assessed, Plan, Register};
pub use soa::Soa;

/// The facts of one analysis.
#[derive(Debug, Default)]
pub struct Facts {
    /// The reference index.
    pub index: RefIndex,
    /// The SoA of the project's standard; `None` without a known standard.
    pub soa: Option<Soa>,
    /// The assessed risks.
    pub register: Register,
    /// The risk treatment plan.
    pub plan: Plan,
    /// The coverage of each opted-in framework, in the order opted in.
    pub coverage: Vec<coverage::Coverage>,
    /// The records of audits, nonconformities and reviews, judged against the settings.
    pub records: Records,
}

impl Facts {
    /// Derives every fact of a resolved model; what depends on time is judged against
    /// `settings`.
    pub fn derive(model: &Model, settings: Settings) -> Facts {
        let index = RefIndex::build(model);
        let soa = soa::derive(model, &index);
        let register = Register::derive(model);
        let plan = Plan::derive(model, &register);
        let coverage = coverage::derive(model, &index, soa.as_ref());
        let records = Records::derive(model, &index, soa.as_ref(), settings);
        Facts {
            index,
            soa,
            register,
            plan,
            coverage,
            records,
        }
    }
}
