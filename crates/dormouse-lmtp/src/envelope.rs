//! The transaction being built between MAIL FROM and DATA, and the checks
//! on MAIL and RCPT parameters: only what LHLO advertised (SIZE, BODY=7BIT
//! or 8BITMIME) is accepted; any other extension's parameter is refused
//! with 555 as RFC 5321 §4.1.1.11 asks.

use std::borrow::Cow;

use smtp_proto::{
    MAIL_BODY_7BIT, MAIL_BODY_8BITMIME, MAIL_BODY_BINARYMIME, MAIL_BY_NOTIFY, MAIL_BY_RETURN,
    MAIL_BY_TRACE, MAIL_CONPERM, MAIL_REQUIRETLS, MAIL_RET_FULL, MAIL_RET_HDRS, MAIL_SMTPUTF8,
    MailFrom, RcptTo,
};

use crate::delivery::Accepted;
use crate::error::CommandError;

pub(crate) struct Envelope<A> {
    /// The reverse-path, empty for bounces (`MAIL FROM:<>`).
    pub sender: String,
    /// SIZE=, or 0 when not given.
    pub declared_size: usize,
    pub recipients: Vec<Accepted<A>>,
}

/// Checks MAIL FROM's parameters against what was advertised and the size
/// bound, and returns the declared size.
pub(crate) fn check_mail(from: &MailFrom<Cow<'_, str>>, max: usize) -> Result<usize, CommandError> {
    if from.address.chars().any(char::is_control) {
        return Err(CommandError::BadSender);
    }
    let flag = |bits: u64| from.flags & bits != 0;
    let unsupported = [
        (flag(MAIL_BODY_BINARYMIME), "BODY=BINARYMIME"),
        (flag(MAIL_SMTPUTF8), "SMTPUTF8"),
        (flag(MAIL_RET_FULL | MAIL_RET_HDRS), "RET"),
        (flag(MAIL_REQUIRETLS), "REQUIRETLS"),
        (flag(MAIL_CONPERM), "CONPERM"),
        (
            from.by != 0 || flag(MAIL_BY_NOTIFY | MAIL_BY_RETURN | MAIL_BY_TRACE),
            "BY",
        ),
        (from.trans_id.is_some(), "TRANSID"),
        (from.env_id.is_some(), "ENVID"),
        (from.solicit.is_some(), "SOLICIT"),
        (from.mtrk.is_some(), "MTRK"),
        (from.auth.is_some(), "AUTH"),
        (from.hold_for != 0 || from.hold_until != 0, "FUTURERELEASE"),
        (from.mt_priority != 0, "MT-PRIORITY"),
        // Anything smtp-proto learns to parse later.
        (flag(!(MAIL_BODY_7BIT | MAIL_BODY_8BITMIME)), "parameter"),
    ];
    if let Some((_, name)) = unsupported.iter().find(|(present, _)| *present) {
        return Err(CommandError::UnsupportedParameter((*name).to_owned()));
    }
    if from.size > max {
        return Err(CommandError::TooBig(max));
    }
    Ok(from.size)
}

/// RCPT TO takes no parameters here: ORCPT and NOTIFY belong to DSN, which
/// is not advertised.
pub(crate) fn check_rcpt(to: &RcptTo<Cow<'_, str>>) -> Result<(), CommandError> {
    if to.orcpt.is_some() || to.flags != 0 || to.rrvs != 0 {
        return Err(CommandError::UnsupportedParameter(
            "RCPT parameter".to_owned(),
        ));
    }
    Ok(())
}
