//! The guard: what is checked before a call is placed and paid for.
//!
//! (Skeleton: the reasons every language shares. The checks themselves land with issue 15.)

use std::fmt;

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
