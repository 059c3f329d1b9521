//! Recipient addresses as RCPT TO gives them, `local[+detail][@domain]`,
//! split into the names to look the account up under and the detail that
//! may name a mailbox. No case folding: passwd-file names match exactly,
//! so `Bob@x` and `bob@x` are different users; only the domain, which DNS
//! treats case-insensitively, is also tried in lower case.

/// Separates the user from the detail, as Dovecot's default
/// `recipient_delimiter` and Postfix's `recipient_delimiter = +`.
pub const DETAIL_DELIMITER: char = '+';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("empty address")]
    Empty,
    /// CR, LF or another control character would let the address inject
    /// headers into the stored message or lines into a reply.
    #[error("address contains a control character")]
    ControlCharacter,
}

/// A recipient address, kept as given and split for lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientAddress {
    original: String,
    /// The local part without `+detail`.
    user: String,
    detail: Option<String>,
    domain: Option<String>,
}

/// One name to try in the user database, with the mailbox detail that
/// goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    /// `Some` when the name was found by dropping `+detail`.
    pub detail: Option<String>,
}

impl RecipientAddress {
    pub fn parse(address: &str) -> Result<RecipientAddress, AddressError> {
        if address.is_empty() {
            return Err(AddressError::Empty);
        }
        if address.chars().any(char::is_control) {
            return Err(AddressError::ControlCharacter);
        }
        let (local, domain) = match address.rsplit_once('@') {
            Some((local, domain)) if !domain.is_empty() => (local, Some(domain.to_owned())),
            _ => (address, None),
        };
        let (user, detail) = match local.split_once(DETAIL_DELIMITER) {
            Some((user, detail)) if !user.is_empty() && !detail.is_empty() => {
                (user.to_owned(), Some(detail.to_owned()))
            }
            _ => (local.to_owned(), None),
        };
        Ok(RecipientAddress {
            original: address.to_owned(),
            user,
            detail,
            domain,
        })
    }

    /// The address exactly as given in RCPT TO.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The local part without the detail.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The names to look the recipient up under, first match wins:
    /// `user@domain`, `user@lowercased-domain`, then the bare `user`
    /// (passwd-files often hold bare names), each with the detail; then,
    /// when there is a detail, the same with `+detail` kept in the name
    /// and no detail, for users whose name contains the delimiter.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::with_capacity(6);
        let mut push = |name: String, detail: Option<&String>| {
            if !out.iter().any(|c| c.name == name) {
                out.push(Candidate {
                    name,
                    detail: detail.cloned(),
                });
            }
        };
        let detailed = self
            .detail
            .as_ref()
            .map(|d| format!("{}{DETAIL_DELIMITER}{d}", self.user));
        let locals = [
            Some((&self.user, self.detail.as_ref())),
            detailed.as_ref().map(|l| (l, None)),
        ];
        for (local, detail) in locals.into_iter().flatten() {
            if let Some(domain) = &self.domain {
                push(format!("{local}@{domain}"), detail);
                push(format!("{local}@{}", domain.to_ascii_lowercase()), detail);
            }
            push(local.clone(), detail);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(address: &str) -> Vec<(String, Option<String>)> {
        RecipientAddress::parse(address)
            .unwrap()
            .candidates()
            .into_iter()
            .map(|c| (c.name, c.detail))
            .collect()
    }

    fn c(name: &str, detail: Option<&str>) -> (String, Option<String>) {
        (name.to_owned(), detail.map(str::to_owned))
    }

    #[test]
    fn splits_user_detail_and_domain() {
        let a = RecipientAddress::parse("alice+work@Example.org").unwrap();
        assert_eq!(a.user(), "alice");
        assert_eq!(a.detail(), Some("work"));
        assert_eq!(a.domain(), Some("Example.org"));
        assert_eq!(a.as_str(), "alice+work@Example.org");
    }

    #[test]
    fn full_address_first_then_local_part_then_names_with_the_delimiter() {
        assert_eq!(
            names("alice+work@Example.org"),
            vec![
                c("alice@Example.org", Some("work")),
                c("alice@example.org", Some("work")),
                c("alice", Some("work")),
                c("alice+work@Example.org", None),
                c("alice+work@example.org", None),
                c("alice+work", None),
            ]
        );
        assert_eq!(
            names("bob@example.org"),
            vec![c("bob@example.org", None), c("bob", None)]
        );
        assert_eq!(names("bob"), vec![c("bob", None)]);
    }

    #[test]
    fn empty_details_and_users_are_not_split() {
        assert_eq!(names("bob+@x"), vec![c("bob+@x", None), c("bob+", None)]);
        let a = RecipientAddress::parse("+tag@x").unwrap();
        assert_eq!((a.user(), a.detail()), ("+tag", None));
        // Only the first delimiter splits, as in Dovecot.
        let a = RecipientAddress::parse("a+b+c@x").unwrap();
        assert_eq!((a.user(), a.detail()), ("a", Some("b+c")));
    }

    #[test]
    fn control_characters_and_empty_addresses_are_refused() {
        assert_eq!(RecipientAddress::parse(""), Err(AddressError::Empty));
        assert_eq!(
            RecipientAddress::parse("a\r\nX-Injected: 1@x"),
            Err(AddressError::ControlCharacter)
        );
    }
}
