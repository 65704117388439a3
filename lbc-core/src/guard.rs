//! The guard: what is checked before a call is placed and paid for.
//!
//! [`Client::call`](crate::Client::call) (and so [`Client::start_login`](crate::Client::start_login))
//! asks the guard first; a refusal is [`Error::GuardRefused`] with a [`GuardReason`] and, when
//! waiting helps, a `retry_after`, and nothing is sent. The checks, in order:
//!
//! 1. `number_type`: the number's type by libphonenumber's metadata (premium-rate, shared-cost,
//!    VoIP, UAN, pager, personal, toll-free, voicemail and unknown numbers are refused by default);
//! 2. `country`: the number's country (by default the client's default region only);
//! 3. `brake`: calls to a range or a country that stopped turning into accepted codes pause;
//! 4. `number_rate`, `ip_rate`, `range_rate`, `global_rate`: velocity limits;
//! 5. `spend`: a daily spend cap in credits.
//!
//! Counters live in the client's [`Store`], so every process and server sharing the store shares
//! the limits. Each counter is taken atomically (`incr` first, then compare), so racing processes
//! cannot pass more calls than a limit allows. A call already over a limit is refused after a
//! read, before any counter is incremented, so refused calls do not keep a number locked longer.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use phonenumber::PhoneNumber;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::phone::Region;
use crate::replay::Clock;

mod json;
use crate::store::Store;

/// The `log` target of everything the SDK reports.
use crate::events::LOG_TARGET;

/// Why the guard refused to place a call; the same strings in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GuardReason {
    /// The number's type is refused (premium-rate, shared-cost, VoIP, UAN, pager, personal,
    /// unknown).
    NumberType,
    /// The number's country is not among the allowed ones.
    Country,
    /// Too many calls to this number.
    NumberRate,
    /// Too many calls for this client IP address.
    IpRate,
    /// Too many calls to this number range (the number without its last digits).
    RangeRate,
    /// Too many calls in all.
    GlobalRate,
    /// The daily spend cap is reached.
    Spend,
    /// Calls to this country or range stopped turning into accepted codes: paused for a while.
    Brake,
}

impl GuardReason {
    /// Every reason, in a stable order.
    pub const ALL: [GuardReason; 8] = [
        GuardReason::NumberType,
        GuardReason::Country,
        GuardReason::NumberRate,
        GuardReason::IpRate,
        GuardReason::RangeRate,
        GuardReason::GlobalRate,
        GuardReason::Spend,
        GuardReason::Brake,
    ];

    /// The reason's one name: `number_type`, `country`, `number_rate`, `ip_rate`, `range_rate`,
    /// `global_rate`, `spend`, `brake`.
    pub fn as_str(self) -> &'static str {
        match self {
            GuardReason::NumberType => "number_type",
            GuardReason::Country => "country",
            GuardReason::NumberRate => "number_rate",
            GuardReason::IpRate => "ip_rate",
            GuardReason::RangeRate => "range_rate",
            GuardReason::GlobalRate => "global_rate",
            GuardReason::Spend => "spend",
            GuardReason::Brake => "brake",
        }
    }
}

impl fmt::Display for GuardReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number's type by libphonenumber's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberType {
    /// A fixed line.
    FixedLine,
    /// A mobile phone.
    Mobile,
    /// Fixed line or mobile: some countries (the USA) cannot tell them apart by the number.
    FixedLineOrMobile,
    /// A freephone line.
    TollFree,
    /// A premium-rate line: the classic target of toll fraud.
    PremiumRate,
    /// A shared-cost line.
    SharedCost,
    /// A personal number, routed on to another line.
    PersonalNumber,
    /// Voice over IP.
    Voip,
    /// A pager.
    Pager,
    /// A universal access ("company") number.
    Uan,
    /// A voicemail access number.
    Voicemail,
    /// Anything else, or a number the metadata does not recognise.
    Unknown,
}

impl NumberType {
    /// Every type, in a stable order.
    pub const ALL: [NumberType; 12] = [
        NumberType::FixedLine,
        NumberType::Mobile,
        NumberType::FixedLineOrMobile,
        NumberType::TollFree,
        NumberType::PremiumRate,
        NumberType::SharedCost,
        NumberType::PersonalNumber,
        NumberType::Voip,
        NumberType::Pager,
        NumberType::Uan,
        NumberType::Voicemail,
        NumberType::Unknown,
    ];

    /// The types a login call may go to by default: mobile, fixed line, fixed line or mobile.
    pub const DEFAULT_ALLOWED: [NumberType; 3] = [
        NumberType::Mobile,
        NumberType::FixedLine,
        NumberType::FixedLineOrMobile,
    ];

    /// The type's one name: `fixed_line`, `mobile`, `fixed_line_or_mobile`, `toll_free`,
    /// `premium_rate`, `shared_cost`, `personal_number`, `voip`, `pager`, `uan`, `voicemail`,
    /// `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::FixedLine => "fixed_line",
            NumberType::Mobile => "mobile",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::TollFree => "toll_free",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Voip => "voip",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }

    /// The type of `msisdn` (E.164 digits, with or without `+`) by libphonenumber's metadata;
    /// [`NumberType::Unknown`] for anything it cannot read.
    pub fn of(msisdn: &str) -> NumberType {
        match parse_e164(msisdn) {
            Some(number) => NumberType::from_metadata(&number),
            None => NumberType::Unknown,
        }
    }

    fn from_metadata(number: &PhoneNumber) -> NumberType {
        use phonenumber::Type;
        match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::FixedLine => NumberType::FixedLine,
            Type::Mobile => NumberType::Mobile,
            Type::FixedLineOrMobile => NumberType::FixedLineOrMobile,
            Type::TollFree => NumberType::TollFree,
            Type::PremiumRate => NumberType::PremiumRate,
            Type::SharedCost => NumberType::SharedCost,
            Type::PersonalNumber => NumberType::PersonalNumber,
            Type::Voip => NumberType::Voip,
            Type::Pager => NumberType::Pager,
            Type::Uan => NumberType::Uan,
            Type::Voicemail => NumberType::Voicemail,
            _ => NumberType::Unknown,
        }
    }
}

impl fmt::Display for NumberType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NumberType {
    type Err = Error;

