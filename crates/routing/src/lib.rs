//! Walk routing (work in progress).
