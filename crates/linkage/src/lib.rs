//! Record linkage for Eropaf: know when two records are the same person, Dutch-aware and
//! explainable. No IO: the caller reads files and passes records in.
//!
//! - [`normalize`]: Dutch normalisation (prefixes, ij/y, diacritics, initials, house-number
//!   letters and additions, postcodes, phones, dates in any order).
//! - [`compare`]: graded comparators per field.
//! - [`model`]: Fellegi–Sunter weights, EM estimation, term frequencies, explanations.
//! - [`blocking`]: the blocking rules and the count of pairs each adds.
//! - [`batch`]: link mode, dedupe mode and clusters; [`online`]: one record against a population.

pub mod batch;
pub mod blocking;
pub mod compare;
pub mod model;
pub mod normalize;
pub mod online;
mod parallel;
pub mod role;
pub mod similarity;

pub use batch::{clusters, dedupe, link, Linked, Options, Report, ScoredPair};
pub use compare::{fields_for, Field};
pub use model::{Explanation, Model, TermFrequencies};
pub use normalize::Normalized;
pub use online::{Candidate, Index};
pub use role::{RawRecord, Role};
