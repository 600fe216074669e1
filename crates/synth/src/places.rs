//! The map: a town and its villages, wijken and buurten with CBS codes, streets named after a
//! buurt's theme as Dutch towns do, postcodes per street segment, RD coordinates per front door.

use crate::{pick, pick_weighted};
use domain::model::{Address, Neighbourhood};
use domain::{AreaCode, HouseNumber, Postcode, RdPoint};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};

/// No real gemeente has CBS code 0999, so the synthetic one can never be mistaken for one.
pub(crate) const GEMEENTE: u16 = 999;

pub(crate) struct Places {
    pub gemeente: AreaCode,
    pub name: String,
    pub wijken: Vec<Neighbourhood>,
    pub buurten: Vec<Neighbourhood>,
    /// Wijk index of each buurt.
    pub buurt_wijk: Vec<usize>,
    pub addresses: Vec<Address>,
    /// Buurt index of each address.
    pub address_buurt: Vec<usize>,
    /// The address index of each household's home, in household order.
    pub homes: Vec<usize>,
    /// The first streets laid out in each wijk, for partners named after where they sit.
    pub wijk_streets: Vec<Vec<String>>,
    pub town: String,
}

/// About one wijk per 1,700 households, as in mid-sized Dutch towns.
pub(crate) fn wijk_count(households: usize) -> usize {
    ((households as f64 / 1700.0).round() as usize).clamp(3, 99)
}

struct BuurtPlan {
    wijk: usize,
    theme: usize,
    centre: (f64, f64),
    weight: f64,
}

