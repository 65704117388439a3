//! The one table of every LoginByCall API method.
//!
//! Everything that differs between methods (wire name, whether a signature is needed, the order of the
//! signed parameters, which parameters are required) is data here; the signer, the wire encoders, the
//! client, the sandbox and the bindings all read it instead of knowing methods by heart.

use std::fmt;

/// Whether a method's request must carry a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureRule {
    /// Never signed (`register`, `status`, `server-status`).
    None,
    /// Signed, unless the service's administrator allowed the account unsigned calls.
    Required,
    /// Signed even for accounts allowed unsigned calls (`change_credential`, `credential_confirm`).
    AlwaysRequired,
}

/// Everything the protocol says about one method.
#[derive(Debug, PartialEq, Eq)]
pub struct MethodSpec {
    /// The method's name in the URL, e.g. `call-status`.
    pub name: &'static str,
    /// Whether requests must be signed.
    pub signature: SignatureRule,
    /// The documented order of the signed parameters (empty for unsigned methods).
    pub sign_order: &'static [&'static str],
    /// Parameters the method needs (not counting `timestamp`, `nonce`, `signature`).
    pub required: &'static [&'static str],
    /// Parameters the method accepts but does not need.
    pub optional: &'static [&'static str],
    /// Whether the method has no side effects, so that a failed attempt may be sent again.
    pub retry_safe: bool,
}

/// The parameter carrying the account id.
pub const CALL_API_ID: &str = "call-api-id";
/// The parameter carrying the request time (UNIX seconds).
pub const TIMESTAMP: &str = "timestamp";
/// The parameter carrying the request's random nonce.
pub const NONCE: &str = "nonce";
/// The parameter (or, capitalised, the HTTP header) carrying the hex signature.
pub const SIGNATURE: &str = "signature";
/// The HTTP header that may carry the signature instead of the parameter.
pub const SIGNATURE_HEADER: &str = "Signature";
/// The special parameter holding every other parameter as one JSON object.
pub const PARAMS_JSON: &str = "params";

const SIGNED_PREFIX: [&str; 3] = [CALL_API_ID, TIMESTAMP, NONCE];

macro_rules! signed_order {
    ($($extra:literal),*) => {
        &[SIGNED_PREFIX[0], SIGNED_PREFIX[1], SIGNED_PREFIX[2] $(, $extra)*]
    };
}

/// An API method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `register`: create an account (or re-register a domain), the key is e-mailed.
    Register,
    /// `status`: whether the account is activated, blocked, allowed unsigned calls.
    Status,
    /// `server-status`: whether the service works right now.
    ServerStatus,
    /// `options`: change the account's settings.
    Options,
    /// `balance`: payments, consumption and the notification limit.
    Balance,
    /// `pay`: a payment form to refill the balance.
    Pay,
    /// `change_credential`: issue new keys (mailed to the administrator).
    ChangeCredential,
    /// `credential_confirm`: activate new keys, retiring the old ones.
    CredentialConfirm,
    /// `call`: ring the user's phone from a random number.
    Call,
    /// `call-status`: where a call is (queued, dialing, final).
    CallStatus,
    /// `call-hangup`: end a call that is still ringing.
    CallHangup,
}