    /// Reads a type's name ([`NumberType::as_str`]).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        NumberType::ALL
            .into_iter()
            .find(|t| t.as_str() == name.trim())
            .ok_or_else(|| {
                Error::invalid_input(
                    "allowed_number_types",
                    format!(
                        "`{}` is not a number type (mobile, fixed_line, ...)",
                        lbc_protocol::excerpt(name)
                    ),
                )
            })
    }
}

/// A velocity limit: at most `calls` calls in any `window` (a sliding window, approximated by two
/// fixed ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Calls allowed per window (at least 1).
    pub calls: u32,
    /// The window (1 s to 1 day, whole seconds).
    pub window: Duration,
}

impl RateLimit {
    /// `calls` per `window`.
    pub const fn new(calls: u32, window: Duration) -> RateLimit {
        RateLimit { calls, window }
    }

    /// `calls` per hour.
    pub const fn per_hour(calls: u32) -> RateLimit {
        RateLimit::new(calls, Duration::from_secs(3600))
    }

    fn check(self, field: &str) -> Result<(), Error> {
        if self.calls == 0 {
            return Err(Error::invalid_input(
                field,
                "calls must be at least 1 (use None to turn the limit off)",
            ));
        }
        if self.window < Duration::from_secs(1) || self.window > Duration::from_secs(86_400) {
            return Err(Error::invalid_input(field, "window must be 1 s to 1 day"));
        }
        Ok(())
    }
}

/// The countries calls may go to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllowedCountries {
    /// The client's default region only ([`ClientBuilder::default_region`](crate::ClientBuilder::default_region)); the default.
    #[default]
    DefaultRegion,
    /// These regions only.
    Only(Vec<Region>),
    /// Any country.
    Any,
}

/// What the guard allows before a call is placed: see the module documentation of the checks and
/// [`GuardPolicy::default`] for defaults that a normal user never meets.
///
/// ```
/// use std::time::Duration;
/// use lbc_core::{AllowedCountries, Client, GuardPolicy, RateLimit};
///
/// let policy = GuardPolicy {
///     allowed_countries: AllowedCountries::Only(vec!["RU".parse()?, "KZ".parse()?]),
///     global_rate: Some(RateLimit::per_hour(5_000)),
///     call_price: Some(100),
///     spend_per_day: Some(500_000),
///     ..GuardPolicy::default()
/// };
/// let client = Client::builder().guard(policy).build()?;
/// # Ok::<(), lbc_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GuardPolicy {
    /// The number types calls may go to; `None`: any type (default
    /// [`NumberType::DEFAULT_ALLOWED`]: mobile, fixed line, fixed line or mobile).
    pub allowed_number_types: Option<Vec<NumberType>>,
    /// The countries calls may go to (default: the client's default region only).
    pub allowed_countries: AllowedCountries,
    /// Calls per number (default 5 per hour).
    pub number_rate: Option<RateLimit>,
    /// Calls per client IP address, IPv6 counted per /64 (default 20 per hour). Calls without an
    /// IP address are not counted here.
    pub ip_rate: Option<RateLimit>,
    /// Calls per number range, the number without its last 3 digits (default 30 per hour).
    pub range_rate: Option<RateLimit>,
    /// Calls in all (default 1000 per hour).
    pub global_rate: Option<RateLimit>,
    /// What one call costs, in credits, for the spend cap (default `None`).
    pub call_price: Option<u64>,
    /// The most credits spent on calls per UTC day (default `None`: no cap). Needs `call_price`.
    pub spend_per_day: Option<u64>,
    /// The brake trips only after this many calls to a range or country in `brake_window`
    /// (default 20; 0 turns the brake off).
    pub brake_min_calls: u32,
    /// The brake trips when fewer than this share of those calls led to an accepted code
    /// (default 0.10).
    pub brake_min_ratio: f64,
    /// The window calls and accepted codes are counted in for the brake (default 1 hour).
    pub brake_window: Duration,
    /// How long calls to a range or country pause once the brake trips (default 15 minutes).
    pub brake_pause: Duration,
    /// Whether the brake also watches the client's default region as a whole (default `false`:
    /// its ranges are watched, and other allowed countries as a whole, but a pause of the site's
    /// own country would let anyone who places 20 unanswered calls stop every login).
    pub brake_default_region: bool,
}

impl Default for GuardPolicy {
    /// Defaults a person logging in never meets: mobile and fixed-line numbers of the default
    /// region; 5 calls per number, 20 per IP address, 30 per range and 1000 in all per hour; no
    /// spend cap; the brake at 20 calls and under 10 % accepted in an hour to a range (or to a
    /// country other than the default region), pausing 15 minutes.
    fn default() -> Self {
        GuardPolicy {
            allowed_number_types: Some(NumberType::DEFAULT_ALLOWED.to_vec()),
            allowed_countries: AllowedCountries::DefaultRegion,
            number_rate: Some(RateLimit::per_hour(5)),
            ip_rate: Some(RateLimit::per_hour(20)),
            range_rate: Some(RateLimit::per_hour(30)),
            global_rate: Some(RateLimit::per_hour(1000)),
            call_price: None,
            spend_per_day: None,
            brake_min_calls: 20,
            brake_min_ratio: 0.10,
            brake_window: Duration::from_secs(3600),
            brake_pause: Duration::from_secs(15 * 60),
            brake_default_region: false,
        }
    }
}

impl GuardPolicy {
    /// Nothing checked, nothing counted: for tests and for sites that guard calls themselves.
    pub fn off() -> GuardPolicy {
        GuardPolicy {
            allowed_number_types: None,
            allowed_countries: AllowedCountries::Any,
            number_rate: None,
            ip_rate: None,
            range_rate: None,
            global_rate: None,
            call_price: None,
            spend_per_day: None,
            brake_min_calls: 0,
            ..GuardPolicy::default()
        }
    }