pub(crate) fn build(rng: &mut ChaCha8Rng, households: usize) -> Places {
    let n_wijken = wijk_count(households);
    let town = pick(rng, TOWNS).to_string();
    let mut village_pool: Vec<&str> = VILLAGES.to_vec();
    village_pool.shuffle(rng);
    let mut town_wijk_pool: Vec<&str> = TOWN_WIJKEN.to_vec();
    town_wijk_pool[1..].shuffle(rng);

    // Locality 0 is the town; every third wijk is a village of its own, because outreach in a
    // village differs from the town (seed §3.3) and the demo should show both.
    let mut localities = vec![town.clone()];
    let mut wijken = Vec::with_capacity(n_wijken);
    let mut wijk_locality = Vec::with_capacity(n_wijken);
    let mut wijk_is_village = Vec::with_capacity(n_wijken);
    let (mut villages_made, mut town_wijken_made) = (0, 0);
    for w in 0..n_wijken {
        let village = w % 3 == 2;
        let name = if village {
            villages_made += 1;
            let name = nth_name(&village_pool, villages_made - 1, &["Oud-", "Nieuw-", "Groot-", "Klein-"], "");
            localities.push(name.clone());
            name
        } else {
            town_wijken_made += 1;
            nth_name(&town_wijk_pool, town_wijken_made - 1, &[], "-Noord|-Zuid|-Oost|-West")
        };
        wijk_locality.push(if village { localities.len() - 1 } else { 0 });
        wijk_is_village.push(village);
        wijken.push(Neighbourhood { code: AreaCode::wijk(GEMEENTE, (w + 1) as u8), name, deprived: false });
    }

    // Wijk centres on a grid a few km apart around Amersfoort's RD origin region.
    let side = (n_wijken as f64).sqrt().ceil().max(1.0) as usize;
    let spacing = 2600.0;
    let mid = (side as f64 - 1.0) / 2.0;
    let mut buurten = Vec::new();
    let mut plans = Vec::new();
    let mut buurt_names = HashSet::new();
    for w in 0..n_wijken {
        let (col, row) = ((w % side) as f64, (w / side) as f64);
        let centre = (
            155_000.0 + (col - mid) * spacing + rng.gen_range(-300.0..300.0),
            463_000.0 + (mid - row) * spacing + rng.gen_range(-300.0..300.0),
        );
        let count: usize = rng.gen_range(3..=8);
        let ring_offset = rng.gen_range(0.0..std::f64::consts::TAU);
        // Each buurt of a wijk gets its own theme, so no wijk has two Bloemenbuurten.
        let mut themes: Vec<usize> = (FIRST_RESIDENTIAL..THEMES.len()).collect();
        themes.shuffle(rng);
        for b in 0..count {
            let (theme, base_name) = if b == 0 {
                let name = if wijk_is_village[w] {
                    format!("{}-Dorp", wijken[w].name)
                } else if w == 0 {
                    "Binnenstad".to_string()
                } else {
                    format!("{} Centrum", wijken[w].name)
                };
                (KERN, name)
            } else if wijk_is_village[w] && b == count - 1 {
                (BUITENGEBIED, format!("Buitengebied {}", wijken[w].name))
            } else {
                let theme = themes[(b - 1) % themes.len()];
                (theme, THEMES[theme].buurt.to_string())
            };
            let mut name = base_name.clone();
            if !buurt_names.insert(name.clone()) {
                name = format!("{base_name} {}", wijken[w].name);
                let mut k = 2;
                while !buurt_names.insert(name.clone()) {
                    name = format!("{base_name} {} {k}", wijken[w].name);
                    k += 1;
                }
            }
            let centre = if b == 0 {
                centre
            } else {
                let angle = ring_offset + b as f64 * std::f64::consts::TAU / (count - 1) as f64;
                let radius = rng.gen_range(650.0..950.0);
                (centre.0 + radius * angle.cos(), centre.1 + radius * angle.sin())
            };
            // Rural buurten hold few households; the rest vary around the mean.
            let weight = if theme == BUITENGEBIED { 0.35 } else { rng.gen_range(0.7..1.3) };
            plans.push(BuurtPlan { wijk: w, theme, centre, weight });
            buurten.push(Neighbourhood { code: AreaCode::buurt(GEMEENTE, (w + 1) as u8, (b + 1) as u8), name, deprived: false });
        }
    }

    // A third of the buurten are deprived; never the rural ones, where that label means little.
    let mut candidates: Vec<usize> = (0..plans.len()).filter(|&b| plans[b].theme != BUITENGEBIED).collect();
    candidates.shuffle(rng);
    let deprived_count = ((plans.len() as f64 / 3.0).round() as usize).clamp(1, candidates.len().max(1));
    for &b in candidates.iter().take(deprived_count) {
        buurten[b].deprived = true;
    }
    // A wijk counts as deprived when most of its buurten are, as policy reports summarise it.
    for (w, wijk) in wijken.iter_mut().enumerate() {
        let (dep, all) = plans.iter().zip(&buurten).filter(|(p, _)| p.wijk == w).fold((0, 0), |(d, a), (_, b)| (d + usize::from(b.deprived), a + 1));
        wijk.deprived = dep * 2 > all;
    }

    let targets = allocate(households, &plans.iter().map(|p| p.weight).collect::<Vec<_>>());
    let mut builder = Builder {
        addresses: Vec::with_capacity(households + households / 20),
        address_buurt: Vec::with_capacity(households + households / 20),
        homes: Vec::with_capacity(households),
        namer: StreetNamer { used: vec![HashSet::new(); localities.len()], pools: HashMap::new() },
        postcodes: PostcodeAllocator { pc4: rng.gen_range(100..=400) * 10, next_pair: 0 },
        wijk_streets: vec![Vec::new(); n_wijken],
    };
    for (b, plan) in plans.iter().enumerate() {
        let locality = wijk_locality[plan.wijk];
        builder.fill_buurt(rng, b, plan, &buurten[b], &localities[locality], locality, targets[b]);
    }

    Places {
        gemeente: AreaCode::Gemeente(format!("{GEMEENTE:04}")),
        name: format!("Gemeente {town}"),
        wijken,
        buurt_wijk: plans.iter().map(|p| p.wijk).collect(),
        buurten,
        addresses: builder.addresses,
        address_buurt: builder.address_buurt,
        homes: builder.homes,
        wijk_streets: builder.wijk_streets,
        town,
    }
}

/// Splits `total` over the weights so that the parts sum exactly to `total`.
fn allocate(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(weights.len());
    let (mut cum, mut given) = (0.0, 0usize);
    for w in weights {
        cum += w;
        let upto = if sum > 0.0 { ((cum / sum) * total as f64).round() as usize } else { 0 };
        let upto = upto.clamp(given, total);
        out.push(upto - given);
        given = upto;
    }
    if let Some(last) = out.last_mut() {
        *last += total - given;
    }
    out
}

