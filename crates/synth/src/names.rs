//! Names of residents and professionals as they occur in a Dutch municipality: Dutch names with
//! surname prefixes, and names common among residents of Moroccan, Turkish, Surinamese and Polish descent.

use crate::{pick, pick_weighted};
use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Dutch,
    Moroccan,
    Turkish,
    Surinamese,
    Polish,
}

impl Origin {
    /// Roughly the shares of these name traditions among Dutch residents.
    pub(crate) fn draw(rng: &mut impl Rng) -> Origin {
        pick_weighted(
            rng,
            &[(Origin::Dutch, 76), (Origin::Moroccan, 7), (Origin::Turkish, 6), (Origin::Surinamese, 6), (Origin::Polish, 5)],
        )
    }

    fn given_names(self, female: bool) -> &'static [&'static str] {
        match (self, female) {
            (Origin::Dutch, false) => DUTCH_MALE,
            (Origin::Dutch, true) => DUTCH_FEMALE,
            (Origin::Moroccan, false) => MOROCCAN_MALE,
            (Origin::Moroccan, true) => MOROCCAN_FEMALE,
            (Origin::Turkish, false) => TURKISH_MALE,
            (Origin::Turkish, true) => TURKISH_FEMALE,
            (Origin::Surinamese, false) => SURINAMESE_MALE,
            (Origin::Surinamese, true) => SURINAMESE_FEMALE,
            (Origin::Polish, false) => POLISH_MALE,
            (Origin::Polish, true) => POLISH_FEMALE,
        }
    }
}

/// A family name as the BRP holds it: prefix (tussenvoegsel) apart from the surname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FamilyName {
    pub prefix: &'static str,
    pub surname: String,
    pub origin: Origin,
}

impl FamilyName {
    pub(crate) fn draw(rng: &mut impl Rng, origin: Origin) -> FamilyName {
        let (prefix, surname) = match origin {
            // About a third of Dutch surnames carry a prefix; drawn apart so the share holds.
            Origin::Dutch if rng.gen_bool(0.33) => *pick(rng, DUTCH_PREFIXED),
            Origin::Dutch => ("", *pick(rng, DUTCH_PLAIN)),
            Origin::Moroccan => *pick(rng, MOROCCAN_SURNAMES),
            Origin::Turkish => ("", *pick(rng, TURKISH_SURNAMES)),
            Origin::Surinamese => *pick(rng, SURINAMESE_SURNAMES),
            Origin::Polish => ("", *pick(rng, POLISH_SURNAMES)),
        };
        FamilyName { prefix, surname: surname.to_string(), origin }
    }

    /// Polish surnames in -ski/-cki take -ska/-cka for women, also when shared within a family.
    pub(crate) fn for_person(&self, female: bool) -> String {
        if female && self.origin == Origin::Polish {
            for (male, fem) in [("ski", "ska"), ("cki", "cka")] {
                if let Some(stem) = self.surname.strip_suffix(male) {
                    return format!("{stem}{fem}");
                }
            }
        }
        self.surname.clone()
    }
}

/// One or more given names; Dutch registers often hold two or three ("Johannes Cornelis").
pub(crate) fn given_names(rng: &mut impl Rng, origin: Origin, female: bool) -> String {
    let list = origin.given_names(female);
    let count = match origin {
        Origin::Dutch => pick_weighted(rng, &[(1, 50), (2, 38), (3, 12)]),
        _ => pick_weighted(rng, &[(1, 80), (2, 20)]),
    };
    let mut names: Vec<&str> = Vec::with_capacity(count);
    for _ in 0..count * 3 {
        if names.len() == count {
            break;
        }
        let name = *pick(rng, list);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(" ")
}

/// A login name like "jvdberg": first initial, prefix initials, surname, plain lowercase ASCII.
pub(crate) fn username_base(given: &str, prefix: &str, surname: &str) -> String {
    let mut out = String::new();
    if let Some(c) = given.chars().next() {
        out.push_str(&fold_ascii(&c.to_string()));
    }
    for word in prefix.split_whitespace() {
        if let Some(c) = word.chars().find(|c| c.is_alphabetic()) {
            out.push_str(&fold_ascii(&c.to_string()));
        }
    }
    out.push_str(&fold_ascii(surname));
    out.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Drops diacritics the way partner systems limited to ASCII do ("Şahin" → "Sahin").
pub(crate) fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'ą' => "a",
            'Á' | 'À' | 'Â' | 'Ä' | 'Ą' => "A",
            'é' | 'è' | 'ê' | 'ë' | 'ę' => "e",
            'É' | 'È' | 'Ê' | 'Ë' | 'Ę' => "E",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'Í' | 'Ì' | 'Î' | 'Ï' | 'İ' => "I",
            'ó' | 'ò' | 'ô' | 'ö' => "o",
            'Ó' | 'Ò' | 'Ô' | 'Ö' => "O",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'Ú' | 'Ù' | 'Û' | 'Ü' => "U",
            'ç' | 'ć' => "c",
            'Ç' | 'Ć' => "C",
            'ş' | 'ś' => "s",
            'Ş' | 'Ś' => "S",
            'ğ' => "g",
            'Ğ' => "G",
            'ł' => "l",
            'Ł' => "L",
            'ń' => "n",
            'Ń' => "N",
            'ź' | 'ż' => "z",
            'Ź' | 'Ż' => "Z",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(folded);
    }
    out
}

