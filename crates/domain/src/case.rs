//! The case (traject) after first contact: goals in the resident's own words, small steps,
//! practical help, the intensity phase, the Zelfredzaamheid-Matrix (ZRM 2017) per relevant
//! domain, the household's network, and referrals with a warm handover that are followed up
//! until the receiving partner confirms that help started. Pure rules; time is a parameter.

use crate::model::value_list;
use time::{Date, Duration};

value_list!(
    /// How intensive the work is now. There is no maximum number of contacts.
    Phase {
        Vertrouwen => ("vertrouwen", "Vertrouwen opbouwen", "Building trust"),
        Actief => ("actief", "Actieve ondersteuning", "Active support"),
        Afbouwen => ("afbouwen", "Afbouwen", "Tapering off"),
        ContactHouden => ("contact-houden", "Contact houden", "Keeping in touch"),
    }
);

value_list!(
    /// Why a case was closed; never silently.
    CloseReason {
        DoelenBereikt => ("doelen-bereikt", "Doelen bereikt", "Goals reached"),
        Overgedragen => ("overgedragen", "Overgedragen aan een partner", "Handed over to a partner"),
        WilNiet => ("wil-niet", "Bewoner wil geen ondersteuning meer", "Resident no longer wants support"),
        Verhuisd => ("verhuisd", "Verhuisd uit het werkgebied", "Moved out of the area"),
        Overleden => ("overleden", "Overleden", "Deceased"),
        Anders => ("anders", "Andere reden (toelichting verplicht)", "Other reason (explanation required)"),
    }
);

value_list!(
    /// The domains of the Zelfredzaamheid-Matrix 2017 (ZRM), with Ouderschap as the optional one.
    ZrmDomain {
        Financien => ("financien", "Financiën", "Finances"),
        WerkOpleiding => ("werk-opleiding", "Werk & opleiding", "Work & education"),
        Tijdsbesteding => ("tijdsbesteding", "Tijdsbesteding", "Use of time"),
        Huisvesting => ("huisvesting", "Huisvesting", "Housing"),
        HuiselijkeRelaties => ("huiselijke-relaties", "Huiselijke relaties", "Domestic relations"),
        GeestelijkeGezondheid => ("geestelijke-gezondheid", "Geestelijke gezondheid", "Mental health"),
        LichamelijkeGezondheid => ("lichamelijke-gezondheid", "Lichamelijke gezondheid", "Physical health"),
        Middelengebruik => ("middelengebruik", "Middelengebruik", "Substance use"),
        BasaleAdl => ("basale-adl", "Basale ADL", "Basic ADL"),
        InstrumenteleAdl => ("instrumentele-adl", "Instrumentele ADL", "Instrumental ADL"),
        SociaalNetwerk => ("sociaal-netwerk", "Sociaal netwerk", "Social network"),
        Participatie => ("participatie", "Maatschappelijke participatie", "Social participation"),
        Justitie => ("justitie", "Justitie", "Justice"),
        Ouderschap => ("ouderschap", "Ouderschap", "Parenting"),
    }
);

value_list!(
    /// The ZRM scale, 1 to 5.
    ZrmScore {
        Acuut => ("1", "1 Acute problematiek", "1 Acute problems"),
        NietZelfredzaam => ("2", "2 Niet zelfredzaam", "2 Not self-reliant"),
        Beperkt => ("3", "3 Beperkt zelfredzaam", "3 Limited self-reliance"),
        Voldoende => ("4", "4 Voldoende zelfredzaam", "4 Sufficiently self-reliant"),
        Volledig => ("5", "5 Volledig zelfredzaam", "5 Fully self-reliant"),
    }
);

impl ZrmScore {
    pub fn value(self) -> u8 {
        match self {
            ZrmScore::Acuut => 1,
            ZrmScore::NietZelfredzaam => 2,
            ZrmScore::Beperkt => 3,
            ZrmScore::Voldoende => 4,
            ZrmScore::Volledig => 5,
        }
    }
}

value_list!(
    /// Who someone is in a household's network.
    NetworkRole {
        Familie => ("familie", "Familie", "Family"),
        Buur => ("buur", "Buurtbewoner", "Neighbour"),
        InformeleHelper => ("informeel", "Informele helper of vrijwilliger", "Informal helper or volunteer"),
        Professional => ("professional", "Betrokken professional", "Professional involved"),
        Ervaringsdeskundige => ("ervaringsdeskundige", "Ervaringsdeskundige", "Experience expert"),
        Sleutelfiguur => ("sleutelfiguur", "Sleutelfiguur", "Key figure"),
    }
);

