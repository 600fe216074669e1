//! The roles a column can play in a record, as named in a FIELDS.toml `[columns]` table.

use serde::{Deserialize, Serialize};

macro_rules! roles {
    ($($variant:ident = $key:literal),+ $(,)?) => {
        /// What a column of an input file means for linking.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Role { $($variant),+ }

        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$variant),+];

            /// The name used in FIELDS.toml.
            pub fn key(self) -> &'static str {
                match self { $(Role::$variant => $key),+ }
            }

            pub fn parse(key: &str) -> Option<Role> {
                match key { $($key => Some(Role::$variant),)+ _ => None }
            }
        }
    };
}

roles! {
    GivenName = "given_name",
    Initials = "initials",
    SurnamePrefix = "surname_prefix",
    Surname = "surname",
    FullName = "full_name",
    BirthDate = "birth_date",
    Street = "street",
    HouseNumber = "house_number",
    HouseLetter = "house_letter",
    HouseNumberAddition = "house_number_addition",
    AddressExtra = "address_extra",
    Postcode = "postcode",
    Locality = "locality",
    Region = "region",
    Phone = "phone",
    Email = "email",
    Bsn = "bsn",
    Identifier = "identifier",
}

pub const ROLE_COUNT: usize = Role::ALL.len();

/// One input record: its id and the raw text of each role (empty when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord {
    pub id: String,
    values: [String; ROLE_COUNT],
}

impl RawRecord {
    pub fn new(id: impl Into<String>) -> RawRecord {
        RawRecord { id: id.into(), values: Default::default() }
    }

    pub fn with(mut self, role: Role, value: impl Into<String>) -> RawRecord {
        self.set(role, value);
        self
    }

    pub fn set(&mut self, role: Role, value: impl Into<String>) {
        self.values[role as usize] = value.into();
    }

    pub fn get(&self, role: Role) -> &str {
        self.values[role as usize].trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_its_key() {
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.key()), Some(role));
        }
        assert_eq!(Role::ALL.len(), 18);
        assert_eq!(Role::parse("surname "), None);
    }
}