static REGISTER: MethodSpec = MethodSpec {
    name: "register",
    signature: SignatureRule::None,
    sign_order: &[],
    required: &["domain", "admin_email"],
    optional: &["admin_phone", "verify_url", "balance_notify_limit"],
    retry_safe: false,
};
static STATUS: MethodSpec = MethodSpec {
    name: "status",
    signature: SignatureRule::None,
    sign_order: &[],
    required: &[CALL_API_ID],
    optional: &[],
    retry_safe: true,
};
static SERVER_STATUS: MethodSpec = MethodSpec {
    name: "server-status",
    signature: SignatureRule::None,
    sign_order: &[],
    required: &[],
    optional: &[],
    retry_safe: true,
};
static OPTIONS: MethodSpec = MethodSpec {
    name: "options",
    signature: SignatureRule::Required,
    sign_order: signed_order!("balance_notify_limit"),
    required: &[CALL_API_ID, "balance_notify_limit"],
    optional: &[],
    retry_safe: false,
};
static BALANCE: MethodSpec = MethodSpec {
    name: "balance",
    signature: SignatureRule::Required,
    sign_order: signed_order!(),
    required: &[CALL_API_ID],
    optional: &[],
    retry_safe: true,
};
static PAY: MethodSpec = MethodSpec {
    name: "pay",
    signature: SignatureRule::Required,
    sign_order: signed_order!("amount"),
    required: &[CALL_API_ID, "amount"],
    optional: &["locale", "success_url", "fail_url", "return_url"],
    retry_safe: false,
};
static CHANGE_CREDENTIAL: MethodSpec = MethodSpec {
    name: "change_credential",
    signature: SignatureRule::AlwaysRequired,
    sign_order: signed_order!("admin_email", "admin_phone"),
    required: &[CALL_API_ID, "admin_email"],
    optional: &["admin_phone"],
    retry_safe: false,
};
static CREDENTIAL_CONFIRM: MethodSpec = MethodSpec {
    name: "credential_confirm",
    signature: SignatureRule::AlwaysRequired,
    sign_order: signed_order!(),
    required: &[CALL_API_ID],
    optional: &[],
    retry_safe: false,
};
static CALL: MethodSpec = MethodSpec {
    name: "call",
    signature: SignatureRule::Required,
    sign_order: signed_order!("msisdn", "ip_address"),
    required: &[CALL_API_ID, "msisdn"],
    optional: &["ip_address"],
    retry_safe: false,
};
static CALL_STATUS: MethodSpec = MethodSpec {
    name: "call-status",
    signature: SignatureRule::Required,
    sign_order: signed_order!("call"),
    required: &[CALL_API_ID, "call"],
    optional: &[],
    retry_safe: true,
};
static CALL_HANGUP: MethodSpec = MethodSpec {
    name: "call-hangup",
    signature: SignatureRule::Required,
    sign_order: signed_order!("call"),
    required: &[CALL_API_ID, "call"],
    optional: &[],
    retry_safe: false,
};

impl Method {
    /// Every method, in the order of the documentation.
    pub const ALL: [Method; 11] = [
        Method::Register,
        Method::Status,
        Method::ServerStatus,
        Method::Options,
        Method::Balance,
        Method::Pay,
        Method::ChangeCredential,
        Method::CredentialConfirm,
        Method::Call,
        Method::CallStatus,
        Method::CallHangup,
    ];

    /// The method's row in the table.
    pub fn spec(self) -> &'static MethodSpec {
        match self {
            Method::Register => &REGISTER,
            Method::Status => &STATUS,
            Method::ServerStatus => &SERVER_STATUS,
            Method::Options => &OPTIONS,
            Method::Balance => &BALANCE,
            Method::Pay => &PAY,
            Method::ChangeCredential => &CHANGE_CREDENTIAL,
            Method::CredentialConfirm => &CREDENTIAL_CONFIRM,
            Method::Call => &CALL,
            Method::CallStatus => &CALL_STATUS,
            Method::CallHangup => &CALL_HANGUP,
        }
    }

    /// The wire name, e.g. `call-status`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The method with this exact wire name.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether `name` is a parameter of this method (its own, or one of the signature's).
    pub fn accepts(self, name: &str) -> bool {
        let spec = self.spec();
        spec.required.contains(&name)
            || spec.optional.contains(&name)
            || (spec.signature != SignatureRule::None
                && [TIMESTAMP, NONCE, SIGNATURE].contains(&name))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Method {
    type Err = crate::ProtocolError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Method::from_name(name).ok_or_else(|| {
            crate::ProtocolError::new(
                "method",
                format!("unknown API method `{}`", crate::excerpt(name)),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(m));
        }
        assert_eq!(Method::from_name("Call"), None);
        assert!("nope".parse::<Method>().is_err());
    }

    #[test]
    fn signed_methods_start_with_the_replay_fields_and_sign_every_required_parameter() {
        for m in Method::ALL {
            let spec = m.spec();
            if spec.signature == SignatureRule::None {
                assert!(spec.sign_order.is_empty(), "{m}");
                continue;
            }
            assert_eq!(&spec.sign_order[..3], &SIGNED_PREFIX, "{m}");
            for p in spec.required {
                assert!(spec.sign_order.contains(p), "{m}: {p} unsigned");
            }
        }
    }

    #[test]
    fn only_side_effect_free_methods_are_retry_safe() {
        let safe: Vec<_> = Method::ALL
            .into_iter()
            .filter(|m| m.spec().retry_safe)
            .collect();
        assert_eq!(
            safe,
            [
                Method::Status,
                Method::ServerStatus,
                Method::Balance,
                Method::CallStatus
            ]
        );
    }
}