value_list!(
    /// Where a referral goes.
    ReferralTarget {
        Schuldhulp => ("schuldhulp", "Schuldhulpverlening", "Debt help"),
        Ggz => ("ggz", "Geestelijke gezondheidszorg (ggz)", "Mental health care"),
        Verslavingszorg => ("verslavingszorg", "Verslavingszorg", "Addiction care"),
        Cjg => ("cjg", "Centrum voor Jeugd en Gezin", "Youth and family centre"),
        Maatschappelijkwerk => ("maatschappelijk-werk", "Algemeen maatschappelijk werk", "Social work"),
        Wmo => ("wmo", "Wmo-loket", "Social support desk (Wmo)"),
        WerkInkomen => ("werk-inkomen", "Werk en inkomen", "Work and income"),
        Huisarts => ("huisarts", "Huisarts of POH-ggz", "GP or practice nurse"),
        VeiligThuis => ("veilig-thuis", "Veilig Thuis", "Veilig Thuis (domestic violence)"),
        Overige => ("overige", "Andere partner", "Other partner"),
    }
);

value_list!(
    /// What a follow-up check of a referral found.
    CheckOutcome {
        Gestart => ("gestart", "Hulp is gestart (bevestigd door de partner)", "Help started (confirmed by the partner)"),
        NogNiet => ("nog-niet", "Nog niet gestart", "Not started yet"),
        Afgebroken => ("afgebroken", "Afgebroken of afgewezen", "Broken off or refused"),
    }
);

/// The default time between follow-up checks of a referral.
pub const DEFAULT_CHECK_EVERY_DAYS: i64 = 14;

/// What Eropaf knows of a referral, for the follow-up rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Referral {
    pub referred_on: Date,
    /// The warm handover: the meeting of resident, worker and partner.
    pub handover_on: Option<Date>,
    /// The agreed time between checks.
    pub check_every_days: i64,
    pub last_check: Option<Date>,
    /// The partner confirmed that help started, or the referral ended otherwise.
    pub settled: bool,
}

/// Why a referral is on the worker's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// A check is due (since `due`); help has not been confirmed yet.
    CheckDue { due: Date },
    /// Help has not started `days` after the referral: it is stuck; the worker acts.
    Stalled { due: Date, days: i64 },
}

impl FollowUp {
    pub fn due(self) -> Date {
        match self {
            FollowUp::CheckDue { due } | FollowUp::Stalled { due, .. } => due,
        }
    }

    pub fn is_stalled(self) -> bool {
        matches!(self, FollowUp::Stalled { .. })
    }
}

impl Referral {
    /// The next check: an agreed interval after the latest of referral, handover and last check.
    pub fn next_check(&self) -> Date {
        let from = [Some(self.referred_on), self.handover_on, self.last_check].into_iter().flatten().max().unwrap_or(self.referred_on);
        from + Duration::days(self.check_every_days.max(1))
    }

    /// Whether the referral is on the worker's list on `today`: until help is confirmed, it
    /// comes back each time a check falls due, marked stalled once `stalled_after_days` passed
    /// since the referral.
    pub fn follow_up(&self, today: Date, stalled_after_days: i64) -> Option<FollowUp> {
        if self.settled {
            return None;
        }
        let due = self.next_check();
        if today < due {
            return None;
        }
        let days = (today - self.referred_on).whole_days();
        Some(if days >= stalled_after_days { FollowUp::Stalled { due, days } } else { FollowUp::CheckDue { due } })
    }
}

/// One ZRM assessment: a date and the scores of the domains that were assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub on: Date,
    pub scores: Vec<(ZrmDomain, ZrmScore)>,
}

/// The scores of one domain over time, oldest first, for the progress chart.
pub fn progress(assessments: &[Assessment], domain: ZrmDomain) -> Vec<(Date, ZrmScore)> {
    let mut points: Vec<(Date, ZrmScore)> =
        assessments.iter().filter_map(|a| a.scores.iter().find(|(d, _)| *d == domain).map(|(_, s)| (a.on, *s))).collect();
    points.sort_by_key(|(on, _)| *on);
    points
}

