//! The sociale wijkteams: one per wijk, a team lead and four to eight outreach workers, each able
//! to apply one to four of the six outreach models.

use crate::names::{FamilyName, Origin};
use crate::places::Places;
use crate::{names, pick, pick_weighted};
use domain::model::{Id, OutreachModel, Role, Team, Worker};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

pub(crate) struct Staff {
    pub teams: Vec<Team>,
    pub workers: Vec<Worker>,
    /// Ids of the outreach workers (not the lead) of each wijk's team: they make contact attempts.
    pub field_workers: Vec<Vec<Id>>,
}

pub(crate) fn build(rng: &mut ChaCha8Rng, places: &Places) -> Staff {
    let mut staff = Staff { teams: Vec::new(), workers: Vec::new(), field_workers: Vec::new() };
    let mut usernames = HashSet::new();
    for (w, wijk) in places.wijken.iter().enumerate() {
        let team_id = w as Id + 1;
        staff.teams.push(Team { id: team_id, name: format!("Sociaal wijkteam {}", wijk.name), wijk: wijk.code.clone() });
        let mut field = Vec::new();
        let count = rng.gen_range(4..=8);
        for k in 0..=count {
            let role = if k == 0 { Role::TeamLead } else { Role::Worker };
            // Social work in the Netherlands is done mostly by women.
            let female = rng.gen_bool(0.75);
            let origin = Origin::draw(rng);
            let given = names::given_names(rng, origin, female);
            let first = given.split_whitespace().next().unwrap_or("Sam").to_string();
            let family = FamilyName::draw(rng, origin);
            let surname = family.for_person(female);
            let parts = [first.as_str(), family.prefix, surname.as_str()];
            let display_name = parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ");
            let base = names::username_base(&first, family.prefix, &surname);
            let mut username = base.clone();
            let mut n = 2;
            while !usernames.insert(username.clone()) {
                username = format!("{base}{n}");
                n += 1;
            }
            let id = staff.workers.len() as Id + 1;
            if role == Role::Worker {
                field.push(id);
            }
            staff.workers.push(Worker { id, username, display_name, role, team_id: Some(team_id), models: draw_models(rng) });
        }
        staff.field_workers.push(field);
    }
    staff
}

/// Nearly everyone works in the help model; presence and connecting work are common additions,
/// coercion is a rare specialism.
fn draw_models(rng: &mut ChaCha8Rng) -> Vec<OutreachModel> {
    let count = pick_weighted(rng, &[(1usize, 25), (2, 35), (3, 25), (4, 15)]);
    let mut models = Vec::with_capacity(count);
    if rng.gen_bool(0.9) {
        models.push(OutreachModel::Hulp);
    }
    let others = [
        (OutreachModel::Hulp, 20),
        (OutreachModel::Presentie, 25),
        (OutreachModel::Verbindend, 25),
        (OutreachModel::Kwartiermakers, 12),
        (OutreachModel::Politiserend, 8),
        (OutreachModel::DwangDrang, 6),
    ];
    for _ in 0..40 {
        if models.len() >= count {
            break;
        }
        let m = pick_weighted(rng, &others);
        if !models.contains(&m) {
            models.push(m);
        }
    }
    if models.is_empty() {
        models.push(*pick(rng, &[OutreachModel::Hulp, OutreachModel::Presentie]));
    }
    models.sort();
    models
}