/// The n-th name of a pool; past its end, names get a qualifier as real places do ("Oud-X", "X-Noord").
fn nth_name(pool: &[&str], n: usize, prefixes: &[&str], suffixes: &str) -> String {
    let len = pool.len().max(1);
    let (round, i) = (n / len, n % len);
    let base = pool.get(i).copied().unwrap_or("Nieuwbouw");
    if round == 0 {
        return base.to_string();
    }
    let suffixes: Vec<&str> = suffixes.split('|').filter(|s| !s.is_empty()).collect();
    if let Some(p) = prefixes.get(round - 1) {
        format!("{p}{base}")
    } else if let Some(s) = suffixes.get(round - 1 - prefixes.len()) {
        format!("{base}{s}")
    } else {
        format!("{base} {}", round + 1)
    }
}

struct Builder {
    addresses: Vec<Address>,
    address_buurt: Vec<usize>,
    homes: Vec<usize>,
    namer: StreetNamer,
    postcodes: PostcodeAllocator,
    wijk_streets: Vec<Vec<String>>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn fill_buurt(
        &mut self,
        rng: &mut ChaCha8Rng,
        b: usize,
        plan: &BuurtPlan,
        buurt: &Neighbourhood,
        locality_name: &str,
        locality: usize,
        target: usize,
    ) {
        self.postcodes.new_area();
        // Deprived buurten are denser: more portiek flats.
        let flat_chance = if buurt.deprived { 0.05 } else { 0.025 };
        let radius = if plan.theme == BUITENGEBIED { 900.0 } else { 350.0 };
        let mut housed = 0;
        // A bound on streets, so a run of bad draws can never loop forever.
        let mut streets_left = target + 10;
        while housed < target && streets_left > 0 {
            streets_left -= 1;
            // Some streets anywhere carry the generic names (Kerkstraat, Schoolstraat).
            let theme = if plan.theme != KERN && rng.gen_bool(0.15) { KERN } else { plan.theme };
            let street = self.namer.next(rng, locality, theme);
            if self.wijk_streets[plan.wijk].len() < 4 {
                self.wijk_streets[plan.wijk].push(street.clone());
            }
            let length: u32 = if plan.theme == BUITENGEBIED { rng.gen_range(4..=20) } else { rng.gen_range(8..=60) };
            let skip_13 = rng.gen_bool(0.1);
            let spacing = if plan.theme == BUITENGEBIED { 60.0 } else { 11.0 };
            let (r, phi) = (radius * rng.gen::<f64>().sqrt(), rng.gen_range(0.0..std::f64::consts::TAU));
            let start = (plan.centre.0 + r * phi.cos(), plan.centre.1 + r * phi.sin());
            let theta: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
            let (dx, dy) = (theta.cos(), theta.sin());
            let mut segment_left = 0;
            let mut postcode = None;
            for number in 1..=length {
                if housed >= target {
                    break;
                }
                // Superstition still skips 13 in some streets; walk lists must cope with the gap.
                if skip_13 && number == 13 {
                    continue;
                }
                if segment_left == 0 {
                    postcode = self.postcodes.next();
                    segment_left = rng.gen_range(15..=25);
                }
                segment_left -= 1;
                let Some(postcode) = postcode.clone() else { continue };
                // Odd numbers on one side of the street, even on the other.
                let along = f64::from((number - 1) / 2) * spacing;
                let side = if number % 2 == 1 { -8.0 } else { 8.0 };
                let Ok(point) = RdPoint::new(start.0 + along * dx - side * dy, start.1 + along * dy + side * dx) else { continue };
                let units: Vec<(Option<char>, Option<String>)> = if rng.gen_bool(flat_chance) {
                    (1..=rng.gen_range(2..=12)).map(|u: u32| (None, Some(u.to_string()))).collect()
                } else {
                    let letter = rng.gen_bool(0.08).then(|| *pick(rng, &['A', 'B', 'C', 'D']));
                    let addition = rng
                        .gen_bool(0.08)
                        .then(|| pick_weighted(rng, &[("1", 3), ("2", 2), ("3", 1), ("HS", 3), ("BIS", 1)]).to_string());
                    vec![(letter, addition)]
                };
                for (letter, addition) in units {
                    if housed >= target {
                        break;
                    }
                    let Ok(house_number) = HouseNumber::new(number, letter, addition.as_deref()) else { continue };
                    let index = self.addresses.len();
                    self.addresses.push(Address {
                        id: index as i64 + 1,
                        street: street.clone(),
                        house_number,
                        postcode: postcode.clone(),
                        locality: locality_name.to_string(),
                        buurt: buurt.code.clone(),
                        point,
                    });
                    self.address_buurt.push(b);
                    // About 3% of homes stand empty; door-to-door lists meet them too.
                    if !rng.gen_bool(0.03) {
                        self.homes.push(index);
                        housed += 1;
                    }
                }
            }
        }
    }
}