    /// Refuses a policy that cannot be applied.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (field, limit) in [
            ("number_rate", self.number_rate),
            ("ip_rate", self.ip_rate),
            ("range_rate", self.range_rate),
            ("global_rate", self.global_rate),
        ] {
            if let Some(limit) = limit {
                limit.check(field)?;
            }
        }
        if self.spend_per_day.is_some() && self.call_price.is_none() {
            return Err(Error::invalid_input(
                "spend_per_day",
                "needs call_price (what one call costs, in credits)",
            ));
        }
        if let AllowedCountries::Only(regions) = &self.allowed_countries {
            if regions.is_empty() {
                return Err(Error::invalid_input(
                    "allowed_countries",
                    "is an empty list: no call could be placed",
                ));
            }
        }
        if let Some(types) = &self.allowed_number_types {
            if types.is_empty() {
                return Err(Error::invalid_input(
                    "allowed_number_types",
                    "is an empty list: no call could be placed (use None for any type)",
                ));
            }
        }
        if self.brake_min_calls > 0 {
            if !(0.0..=1.0).contains(&self.brake_min_ratio) {
                return Err(Error::invalid_input(
                    "brake_min_ratio",
                    "must be 0 to 1 (a share of calls)",
                ));
            }
            if self.brake_window < Duration::from_secs(1)
                || self.brake_window > Duration::from_secs(86_400)
            {
                return Err(Error::invalid_input("brake_window", "must be 1 s to 1 day"));
            }
            if self.brake_pause < Duration::from_secs(1)
                || self.brake_pause > Duration::from_secs(86_400)
            {
                return Err(Error::invalid_input("brake_pause", "must be 1 s to 1 day"));
            }
        }
        Ok(())
    }
}

/// The guard of one client: its policy, the store its counters live in, its clock.
pub(crate) struct Guard {
    policy: GuardPolicy,
    /// `None`: any country.
    countries: Option<Vec<Region>>,
    /// The client's default region (watched by the brake as a whole only when the policy says).
    default_region: Region,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// `lbc:<first 16 hex of SHA-256(call_api_id)>:guard`, so two sites on one store never share
    /// counters.
    prefix: String,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("policy", &self.policy)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// What a refusal says, before it becomes an [`Error`].
fn refuse(reason: GuardReason, retry_after: Option<Duration>, message: String) -> Error {
    // Reported (to `log` and the client's record) by `Client::guard_check`.
    Error::GuardRefused {
        reason,
        retry_after,
        message,
    }
}

impl Guard {
    /// A guard for `policy` (already checked) on `store`, for the account `call_api_id`.
    pub(crate) fn new(
        policy: GuardPolicy,
        default_region: Region,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        call_api_id: Option<&str>,
    ) -> Guard {
        let countries = match &policy.allowed_countries {
            AllowedCountries::DefaultRegion => Some(vec![default_region]),
            AllowedCountries::Only(regions) => Some(regions.clone()),
            AllowedCountries::Any => None,
        };
        Guard {
            policy,
            countries,
            default_region,
            store,
            clock,
            prefix: prefix(call_api_id),
        }
    }

    /// The same guard for another account (its counters apart).
    pub(crate) fn for_account(&self, call_api_id: Option<&str>) -> Guard {
        Guard {
            policy: self.policy.clone(),
            countries: self.countries.clone(),
            default_region: self.default_region,
            store: self.store.clone(),
            clock: self.clock.clone(),
            prefix: prefix(call_api_id),
        }
    }

    pub(crate) fn policy(&self) -> &GuardPolicy {
        &self.policy
    }

    fn brake_on(&self) -> bool {
        self.policy.brake_min_calls > 0
    }

    /// Checks a call to `msisdn` (E.164 digits) for a user at `ip` and counts it; `Ok` means it
    /// may be placed now.
    pub(crate) fn check(&self, msisdn: &str, ip: Option<&str>) -> Result<(), Error> {
        let number = parse_e164(msisdn);
        let shown = hide_digits(msisdn);

        // 1. Number type.
        if let Some(allowed) = &self.policy.allowed_number_types {
            let kind = number
                .as_ref()
                .map_or(NumberType::Unknown, NumberType::from_metadata);
            if !allowed.contains(&kind) {
                return Err(refuse(
                    GuardReason::NumberType,
                    None,
                    format!(
                        "+{shown} is a {kind} number; calls go only to {}",
                        list(allowed)
                    ),
                ));
            }
        }

        // 2. Country.
        let region = number.as_ref().and_then(region_of);
        if let Some(allowed) = &self.countries {
            if !region.is_some_and(|r| allowed.contains(&r)) {
                let country = region.map_or_else(|| "no country".to_owned(), |r| r.to_string());
                return Err(refuse(
                    GuardReason::Country,
                    None,
                    format!(
                        "+{shown} is in {country}; calls go only to {}",
                        list(allowed)
                    ),
                ));
            }
        }

        let now = self.clock.unix_now();
        let scopes = self.brake_scopes(msisdn, number.as_ref(), region);
        let brake = self.brake_on();
        let limits = self.limits(msisdn, ip);
        let windows: Vec<Window> = limits.iter().map(|l| l.window(now)).collect();

        // One round trip reads what the decision needs: each brake scope's pause, its end and its
        // epoch, and each limit's current and previous window.
        let mut keys = Vec::new();
        if brake {
            for scope in &scopes {
                keys.extend(self.brake_flags(&scope.id));
            }
        }
        for (limit, window) in limits.iter().zip(&windows) {
            keys.extend(limit.keys(self, window));
        }
        let values = self.store.get_many(&keys)?;
        let (flags, counts) = values.split_at(if brake { scopes.len() * 3 } else { 0 });
        let value = |v: &Option<u64>| v.unwrap_or(0);

        // 3. The brake (each scope's epoch, read once, is where this call is counted).
        let brake_window = Window::at(now, self.policy.brake_window);
        let mut epochs = Vec::with_capacity(scopes.len());
        if brake {
            for (scope, flag) in scopes.iter().zip(flags.chunks(3)) {
                self.brake_paused(scope, flag[0].is_some(), flag[1], now)?;
                epochs.push(value(&flag[2]));
            }
            // A second round trip: the calls and accepted codes of each scope's epoch.
            let keys: Vec<String> = scopes
                .iter()
                .zip(&epochs)
                .flat_map(|(scope, epoch)| self.brake_counters(&scope.id, *epoch, &brake_window))
                .collect();
            let counted = self.store.get_many(&keys)?;
            for ((scope, epoch), c) in scopes.iter().zip(&epochs).zip(counted.chunks(4)) {
                // (The first window of all has no window before it: its key is the current one.)
                let before = |v: &Option<u64>| if brake_window.index == 0 { 0 } else { value(v) };
                let calls = brake_window.weigh(before(&c[1]), value(&c[0]));
                let accepted = brake_window.weigh(before(&c[3]), value(&c[2]));
                self.brake_judge(scope, *epoch, calls, accepted, now)?;
            }
        }

        // 4 and 5. Velocity and spend: a call already over a limit is refused without counting
        // anything; then every limit is counted in one round trip, and each count compared, which
        // is what holds the limit when processes race.
        let mut previous = Vec::with_capacity(limits.len());
        for ((limit, window), c) in limits.iter().zip(&windows).zip(counts.chunks(2)) {
            previous.push(limit.precheck(window, value(&c[0]), value(&c[1]))?);
        }
        let counters: Vec<(String, u64, Duration)> = limits
            .iter()
            .zip(&windows)
            .map(|(limit, window)| limit.counter(self, window))
            .collect();
        let taken = self.store.incr_many(&counters)?;
        for (((limit, window), previous), count) in
            limits.iter().zip(&windows).zip(previous).zip(taken)
        {
            limit.judge(window, previous, count)?;
        }

        // Placed: count it for the brake.
        if brake {
            let counters: Vec<(String, u64, Duration)> = scopes
                .iter()
                .zip(&epochs)
                .map(|(scope, epoch)| {
                    let key = self.brake_key("calls", &scope.id, *epoch, brake_window.index);
                    (key, 1, brake_window.ttl())
                })
                .collect();
            self.store.incr_many(&counters)?;
        }
        Ok(())
    }