/// Checks that an assessment only scores the case's relevant domains, each once, and at least
/// one. The Dutch DPA found teams collecting more than needed: a domain outside the case's
/// purpose is refused, not stored. Returns the first domain that is out of place.
pub fn check_scores(relevant: &[ZrmDomain], scores: &[(ZrmDomain, ZrmScore)]) -> Result<(), ScoreError> {
    if scores.is_empty() {
        return Err(ScoreError::Empty);
    }
    for (i, (domain, _)) in scores.iter().enumerate() {
        if !relevant.contains(domain) {
            return Err(ScoreError::NotRelevant(*domain));
        }
        if scores[..i].iter().any(|(d, _)| d == domain) {
            return Err(ScoreError::Twice(*domain));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreError {
    Empty,
    NotRelevant(ZrmDomain),
    Twice(ZrmDomain),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn referral() -> Referral {
        Referral { referred_on: date!(2026 - 11 - 02), handover_on: Some(date!(2026 - 11 - 05)), check_every_days: 14, last_check: None, settled: false }
    }

    #[test]
    fn a_referral_returns_to_the_list_when_its_check_falls_due() {
        let r = referral();
        assert_eq!(r.next_check(), date!(2026 - 11 - 19));
        assert_eq!(r.follow_up(date!(2026 - 11 - 18), 28), None);
        assert_eq!(r.follow_up(date!(2026 - 11 - 19), 28), Some(FollowUp::CheckDue { due: date!(2026 - 11 - 19) }));
    }

    #[test]
    fn a_check_without_start_schedules_the_next_and_a_late_one_is_stalled() {
        let r = Referral { last_check: Some(date!(2026 - 11 - 19)), ..referral() };
        assert_eq!(r.follow_up(date!(2026 - 11 - 25), 28), None);
        assert_eq!(r.follow_up(date!(2026 - 12 - 03), 28), Some(FollowUp::Stalled { due: date!(2026 - 12 - 03), days: 31 }));
        assert!(r.follow_up(date!(2026 - 12 - 03), 28).is_some_and(FollowUp::is_stalled));
    }

    #[test]
    fn a_confirmed_start_ends_the_follow_up() {
        let r = Referral { settled: true, ..referral() };
        assert_eq!(r.follow_up(date!(2027 - 06 - 01), 28), None);
    }

    #[test]
    fn only_relevant_domains_are_scored_once() {
        let relevant = [ZrmDomain::Financien, ZrmDomain::Huisvesting];
        assert_eq!(check_scores(&relevant, &[(ZrmDomain::Financien, ZrmScore::Acuut)]), Ok(()));
        assert_eq!(check_scores(&relevant, &[]), Err(ScoreError::Empty));
        assert_eq!(check_scores(&relevant, &[(ZrmDomain::Justitie, ZrmScore::Beperkt)]), Err(ScoreError::NotRelevant(ZrmDomain::Justitie)));
        let twice = [(ZrmDomain::Financien, ZrmScore::Acuut), (ZrmDomain::Financien, ZrmScore::Beperkt)];
        assert_eq!(check_scores(&relevant, &twice), Err(ScoreError::Twice(ZrmDomain::Financien)));
    }

    #[test]
    fn progress_per_domain_is_in_date_order_and_skips_unscored_assessments() {
        let a = [
            Assessment { on: date!(2026 - 09 - 01), scores: vec![(ZrmDomain::Financien, ZrmScore::NietZelfredzaam), (ZrmDomain::Huisvesting, ZrmScore::Beperkt)] },
            Assessment { on: date!(2026 - 06 - 01), scores: vec![(ZrmDomain::Financien, ZrmScore::Acuut)] },
            Assessment { on: date!(2026 - 11 - 01), scores: vec![(ZrmDomain::Huisvesting, ZrmScore::Voldoende)] },
        ];
        assert_eq!(progress(&a, ZrmDomain::Financien), vec![(date!(2026 - 06 - 01), ZrmScore::Acuut), (date!(2026 - 09 - 01), ZrmScore::NietZelfredzaam)]);
        assert_eq!(progress(&a, ZrmDomain::Huisvesting).len(), 2);
        assert_eq!(ZrmDomain::ALL.len(), 14);
        assert_eq!(ZrmScore::from_code("5").map(ZrmScore::value), Some(5));
    }
}
