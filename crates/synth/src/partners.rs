//! Signal partners: the DDAS debt-signal partners municipality-wide, and per wijk a GP, a school,
//! a shopkeeper and a key figure, since those know the residents near them.

use crate::places::Places;
use crate::spelling::{self, Style};
use domain::model::{Id, Partner, PartnerType};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub(crate) struct PartnerSet {
    pub partners: Vec<Partner>,
    /// Per partner: the wijk it serves (None: the whole municipality) and how it writes names.
    pub info: Vec<PartnerInfo>,
}

pub(crate) struct PartnerInfo {
    pub wijk: Option<usize>,
    pub style: Style,
}

const GLOBAL: &[(&str, PartnerType)] = &[
    ("Woonstichting De Linie", PartnerType::Huur),
    ("Woongoed {town}", PartnerType::Huur),
    ("Energiebedrijf Noord", PartnerType::Energie),
    ("Groene Stroom Energie", PartnerType::Energie),
    ("Waterbedrijf Midden", PartnerType::Water),
    ("Zorgverzekeraar Samen Gezond", PartnerType::Zorg),
    ("Zorgverzekeraar De Zorgkring", PartnerType::Zorg),
    ("CAK Zorgverzekeringen (wanbetalersregeling)", PartnerType::CakZorgverzekeringen),
    ("Hypotheekbank Midden", PartnerType::Hypotheek),
    ("DUO", PartnerType::Duo),
    ("Belastingdienst", PartnerType::Belastingdienst),
    ("CAK Eigen bijdrage", PartnerType::CakEigenBijdrage),
    ("Dienst Toeslagen", PartnerType::DienstToeslagen),
    ("Voedselbank {town}", PartnerType::Overige),
    ("Politie basisteam {town}", PartnerType::Politie),
    ("Gemeente {town}, Toezicht en Handhaving", PartnerType::Handhaving),
    ("Buurtbewoner (anoniem)", PartnerType::Buurtbewoner),
    ("Stichting Marokkaanse Vrouwen", PartnerType::Migrantenorganisatie),
    ("Turks Cultureel Centrum {town}", PartnerType::Migrantenorganisatie),
    ("Surinaamse Vereniging Sranan", PartnerType::Migrantenorganisatie),
    ("Stichting Poolse Gemeenschap", PartnerType::Migrantenorganisatie),
];

const SCHOOLS: &[&str] = &[
    "Basisschool De Regenboog", "OBS De Wilgen", "Basisschool De Fontein", "CBS De Klimop", "Basisschool De Vlinder",
    "OBS De Kameleon", "Basisschool De Springplank", "IKC De Schakel", "Basisschool Het Kompas", "OBS De Zonnewijzer",
];

const SHOPS: &[&str] = &[
    "Bakkerij Van Dam", "Buurtsuper {wijk}", "Slagerij De Boer", "Cafetaria 't Hoekje", "Groenteboer Visser",
    "Drogisterij {wijk}", "Kapsalon Knip", "Bakkerij Öz",
];

pub(crate) fn build(rng: &mut ChaCha8Rng, places: &Places) -> PartnerSet {
    let mut set = PartnerSet { partners: Vec::new(), info: Vec::new() };
    for (name, partner_type) in GLOBAL {
        set.add(rng, name.replace("{town}", &places.town), *partner_type, None, &places.town);
    }
    for (w, wijk) in places.wijken.iter().enumerate() {
        let streets = &places.wijk_streets[w];
        let street = streets.first().map_or("Kerkstraat", String::as_str);
        let other_street = streets.get(1).map_or(street, String::as_str);
        set.add(rng, format!("Huisartsenpraktijk {street}"), PartnerType::Huisarts, Some(w), &wijk.name);
        let school = SCHOOLS[w % SCHOOLS.len()];
        let school = if w < SCHOOLS.len() { school.to_string() } else { format!("{school} ({})", wijk.name) };
        set.add(rng, school, PartnerType::School, Some(w), &wijk.name);
        let shop = SHOPS[w % SHOPS.len()].replace("{wijk}", &wijk.name);
        let shop = if w < SHOPS.len() || shop.contains(&wijk.name) { shop } else { format!("{shop} ({})", wijk.name) };
        set.add(rng, shop, PartnerType::Winkelier, Some(w), &wijk.name);
        let key = if w % 2 == 0 { format!("Buurtvaders {}", wijk.name) } else { format!("Huismeester {other_street}") };
        set.add(rng, key, PartnerType::Sleutelfiguur, Some(w), &wijk.name);
    }
    set
}

impl PartnerSet {
    fn add(&mut self, rng: &mut ChaCha8Rng, name: String, partner_type: PartnerType, wijk: Option<usize>, wijk_name: &str) {
        // Streets repeat across villages; a partner must still be recognisable by name alone.
        let name = if self.partners.iter().any(|p| p.name == name) { format!("{name} ({wijk_name})") } else { name };
        let id = self.partners.len() as Id + 1;
        self.partners.push(Partner { id, name, partner_type });
        self.info.push(PartnerInfo { wijk, style: spelling::style_for(rng, partner_type) });
    }

    /// A partner of this type, the household's own wijk's one where partners are local.
    pub(crate) fn choose(&self, rng: &mut ChaCha8Rng, partner_type: PartnerType, wijk: usize) -> Option<usize> {
        let of_type = |i: &usize| self.partners[*i].partner_type == partner_type;
        let local: Vec<usize> = (0..self.partners.len()).filter(of_type).filter(|&i| self.info[i].wijk == Some(wijk)).collect();
        let candidates = if local.is_empty() {
            (0..self.partners.len()).filter(of_type).filter(|&i| self.info[i].wijk.is_none()).collect()
        } else {
            local
        };
        if candidates.is_empty() {
            return None;
        }
        Some(candidates[rng.gen_range(0..candidates.len())])
    }
}