pub(crate) const DUTCH_MALE: &[&str] = &[
    "Jan", "Pieter", "Kees", "Hendrik", "Willem", "Johannes", "Cornelis", "Gerrit", "Dirk", "Bram", "Daan", "Sem", "Lucas",
    "Thijs", "Jeroen", "Marco", "Ruud", "Henk", "Sander", "Bas", "Tim", "Niels", "Erik", "Frank", "Joost", "Mark", "Ties",
    "Finn", "Noah", "Levi", "Jesse", "Luuk", "Wim", "Ad", "Gert-Jan", "Jan-Willem", "Maarten", "Rutger", "Stijn", "Koen",
    "Teun", "Hans", "Theo", "Rob", "Arjen", "Martijn", "Wouter", "Jasper", "Sjoerd", "Freek",
];
pub(crate) const DUTCH_FEMALE: &[&str] = &[
    "Anna", "Maria", "Johanna", "Cornelia", "Wilhelmina", "Els", "Ingrid", "Marieke", "Annemarie", "Sanne", "Lotte", "Emma",
    "Julia", "Sophie", "Tess", "Fleur", "Lisa", "Anouk", "Femke", "Ilse", "Petra", "Monique", "Linda", "Saskia", "Mirjam",
    "Ria", "Truus", "Henny", "Joke", "Willemijn", "Noor", "Evi", "Mila", "Zoë", "Iris", "Esther", "Hanneke", "Karin",
    "Marloes", "Eline", "Marijke", "Gerda", "Annelies", "Yvonne", "Wendy", "Nicole", "Bianca", "Sylvia", "Anke", "Ineke",
];
const MOROCCAN_MALE: &[&str] = &[
    "Mohammed", "Mohamed", "Ahmed", "Youssef", "Karim", "Said", "Mustafa", "Abdelkader", "Hamza", "Bilal", "Rachid", "Nordin",
    "Khalid", "Omar", "Ayoub", "Adam", "Ilias", "Anouar", "Redouan", "Hassan",
];
const MOROCCAN_FEMALE: &[&str] = &[
    "Fatima", "Khadija", "Aicha", "Naima", "Samira", "Malika", "Nadia", "Hanane", "Soumaya", "Imane", "Salma", "Yasmina",
    "Latifa", "Loubna", "Zineb", "Houda", "Meryem", "Nora", "Hafsa", "Ikram",
];
const TURKISH_MALE: &[&str] = &[
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Ibrahim", "Emre", "Murat", "Kemal", "Yusuf", "Burak", "Osman",
    "Recep", "Serkan", "Erkan", "Orhan", "Cem", "Enes", "Kerem",
];
const TURKISH_FEMALE: &[&str] = &[
    "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Songül", "Esra", "Büşra", "Derya", "Özlem", "Sevgi",
    "Dilek", "Gül", "Hülya", "Selin", "Ebru", "Merve", "Sibel",
];
const SURINAMESE_MALE: &[&str] = &[
    "Ricardo", "Romano", "Dennis", "Clarence", "Rajesh", "Anil", "Ravi", "Sunil", "Marvin", "Glenn", "Errol", "Roy",
    "Steven", "Humphrey", "Rishi", "Kenneth", "Iwan", "Sergio", "Shurandy", "Giovanni",
];
const SURINAMESE_FEMALE: &[&str] = &[
    "Sharmila", "Priya", "Sita", "Anjali", "Shanti", "Jennifer", "Gail", "Natasha", "Rachel", "Chantal", "Sandra", "Angela",
    "Sabitrie", "Reshma", "Kavita", "Joyce", "Tamara", "Xiomara", "Melissa", "Gwendolyn",
];
const POLISH_MALE: &[&str] = &[
    "Piotr", "Krzysztof", "Tomasz", "Paweł", "Marcin", "Michał", "Łukasz", "Jakub", "Andrzej", "Kamil", "Mateusz",
    "Grzegorz", "Adam", "Wojciech", "Dariusz",
];
const POLISH_FEMALE: &[&str] = &[
    "Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Magdalena", "Joanna", "Monika", "Ewa", "Karolina", "Natalia",
    "Aleksandra", "Justyna", "Marta", "Beata", "Dorota",
];

