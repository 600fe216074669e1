//! Eropaf's domain: the types and rules of outreach work, without IO.
//! Input becomes a parsed value at the edge (`Postcode::parse`); time is always a parameter.

pub mod address;
pub mod area;
pub mod bsn;
pub mod campaign;
pub mod case;
pub mod cbs;
pub mod coded;
pub mod contact;
pub mod csv;
pub mod date;
pub mod error;
pub mod local;
pub mod model;
pub mod name;
pub mod signal;
pub mod text;

pub use address::{HouseNumber, Postcode, RdPoint};
pub use area::AreaCode;
pub use bsn::Bsn;
pub use date::parse_date;
pub use error::ParseError;
pub use name::PersonName;