    /// Reports an accepted code for a call to `msisdn` (the brake's measure of calls that worked).
    /// A store failure here is logged, never an error of the login.
    pub(crate) fn record_accepted(&self, msisdn: &str) {
        if !self.brake_on() {
            return;
        }
        let number = parse_e164(msisdn);
        let region = number.as_ref().and_then(region_of);
        let window = Window::at(self.clock.unix_now(), self.policy.brake_window);
        for scope in self.brake_scopes(msisdn, number.as_ref(), region) {
            let counted = self.brake_epoch(&scope.id).and_then(|epoch| {
                self.store.incr(
                    &self.brake_key("accepted", &scope.id, epoch, window.index),
                    1,
                    window.ttl(),
                )
            });
            if let Err(e) = counted {
                log::warn!(target: LOG_TARGET, "the guard could not count an accepted code: {e}");
            }
        }
    }

    fn key(&self, rest: fmt::Arguments<'_>) -> String {
        format!("{}:{rest}", self.prefix)
    }

    fn brake_key(&self, what: &str, scope: &str, epoch: u64, index: u64) -> String {
        let window = self.policy.brake_window.as_secs();
        self.key(format_args!(
            "brake:{what}:{scope}:{epoch}:{window}:{index}"
        ))
    }

    /// The brake's epoch for `scope`: each trip starts a new one, so that counting starts afresh
    /// once the pause is over.
    fn brake_epoch(&self, scope: &str) -> Result<u64, Error> {
        Ok(self
            .store
            .get(&self.key(format_args!("brake:epoch:{scope}")))?
            .unwrap_or(0))
    }

    /// The keys of a brake scope's pause flag, the pause's end and its epoch.
    fn brake_flags(&self, scope: &str) -> [String; 3] {
        [
            self.key(format_args!("brake:pause:{scope}")),
            self.key(format_args!("brake:until:{scope}")),
            self.key(format_args!("brake:epoch:{scope}")),
        ]
    }

    /// The keys of a brake scope's calls and accepted codes in `window` and the one before it.
    fn brake_counters(&self, scope: &str, epoch: u64, window: &Window) -> [String; 4] {
        let previous = window.index.saturating_sub(1);
        [
            self.brake_key("calls", scope, epoch, window.index),
            self.brake_key("calls", scope, epoch, previous),
            self.brake_key("accepted", scope, epoch, window.index),
            self.brake_key("accepted", scope, epoch, previous),
        ]
    }

    fn brake_refusal(&self, scope: &BrakeScope, retry_after: Duration) -> Error {
        refuse(
            GuardReason::Brake,
            Some(retry_after),
            format!(
                "calls to {} are paused: too few of the last calls there led to an accepted code",
                scope.shown
            ),
        )
    }

    /// Refuses a call to a scope whose pause flag is set (`until`: when the pause ends).
    fn brake_paused(
        &self,
        scope: &BrakeScope,
        paused: bool,
        until: Option<u64>,
        now: u64,
    ) -> Result<(), Error> {
        if !paused {
            return Ok(());
        }
        let pause = self.policy.brake_pause;
        let left = until
            .and_then(|until| until.checked_sub(now))
            .map_or(pause, |left| Duration::from_secs(left.max(1)).min(pause));
        Err(self.brake_refusal(scope, left))
    }

    /// Trips the brake on a scope whose `calls` (weighted over the sliding window) led to too few
    /// `accepted` codes, and refuses; passes otherwise.
    fn brake_judge(
        &self,
        scope: &BrakeScope,
        epoch: u64,
        calls: f64,
        accepted: f64,
        now: u64,
    ) -> Result<(), Error> {
        if calls < f64::from(self.policy.brake_min_calls)
            || accepted >= self.policy.brake_min_ratio * calls
        {
            return Ok(());
        }
        let pause = self.policy.brake_pause;
        let [pause_key, until_key, epoch_key] = self.brake_flags(&scope.id);
        if self.store.add(&pause_key, pause)? {
            self.store.incr(&until_key, now + pause.as_secs(), pause)?;
            // The epoch outlives every counter of the epochs before it.
            let epoch_ttl = (self.policy.brake_window * 2 + pause).max(Duration::from_secs(86_400));
            self.store.incr(&epoch_key, 1, epoch_ttl)?;
            log::warn!(
                target: LOG_TARGET,
                "the guard's brake paused calls to {} for {} s: {calls:.0} calls and {accepted:.0} \
                 accepted codes in the last {} s (under {:.0} %); a pumping (toll fraud) run? \
                 (epoch {epoch})",
                scope.shown,
                pause.as_secs(),
                self.policy.brake_window.as_secs(),
                self.policy.brake_min_ratio * 100.0,
            );
        }
        Err(self.brake_refusal(scope, pause))
    }

