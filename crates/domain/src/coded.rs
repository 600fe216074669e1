//! What every fixed list of values (`value_list!` in `model.rs`) has in common.

/// A fixed list of values with stable codes, for code that reads or documents any of them
/// alike (the API's parsers and schemas).
pub trait Coded: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
    /// The codes, in order.
    fn codes() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.code()).collect()
    }
}