/// Hands out postcodes in order, as PostNL numbers a street's segments: a new four-digit area
/// per buurt, letter pairs AA, AB, … within it.
struct PostcodeAllocator {
    pc4: u32,
    next_pair: usize,
}

/// PostNL leaves out F, I, O, Q, U and Y (easily misread) and never issues SA, SD or SS.
const POSTCODE_LETTERS: &[u8] = b"ABCDEGHJKLMNPRSTVWXZ";

impl PostcodeAllocator {
    fn new_area(&mut self) {
        self.pc4 += 1;
        self.next_pair = 0;
    }

    fn next(&mut self) -> Option<Postcode> {
        let n = POSTCODE_LETTERS.len();
        for _ in 0..=n * n {
            if self.next_pair >= n * n {
                self.new_area();
            }
            let pair = [POSTCODE_LETTERS[self.next_pair / n], POSTCODE_LETTERS[self.next_pair % n]];
            self.next_pair += 1;
            let digits = 1000 + self.pc4.saturating_sub(1000) % 9000;
            let text = format!("{digits}{}{}", char::from(pair[0]), char::from(pair[1]));
            if let Ok(pc) = Postcode::parse(&text) {
                return Some(pc);
            }
        }
        None
    }
}

/// Street names unique within a locality, drawn per (locality, theme) from a shuffled list of
/// every base × suffix, then from qualified forms ("Korte …", "…-Noord") once those run out.
struct StreetNamer {
    used: Vec<HashSet<String>>,
    pools: HashMap<(usize, usize), Pool>,
}

struct Pool {
    names: Vec<String>,
    next: usize,
    qualified: bool,
}

impl StreetNamer {
    fn next(&mut self, rng: &mut ChaCha8Rng, locality: usize, theme: usize) -> String {
        let theme_data = &THEMES[theme.min(THEMES.len() - 1)];
        let pool = self.pools.entry((locality, theme)).or_insert_with(|| Pool::plain(rng, theme_data));
        let Some(used) = self.used.get_mut(locality) else { return format!("{}straat", theme_data.bases[0]) };
        loop {
            while let Some(name) = pool.names.get(pool.next) {
                pool.next += 1;
                if used.insert(name.clone()) {
                    return name.clone();
                }
            }
            if pool.qualified {
                break;
            }
            *pool = Pool::qualified(rng, theme_data);
        }
        // Beyond some 1,500 streets of one theme in one place, number them like a new estate.
        let mut k = used.len();
        loop {
            let name = format!("{}straat {k}", theme_data.bases[0]);
            if used.insert(name.clone()) {
                return name;
            }
            k += 1;
        }
    }
}

impl Pool {
    /// Weighted shuffle (Efraimidis–Spirakis), so "straat" comes up more often than "dreef".
    fn plain(rng: &mut ChaCha8Rng, theme: &Theme) -> Pool {
        let mut keyed: Vec<(f64, String)> = Vec::with_capacity(theme.bases.len() * theme.suffixes.len());
        for base in theme.bases {
            for &(suffix, weight) in theme.suffixes {
                let key = rng.gen::<f64>().powf(1.0 / f64::from(weight.max(1)));
                keyed.push((key, format!("{base}{suffix}")));
            }
        }
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
        Pool { names: keyed.into_iter().map(|k| k.1).collect(), next: 0, qualified: false }
    }