    fn limits(&self, msisdn: &str, ip: Option<&str>) -> Vec<Limit> {
        let policy = &self.policy;
        let shown = hide_digits(msisdn);
        let mut limits = Vec::new();
        if let Some(rate) = policy.number_rate {
            limits.push(Limit::rate(
                GuardReason::NumberRate,
                rate,
                format!("number:{msisdn}"),
                format!("+{shown}"),
            ));
        }
        if let (Some(rate), Some(ip)) = (policy.ip_rate, ip) {
            let ip = ip_scope(ip);
            limits.push(Limit::rate(
                GuardReason::IpRate,
                rate,
                format!("ip:{ip}"),
                format!("the IP address {ip}"),
            ));
        }
        if let Some(rate) = policy.range_rate {
            let range = number_range(msisdn);
            limits.push(Limit::rate(
                GuardReason::RangeRate,
                rate,
                format!("range:{range}"),
                format!("the range +{range}xxx"),
            ));
        }
        if let Some(rate) = policy.global_rate {
            limits.push(Limit::rate(
                GuardReason::GlobalRate,
                rate,
                "global".to_owned(),
                "this site".to_owned(),
            ));
        }
        if let (Some(cap), Some(price)) = (policy.spend_per_day, policy.call_price) {
            limits.push(Limit::Spend { cap, price });
        }
        limits
    }
}

/// One velocity or spend limit as it applies to one call.
enum Limit {
    Rate {
        reason: GuardReason,
        rate: RateLimit,
        id: String,
        shown: String,
    },
    Spend {
        cap: u64,
        price: u64,
    },
}

impl Limit {
    fn rate(reason: GuardReason, rate: RateLimit, id: String, shown: String) -> Limit {
        Limit::Rate {
            reason,
            rate,
            id,
            shown,
        }
    }

    fn key(&self, guard: &Guard, index: u64) -> String {
        match self {
            Limit::Rate { rate, id, .. } => {
                let window = rate.window.as_secs();
                guard.key(format_args!("rate:{id}:{window}:{index}"))
            }
            Limit::Spend { .. } => guard.key(format_args!("spend:{index}")),
        }
    }

    /// The window this limit counts in at `now`.
    fn window(&self, now: u64) -> Window {
        match self {
            Limit::Rate { rate, .. } => Window::at(now, rate.window),
            Limit::Spend { .. } => Window::at(now, DAY),
        }
    }

    /// The keys of the current window's counter and the previous one's.
    fn keys(&self, guard: &Guard, window: &Window) -> [String; 2] {
        [
            self.key(guard, window.index),
            self.key(guard, window.index.saturating_sub(1)),
        ]
    }

    /// Refuses, without counting, a call that is over the limit already (`current` and `previous`:
    /// the two windows' counts as read); gives the previous window's count, clamped to the limit
    /// (calls refused over it must not keep the limit closed longer), for [`Limit::judge`].
    fn precheck(&self, window: &Window, current: u64, previous: u64) -> Result<u64, Error> {
        match self {
            Limit::Rate { rate, .. } => {
                let limit = u64::from(rate.calls);
                let previous = if window.index == 0 {
                    0
                } else {
                    previous.min(limit)
                };
                if !window.allows(previous, current + 1, limit) {
                    return Err(self.refusal(window.retry_after(previous, current, limit)));
                }
                Ok(previous)
            }
            Limit::Spend { cap, price } => {
                if current.saturating_add(*price) > *cap {
                    return Err(self.refusal(window.left()));
                }
                Ok(0)
            }
        }
    }

    /// What this call adds: the current window's key, by how much, for how long.
    fn counter(&self, guard: &Guard, window: &Window) -> (String, u64, Duration) {
        let delta = match self {
            Limit::Rate { .. } => 1,
            Limit::Spend { price, .. } => *price,
        };
        (self.key(guard, window.index), delta, window.ttl())
    }

    /// Refuses a call whose own count (`count`, after adding it) went over the limit.
    fn judge(&self, window: &Window, previous: u64, count: u64) -> Result<(), Error> {
        match self {
            Limit::Rate { rate, .. } => {
                let limit = u64::from(rate.calls);
                if !window.allows(previous, count, limit) {
                    let before = count.saturating_sub(1);
                    return Err(self.refusal(window.retry_after(previous, before, limit)));
                }
            }
            Limit::Spend { cap, .. } => {
                if count > *cap {
                    return Err(self.refusal(window.left()));
                }
            }
        }
        Ok(())
    }

    fn refusal(&self, retry_after: Duration) -> Error {
        match self {
            Limit::Rate {
                reason,
                rate,
                shown,
                ..
            } => refuse(
                *reason,
                Some(retry_after),
                format!(
                    "more than {} calls to {shown} in {} s",
                    rate.calls,
                    rate.window.as_secs()
                ),
            ),
            Limit::Spend { cap, price } => refuse(
                GuardReason::Spend,
                Some(retry_after),
                format!("today's spend cap of {cap} credits is reached ({price} credits a call)"),
            ),
        }
    }
}

const DAY: Duration = Duration::from_secs(86_400);

/// A fixed window of `len` seconds holding `now`: the `index`-th since the UNIX epoch, `elapsed`
/// seconds in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) index: u64,
    pub(crate) elapsed: u64,
    pub(crate) len: u64,
}

impl Window {
    pub(crate) fn at(now: u64, len: Duration) -> Window {
        let len = len.as_secs().max(1);
        Window {
            index: now / len,
            elapsed: now % len,
            len,
        }
    }

    /// How long a counter of this window must live: through the next window, where it is the
    /// previous one.
    fn ttl(&self) -> Duration {
        Duration::from_secs(self.len * 2)
    }

    /// Time left in this window.
    fn left(&self) -> Duration {
        Duration::from_secs(self.len - self.elapsed)
    }

    /// The sliding-window estimate: the previous window's count weighted by the share of it still
    /// inside the sliding window, plus this window's.
    pub(crate) fn weigh(&self, previous: u64, current: u64) -> f64 {
        previous as f64 * (self.len - self.elapsed) as f64 / self.len as f64 + current as f64
    }

