//! Read models that combine features: they read across several features in one transaction
//! and belong to none of them. Features never import a view.

pub mod my_day;