pub(crate) const DUTCH_PLAIN: &[&str] = &[
    "Jansen", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker",
    "Brouwer", "Dijkstra", "Smits", "Kok", "Jacobs", "Vermeulen", "Schouten", "Willems", "Hoekstra", "Maas", "Verhoeven",
    "Koster", "Prins", "Blom", "Huisman", "Peeters", "Kuipers", "Post", "Kuiper", "Veenstra", "Kramer", "Scholten",
    "Postma", "Martens", "Vink", "Timmermans", "Groen", "Gerritsen", "Jonker", "Verbeek", "Sanders", "Willemsen", "Bosman",
    "Hermans", "Evers", "Wouters", "Klein", "Dijkman", "Boersma", "Schipper", "Molenaar", "Hoogendoorn", "Pieters",
    "Huijbregts", "Wijnands", "Zwart", "Kuijpers", "Verschuren", "Spijkerman", "IJzerman", "Rijkers", "Terpstra",
];
pub(crate) const DUTCH_PREFIXED: &[(&str, &str)] = &[
    ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("de", "Boer"), ("de", "Groot"),
    ("van", "Leeuwen"), ("de", "Wit"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("de", "Haan"),
    ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Bruin"),
    ("van der", "Heijden"), ("van", "Beek"), ("van", "Vliet"), ("van de", "Ven"), ("van", "Dam"), ("van der", "Wal"),
    ("de", "Jonge"), ("van", "Veen"), ("van den", "Brink"), ("van", "Wijk"), ("de", "Ruiter"), ("van", "Loon"),
    ("van", "Dongen"), ("'t", "Hart"), ("ter", "Horst"), ("ten", "Brink"), ("te", "Velde"), ("van 't", "Hof"),
    ("in 't", "Veld"), ("op de", "Beek"), ("van der", "Laan"), ("van", "Rijn"), ("de", "Lange"), ("van der", "Velden"),
    ("van", "Os"), ("de", "Kok"), ("van", "Schaik"), ("van den", "Bosch"), ("van", "Wijngaarden"), ("de", "Rooij"),
    ("van", "Gils"), ("ter", "Haar"), ("van der", "Pol"),
];
const MOROCCAN_SURNAMES: &[(&str, &str)] = &[
    ("el", "Amrani"), ("el", "Idrissi"), ("", "Bouzid"), ("el", "Khattabi"), ("", "Benali"), ("", "Aarab"),
    ("", "Boukhari"), ("el", "Haddaoui"), ("", "Ouali"), ("el", "Hamdaoui"), ("", "Azzouzi"), ("", "Chaouch"),
    ("", "Zaoui"), ("", "Lahlou"), ("", "Tahiri"), ("el", "Bakkali"), ("", "Ait Hammou"), ("", "Moussaoui"), ("", "Bouali"),
    ("al", "Mansouri"), ("", "Ouahabi"), ("el", "Ouardi"),
];
const TURKISH_SURNAMES: &[&str] = &[
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan",
    "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Erdoğan", "Polat", "Akın", "Güler",
];
const SURINAMESE_SURNAMES: &[(&str, &str)] = &[
    ("", "Ramdin"), ("", "Ramsaran"), ("", "Biharie"), ("", "Jagessar"), ("", "Mahabier"), ("", "Ramlal"), ("", "Sewdien"),
    ("", "Kalloe"), ("", "Pinas"), ("", "Kromodimedjo"), ("", "Sardjoe"), ("", "Abena"), ("", "Zeefuik"),
    ("", "Tjon-A-Fat"), ("", "Wijngaarde"), ("", "Doelwijt"), ("", "Breeveld"), ("", "Kasanpawiro"), ("", "Sitaldin"),
    ("", "Bhagwandin"), ("", "Linger"), ("", "Pengel"), ("van", "Ommeren"), ("", "Lie A Kwie"),
];
const POLISH_SURNAMES: &[&str] = &[
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
    "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Wojciechowski", "Kwiatkowski", "Kaczmarek",
    "Piotrowski", "Grabowski",
];

/// Every table, for the test that each name parses with the domain's `PersonName`.
#[cfg(test)]
pub(crate) fn all_given() -> Vec<&'static str> {
    [
        DUTCH_MALE, DUTCH_FEMALE, MOROCCAN_MALE, MOROCCAN_FEMALE, TURKISH_MALE, TURKISH_FEMALE, SURINAMESE_MALE,
        SURINAMESE_FEMALE, POLISH_MALE, POLISH_FEMALE,
    ]
    .concat()
}

#[cfg(test)]
pub(crate) fn all_surnames() -> Vec<(&'static str, &'static str)> {
    let plain: Vec<(&str, &str)> =
        [DUTCH_PLAIN, TURKISH_SURNAMES, POLISH_SURNAMES].concat().into_iter().map(|s| ("", s)).collect();
    [plain, DUTCH_PREFIXED.to_vec(), MOROCCAN_SURNAMES.to_vec(), SURINAMESE_SURNAMES.to_vec()].concat()
}