    /// Whether `count` calls in this window (this one included) and `previous` in the one before
    /// stay within `limit`, in exact integer arithmetic.
    pub(crate) fn allows(&self, previous: u64, count: u64, limit: u64) -> bool {
        let weighted = u128::from(previous) * u128::from(self.len - self.elapsed);
        weighted + u128::from(count) * u128::from(self.len)
            <= u128::from(limit) * u128::from(self.len)
    }

    /// How long until one more call would be allowed, if no other call is made meanwhile, given
    /// `previous` (clamped to the limit) and `current` calls counted.
    pub(crate) fn retry_after(&self, previous: u64, current: u64, limit: u64) -> Duration {
        let (len, elapsed) = (self.len, self.elapsed);
        let secs = if current < limit && previous > 0 {
            // Within this window, once enough of the previous one has slid out:
            // previous * (len - elapsed - t) / len + current + 1 <= limit.
            let room = (limit - current - 1) * len;
            let needed = (len - elapsed).saturating_sub(room / previous);
            needed.max(1)
        } else {
            // In the next window, where this one's count (at most `limit`) is the previous one:
            // min(current, limit) * (len - t) / len + 1 <= limit.
            let carried = current.min(limit);
            let wait = if carried < limit {
                0
            } else {
                (len + limit - 1) / limit.max(1)
            };
            (len - elapsed) + wait
        };
        Duration::from_secs(secs.max(1))
    }
}

/// One of the brake's scopes: a range or a country.
struct BrakeScope {
    id: String,
    shown: String,
}

impl Guard {
    /// The brake's scopes of a number: its range, then its country (not the default region's,
    /// unless the policy says so).
    fn brake_scopes(
        &self,
        msisdn: &str,
        number: Option<&PhoneNumber>,
        region: Option<Region>,
    ) -> Vec<BrakeScope> {
        let range = number_range(msisdn);
        let mut scopes = vec![BrakeScope {
            id: format!("range:{range}"),
            shown: format!("the range +{range}xxx"),
        }];
        if region == Some(self.default_region) && !self.policy.brake_default_region {
            return scopes;
        }
        let country = match (region, number) {
            (Some(region), _) => region.to_string(),
            (None, Some(number)) => format!("+{}", number.country().code()),
            (None, None) => "unknown".to_owned(),
        };
        scopes.push(BrakeScope {
            id: format!("country:{country}"),
            shown: country,
        });
        scopes
    }
}

/// The range a number belongs to: the number without its last 3 digits (where pumping runs walk).
pub(crate) fn number_range(msisdn: &str) -> &str {
    let digits = msisdn.trim_start_matches('+');
    // By characters: what reaches here through `Client::request` may be any text.
    let cut = digits
        .char_indices()
        .rev()
        .nth(2)
        .map_or(0, |(index, _)| index);
    &digits[..cut]
}

/// What an IP address is counted as: IPv4 as it is; IPv6 by its /64 (one subscriber's network);
/// text that is not an address, as given (the service refuses it anyway).
pub(crate) fn ip_scope(ip: &str) -> String {
    match ip.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Err(_) => ip.trim().chars().take(64).collect(),
    }
}