    fn qualified(rng: &mut ChaCha8Rng, theme: &Theme) -> Pool {
        let mut names = Vec::new();
        for base in theme.bases {
            for &(suffix, _) in theme.suffixes {
                for q in ["Korte ", "Lange ", "Nieuwe ", "Oude "] {
                    names.push(format!("{q}{base}{suffix}"));
                }
                for q in ["-Noord", "-Zuid", "-Oost", "-West"] {
                    names.push(format!("{base}{suffix}{q}"));
                }
            }
        }
        names.shuffle(rng);
        Pool { names, next: 0, qualified: true }
    }
}

pub(crate) struct Theme {
    pub buurt: &'static str,
    pub bases: &'static [&'static str],
    pub suffixes: &'static [(&'static str, u32)],
}

const KERN: usize = 0;
const BUITENGEBIED: usize = 1;
const FIRST_RESIDENTIAL: usize = 2;

const TOWN_SUFFIXES: &[(&str, u32)] =
    &[("straat", 12), ("laan", 6), ("weg", 3), ("plein", 1), ("hof", 2), ("pad", 1), ("singel", 1), ("kade", 1), ("dreef", 1)];

pub(crate) const THEMES: &[Theme] = &[
    Theme {
        buurt: "Centrum",
        bases: &[
            "Dorps", "Kerk", "Markt", "Molen", "School", "Stations", "Haven", "Brug", "Sluis", "Dijk", "Veld", "Akker", "Hoog",
            "Klooster", "Raadhuis", "Post", "Beek", "Kamp", "Smeden", "Bleek", "Veer", "Poort", "Tuin", "Burg", "Nieuw",
            "Achter", "Voor", "Zand",
        ],
        suffixes: &[("straat", 12), ("laan", 3), ("weg", 3), ("plein", 1), ("steeg", 1), ("kade", 1), ("gracht", 1), ("pad", 1)],
    },
    Theme {
        buurt: "Buitengebied",
        bases: &[
            "Hoeve", "Akker", "Kamp", "Heide", "Broek", "Weide", "Esch", "Maten", "Hoek", "Veen", "Beemd", "Vennen", "Hooiland",
            "Kolk", "Meer", "Linde",
        ],
        suffixes: &[("weg", 8), ("dijk", 3), ("laan", 3), ("pad", 1), ("steeg", 1)],
    },
    Theme {
        buurt: "Bloemenbuurt",
        bases: &[
            "Rozen", "Tulpen", "Lelie", "Anjer", "Narcissen", "Krokus", "Seringen", "Jasmijn", "Dahlia", "Hyacinten", "Iris",
            "Zonnebloem", "Margriet", "Klaver", "Viooltjes", "Goudsbloem", "Papaver", "Lavendel",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Bomenbuurt",
        bases: &[
            "Eiken", "Beuken", "Linden", "Kastanje", "Berken", "Esdoorn", "Wilgen", "Populieren", "Iepen", "Platanen", "Elzen",
            "Acacia", "Essen", "Lariks", "Hazelaar",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Vogelwijk",
        bases: &[
            "Merel", "Lijster", "Spreeuwen", "Vinken", "Mussen", "Kievit", "Reiger", "Zwaluw", "Meeuwen", "Buizerd", "Koekoek",
            "Roodborst", "Specht", "Uilen", "Leeuweriken", "Kwartel",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Schildersbuurt",
        bases: &[
            "Rembrandt", "Vermeer", "Van Gogh", "Mondriaan", "Jan Steen", "Frans Hals", "Breitner", "Jongkind", "Israëls",
            "Van Ruisdael", "Hobbema", "Mesdag", "Escher", "Toorop", "Pieter de Hoogh", "Van Ostade",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Componistenbuurt",
        bases: &[
            "Mozart", "Bach", "Beethoven", "Chopin", "Schubert", "Händel", "Haydn", "Vivaldi", "Sweelinck", "Verdi", "Brahms",
            "Grieg", "Ravel", "Wagner", "Diepenbrock", "Mahler",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Burgemeesterswijk",
        bases: &[
            "Burgemeester De Wit", "Burgemeester Van Nispen", "Burgemeester Kessen", "Burgemeester Hogguer",
            "Burgemeester Van Walsum", "Burgemeester Visser", "Wethouder Van der Kamp", "Wethouder Den Ouden",
            "Minister Talma", "Professor Lorentz", "Dokter Ariëns", "Pastoor Van Ars", "Meester Van Coothen", "Sint Jan",
            "Sint Anna", "Generaal Foulkes",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Oranjebuurt",
        bases: &[
            "Wilhelmina", "Juliana", "Beatrix", "Emma", "Oranje", "Nassau", "Prins Hendrik", "Prinses Irene", "Prins Bernhard",
            "Prinses Margriet", "Koningin", "Prins Willem", "Prinses Marijke", "Koning Willem",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Rivierenbuurt",
        bases: &[
            "Rijn", "Maas", "Waal", "IJssel", "Lek", "Vecht", "Amstel", "Eem", "Dommel", "Dinkel", "Berkel", "Regge", "Linge",
            "Schelde", "Roer", "Geul", "Merwede", "Zaan",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Sterrenwijk",
        bases: &[
            "Jupiter", "Saturnus", "Mercurius", "Venus", "Mars", "Orion", "Pegasus", "Andromeda", "Poolster", "Sterren",
            "Planeten", "Neptunus", "Uranus", "Pluto", "Kometen", "Melkweg",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Dichterswijk",
        bases: &[
            "Vondel", "Bilderdijk", "Multatuli", "Da Costa", "Potgieter", "Hooft", "Huygens", "Cats", "Tollens", "Bredero",
            "Staring", "Van Lennep", "Gezelle", "Gorter", "Perk", "Kloos",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Zeeheldenbuurt",
        bases: &[
            "De Ruyter", "Tromp", "Piet Hein", "Van Speijk", "Evertsen", "Van Galen", "Van Heemskerck", "Van Kinsbergen",
            "Karel Doorman", "Van Brakel", "Van Gent", "De Witt", "Banckert", "Van Wassenaer",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Provinciënbuurt",
        bases: &[
            "Groningen", "Friesland", "Drenthe", "Overijssel", "Gelderland", "Utrecht", "Flevoland", "Zeeland", "Limburg",
            "Brabant", "Holland", "Twente", "Veluwe", "Achterhoek",
        ],
        suffixes: TOWN_SUFFIXES,
    },
    Theme {
        buurt: "Fruitbuurt",
        bases: &[
            "Appel", "Peren", "Kersen", "Pruimen", "Druiven", "Aardbei", "Bramen", "Framboos", "Abrikozen", "Perzik", "Mispel",
            "Kweepeer",
        ],
        suffixes: TOWN_SUFFIXES,
    },
];

/// Fictional towns, so no resident of a real place finds a look-alike of their street here.
const TOWNS: &[&str] = &[
    "Lindewaard", "Eikenbroek", "Beekhoven", "Meerwolde", "Heideveen", "Essendijk", "Kroonsveld", "Rietwaarde", "Zilverloo",
    "Wilgenhorst",
];

const VILLAGES: &[&str] = &[
    "Esserveld", "Kleine Linde", "Hoogzand", "Akkerloo", "Rietkamp", "Ter Wilgen", "Zandwolde", "Heidekamp", "Brugwaard",
    "Veldhoeve", "Meerbeek", "Oosterkolk", "Westerbroek", "Eemhoven", "Linderloo", "Schaapsdijk", "Vennehoek", "Dorrewaard",
    "Kolkveen", "Hazelhorst",
];

const TOWN_WIJKEN: &[&str] = &[
    "Centrum", "Noord", "Oost", "Zuid", "West", "De Hoven", "Molenkwartier", "Stationskwartier", "Nieuw-West", "Zuidwijk",
    "De Beemden", "Het Veld", "Hoogkamp", "De Brink", "Oosterpark", "Westerpark", "Kanaalzone", "De Vliert", "Het Hoog",
    "De Akkers", "Zandhoeve", "Vogelzang", "De Gaarden", "De Horst", "Groenewoud", "Nieuwland", "De Weiden",
    "Molenhoek", "Parkwijk",
];