/// `msisdn` with its last 4 digits hidden, for messages and logs.
fn hide_digits(msisdn: &str) -> String {
    let digits: Vec<char> = msisdn.trim_start_matches('+').chars().take(32).collect();
    let keep = digits.len().saturating_sub(4);
    let shown: String = digits[..keep].iter().collect();
    format!("{shown}{}", "*".repeat(digits.len() - keep))
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The number's region by the metadata (one lookup; `PhoneNumber::country().id()` would make
/// another).
fn region_of(number: &PhoneNumber) -> Option<Region> {
    let meta = number.metadata(&phonenumber::metadata::DATABASE)?;
    meta.id().parse().ok().map(Region::from_id)
}

fn parse_e164(msisdn: &str) -> Option<PhoneNumber> {
    let digits = msisdn.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    phonenumber::parse(None, format!("+{digits}")).ok()
}

fn prefix(call_api_id: Option<&str>) -> String {
    let digest = Sha256::digest(call_api_id.unwrap_or("").as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("lbc:{hex}:guard")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::SystemClock;
    use crate::store::MemoryStore;

    #[test]
    fn reasons_and_types_have_one_name_each() {
        let names: Vec<_> = GuardReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            [
                "number_type",
                "country",
                "number_rate",
                "ip_rate",
                "range_rate",
                "global_rate",
                "spend",
                "brake"
            ]
        );
        for t in NumberType::ALL {
            assert_eq!(t.as_str().parse::<NumberType>().unwrap(), t);
        }
        assert!("premium".parse::<NumberType>().is_err());
    }

    #[test]
    fn ranges_drop_the_last_three_digits() {
        assert_eq!(number_range("79256880636"), "79256880");
        assert_eq!(number_range("+79256880636"), "79256880");
        assert_eq!(number_range("12025550143"), "12025550");
        assert_eq!(number_range("123"), "");
        assert_eq!(number_range(""), "");
        assert_eq!(hide_digits("79256880636"), "7925688****");
        assert_eq!(hide_digits("12"), "**");
        // Whatever text reaches the guard through the escape hatch, by characters.
        assert_eq!(number_range("ééééé"), "éé");
        assert_eq!(number_range("éé"), "");
        assert_eq!(hide_digits("ééééé"), "é****");
    }

    #[test]
    fn ip_addresses_count_per_address_or_per_64() {
        assert_eq!(ip_scope(" 203.0.113.7 "), "203.0.113.7");
        assert_eq!(ip_scope("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(ip_scope("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(ip_scope("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
    }

    #[test]
    fn number_types_come_from_the_metadata() {
        assert_eq!(NumberType::of("79256880636"), NumberType::Mobile);
        // libphonenumber's own example numbers of each type.
        assert_eq!(NumberType::of("73011234567"), NumberType::FixedLine);
        assert_eq!(NumberType::of("19002345678"), NumberType::PremiumRate);
        assert_eq!(NumberType::of("18002345678"), NumberType::TollFree);
        assert_eq!(NumberType::of("15002345678"), NumberType::PersonalNumber);
        // The crate reads Russia's 8xx service numbers (premium 809, freephone 800, personal
        // 808) as the national prefix 8 and a number too short: unknown, and refused as invalid
        // by `normalize_phone` before the guard is asked.
        assert_eq!(NumberType::of("78091234567"), NumberType::Unknown);
        assert!(crate::phone::normalize("+7 809 123-45-67", Region::RU).is_err());
        assert_eq!(NumberType::of("447012345678"), NumberType::PersonalNumber);
        assert_eq!(NumberType::of("445612345678"), NumberType::Voip);
        assert_eq!(NumberType::of("447640123456"), NumberType::Pager);
        assert_eq!(NumberType::of("445512345678"), NumberType::Uan);
        assert_eq!(NumberType::of("41840123456"), NumberType::SharedCost);
        assert_eq!(NumberType::of("12025550143"), NumberType::FixedLineOrMobile);
        assert_eq!(NumberType::of("7000"), NumberType::Unknown);
        assert_eq!(NumberType::of("not digits"), NumberType::Unknown);
    }

    #[test]
    fn windows_split_time() {
        let hour = Duration::from_secs(3600);
        assert_eq!(
            Window::at(7200, hour),
            Window {
                index: 2,
                elapsed: 0,
                len: 3600
            }
        );
        assert_eq!(Window::at(7200 + 900, hour).elapsed, 900);
        assert_eq!(Window::at(7199, hour).index, 1);
        // A quarter into the window, three quarters of the previous one still count.
        let w = Window::at(7200 + 900, hour);
        assert!((w.weigh(8, 1) - 7.0).abs() < 1e-9);
        assert!((w.weigh(0, 3) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn the_sliding_estimate_holds_the_limit() {
        let hour = Duration::from_secs(3600);
        let start = Window::at(7200, hour);
        // Five allowed in a fresh window, not six.
        assert!(start.allows(0, 5, 5));
        assert!(!start.allows(0, 6, 5));
        // At the start of the next window a full previous one still counts in whole.
        assert!(!start.allows(5, 1, 5));
        // Halfway: 5 * 0.5 + 2 = 4.5 <= 5, 5 * 0.5 + 3 = 5.5 > 5.
        let half = Window::at(7200 + 1800, hour);
        assert!(half.allows(5, 2, 5));
        assert!(!half.allows(5, 3, 5));
        // Huge counts do not overflow.
        assert!(!half.allows(u64::MAX, u64::MAX, u64::MAX - 1));
    }

    #[test]
    fn retry_after_is_when_the_next_call_fits() {
        let hour = Duration::from_secs(3600);
        // A full window: wait until the next one, plus 1/5 of it for the carried weight to fall.
        let w = Window::at(7200 + 600, hour);
        let after = w.retry_after(0, 5, 5);
        assert_eq!(after, Duration::from_secs(3000 + 720));
        let later = Window::at(7200 + 600 + after.as_secs(), hour);
        assert!(later.allows(5, 1, 5));
        assert!(!Window::at(7200 + 600 + after.as_secs() - 2, hour).allows(5, 1, 5));
        // Room in this window, but the previous one still weighs: 5 * (3600 - 600 - t) / 3600 + 3
        // <= 5 holds from t = 1560.
        let after = w.retry_after(5, 2, 5);
        assert_eq!(after, Duration::from_secs(1560));
        let then = Window::at(7200 + 600 + 1560, hour);
        assert!(then.allows(5, 3, 5));
        assert!(!Window::at(7200 + 600 + 1559, hour).allows(5, 3, 5));
        // Never zero.
        assert!(Window::at(3599, hour).retry_after(0, 1, 1) >= Duration::from_secs(1));
    }

    fn guard(policy: GuardPolicy, store: Arc<dyn Store>) -> Guard {
        policy.check().unwrap();
        Guard::new(
            policy,
            Region::RU,
            store,
            Arc::new(SystemClock),
            Some("site"),
        )
    }

    #[test]
    fn refused_calls_count_nothing() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            number_rate: Some(RateLimit::per_hour(2)),
            ..GuardPolicy::off()
        };
        let g = guard(policy, store.clone());
        g.check("79256880636", None).unwrap();
        g.check("79256880636", None).unwrap();
        for _ in 0..10 {
            let err = g.check("79256880636", None).unwrap_err();
            assert_eq!(err.guard_reason(), Some(GuardReason::NumberRate));
            assert!(err.retry_after().is_some());
        }
        let now = SystemClock.unix_now();
        let key = format!(
            "{}:rate:number:79256880636:3600:{}",
            prefix(Some("site")),
            now / 3600
        );
        assert_eq!(store.get(&key).unwrap(), Some(2));
    }

    #[test]
    fn a_call_refused_by_one_limit_counts_against_none() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            number_rate: Some(RateLimit::per_hour(5)),
            ip_rate: Some(RateLimit::per_hour(2)),
            global_rate: Some(RateLimit::per_hour(5)),
            ..GuardPolicy::off()
        };
        let g = guard(policy, store);
        g.check("79256880636", Some("203.0.113.7")).unwrap();
        g.check("79256880636", Some("203.0.113.7")).unwrap();
        for _ in 0..20 {
            let err = g.check("79256880636", Some("203.0.113.7")).unwrap_err();
            assert_eq!(err.guard_reason(), Some(GuardReason::IpRate));
        }
        // The number and the global count saw 2 calls, not 22: 3 more go from elsewhere.
        for ip in ["203.0.113.8", "203.0.113.8", "203.0.113.9"] {
            g.check("79256880636", Some(ip)).unwrap();
        }
        let err = g.check("79256880636", Some("203.0.113.10")).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::NumberRate));
    }

    /// A store that always fails, as a Redis that went away.
    #[derive(Debug)]
    struct Broken;

    impl Store for Broken {
        fn incr(&self, _: &str, _: u64, _: Duration) -> Result<u64, Error> {
            Err(Error::Internal("store down".into()))
        }
        fn add(&self, _: &str, _: Duration) -> Result<bool, Error> {
            Err(Error::Internal("store down".into()))
        }
        fn get(&self, _: &str) -> Result<Option<u64>, Error> {
            Err(Error::Internal("store down".into()))
        }
    }

    #[test]
    fn a_store_that_fails_places_no_call() {
        let g = guard(GuardPolicy::default(), Arc::new(Broken));
        assert!(g.check("79256880636", None).is_err());
        // The checks that need no store still answer for themselves first.
        let err = g.check("447640123456", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::NumberType));
        // An accepted code that cannot be counted is logged, never a failure of the login.
        g.record_accepted("79256880636");
        // With nothing to count, nothing needs the store.
        let off = guard(GuardPolicy::off(), Arc::new(Broken));
        off.check("79256880636", None).unwrap();
    }

    #[test]
    fn any_text_is_counted_without_a_panic() {
        let policy = GuardPolicy {
            number_rate: Some(RateLimit::per_hour(1)),
            range_rate: Some(RateLimit::per_hour(5)),
            ..GuardPolicy::off()
        };
        let g = guard(policy, Arc::new(MemoryStore::new()));
        for text in ["ééééé", "", "+", "7\u{0}9", "日本"] {
            g.check(text, Some("not an ip é")).unwrap();
            let err = g.check(text, None).unwrap_err();
            assert_eq!(
                err.guard_reason(),
                Some(GuardReason::NumberRate),
                "{text:?}"
            );
        }
        // With the default policy such text is a number of no known type.
        let g = guard(GuardPolicy::default(), Arc::new(MemoryStore::new()));
        let err = g.check("ééééé", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::NumberType));
    }

    #[test]
    fn sites_on_one_store_count_apart() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            global_rate: Some(RateLimit::per_hour(1)),
            ..GuardPolicy::off()
        };
        let a = guard(policy.clone(), store.clone());
        let b = a.for_account(Some("another site"));
        a.check("79256880636", None).unwrap();
        b.check("79256880636", None).unwrap();
        assert!(a.check("79256880637", None).is_err());
        assert!(b.check("79256880637", None).is_err());
    }

    #[test]
    fn racing_threads_never_pass_more_than_the_limit() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            number_rate: Some(RateLimit::per_hour(7)),
            ..GuardPolicy::off()
        };
        let g = Arc::new(guard(policy, store));
        let passed: usize = (0..4)
            .map(|_| {
                let g = g.clone();
                std::thread::spawn(move || {
                    (0..50)
                        .filter(|_| g.check("79256880636", None).is_ok())
                        .count()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum();
        assert_eq!(passed, 7);
    }

    #[test]
    fn the_brake_trips_without_accepted_codes_and_starts_afresh_after_its_pause() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            brake_min_calls: 5,
            brake_pause: Duration::from_secs(1),
            ..GuardPolicy::off()
        };
        // By default the default region is not watched as a whole: another range goes on.
        let g = guard(policy.clone(), store.clone());
        for i in 0..5 {
            g.check(&format!("792568801{i:02}"), None).unwrap();
        }
        let err = g.check("79256880199", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::Brake));
        assert!(err.to_string().contains("+79256880xxx"), "{err}");
        g.check("79161234567", None).unwrap();

        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            brake_default_region: true,
            ..policy
        };
        let g = guard(policy, store);
        for i in 0..5 {
            g.check(&format!("792568801{i:02}"), None).unwrap();
        }
        let err = g.check("79256880199", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::Brake));
        assert!(err.retry_after().unwrap() <= Duration::from_secs(1));
        // Only the range tripped; another range of RU is fine... until the country's own count
        // (5 calls, none accepted) trips it.
        let err = g.check("79161234567", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::Brake));
        assert!(err.to_string().contains("RU"), "{err}");
        std::thread::sleep(Duration::from_millis(2100));
        // After the pause, counting starts afresh.
        g.check("79256880100", None).unwrap();
    }

    #[test]
    fn the_brake_watches_other_countries_as_a_whole() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            allowed_countries: AllowedCountries::Only(vec![Region::RU, "KZ".parse().unwrap()]),
            brake_min_calls: 5,
            ..GuardPolicy::off()
        };
        policy.check().unwrap();
        let g = Guard::new(policy, Region::RU, store, Arc::new(SystemClock), None);
        // Five ranges of Kazakhstan, one call each: no range reaches 5, the country does.
        for i in 0..5 {
            g.check(&format!("7701{i}234567"), None).unwrap();
        }
        let err = g.check("77015234567", None).unwrap_err();
        assert_eq!(err.guard_reason(), Some(GuardReason::Brake));
        assert!(err.to_string().contains("KZ"), "{err}");
        g.check("79256880636", None).unwrap();
    }

    #[test]
    fn accepted_codes_keep_the_brake_off() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let policy = GuardPolicy {
            brake_min_calls: 5,
            ..GuardPolicy::off()
        };
        let g = guard(policy, store);
        for i in 0..40 {
            let msisdn = format!("792568801{i:02}");
            g.check(&msisdn, None).unwrap();
            // One in five accepted is still above 10 %.
            if i % 5 == 0 {
                g.record_accepted(&msisdn);
            }
        }
    }

    #[test]
    fn policies_are_checked() {
        assert!(GuardPolicy::default().check().is_ok());
        assert!(GuardPolicy::off().check().is_ok());
        let bad = [
            GuardPolicy {
                number_rate: Some(RateLimit::per_hour(0)),
                ..GuardPolicy::default()
            },
            GuardPolicy {
                ip_rate: Some(RateLimit::new(1, Duration::ZERO)),
                ..GuardPolicy::default()
            },
            GuardPolicy {
                spend_per_day: Some(100),
                ..GuardPolicy::default()
            },
            GuardPolicy {
                allowed_countries: AllowedCountries::Only(vec![]),
                ..GuardPolicy::default()
            },
            GuardPolicy {
                allowed_number_types: Some(vec![]),
                ..GuardPolicy::default()
            },
            GuardPolicy {
                brake_min_ratio: 1.5,
                ..GuardPolicy::default()
            },
            GuardPolicy {
                brake_pause: Duration::ZERO,
                ..GuardPolicy::default()
            },
        ];
        for policy in bad {
            assert!(
                matches!(policy.check(), Err(Error::InvalidInput { .. })),
                "{policy:?}"
            );
        }
    }
}
