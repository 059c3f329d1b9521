//! What a handler returns on success: the responses, a log event, the
//! state to move to, and whether the command has more to send. Failures
//! are `CommandError`s instead.

use dormouse_proto::{Continue, Data, Response, StatusKind, StatusResponse, Tag};

use crate::outcome::SessionEvent;
use crate::state::State;

/// The successful result of a handler.
#[derive(Default)]
pub(crate) struct Reply {
    pub(crate) responses: Vec<Response>,
    pub(crate) event: Option<SessionEvent>,
    /// The state to move to, if the command changes it.
    pub(crate) new_state: Option<State>,
    /// The command is not finished: these responses are one batch, and
    /// the rest comes from `commands::resume` (the handler left its work
    /// in the state). No tagged reply yet.
    pub(crate) more: bool,
    /// The command entered IDLE: the session now waits for `DONE`, and
    /// the tagged reply comes then.
    pub(crate) idle: bool,
}

impl Reply {
    pub(crate) fn new() -> Reply {
        Reply::default()
    }

    pub(crate) fn data(mut self, data: Data) -> Reply {
        self.responses.push(Response::Data(data));
        self
    }

    pub(crate) fn ok(mut self, tag: Tag, text: &str) -> Reply {
        self.responses.push(Response::Status(StatusResponse {
            tag: Some(tag),
            kind: StatusKind::Ok,
            code: None,
            text: text.into(),
        }));
        self
    }

    pub(crate) fn status(mut self, status: StatusResponse) -> Reply {
        self.responses.push(Response::Status(status));
        self
    }

    pub(crate) fn challenge(mut self, challenge: Vec<u8>) -> Reply {
        self.responses
            .push(Response::Continue(Continue::Base64(challenge)));
        self
    }

    pub(crate) fn event(mut self, event: SessionEvent) -> Reply {
        self.event = Some(event);
        self
    }

    /// Marks these responses as one batch of an unfinished command.
    pub(crate) fn more(mut self) -> Reply {
        self.more = true;
        self
    }

    /// `+ <text>` and the session waits for DONE (RFC 2177).
    pub(crate) fn idling(mut self, text: &str) -> Reply {
        self.responses
            .push(Response::Continue(Continue::Text(text.into())));
        self.idle = true;
        self
    }

    pub(crate) fn enter(mut self, state: State) -> Reply {
        self.new_state = Some(state);
        self
    }
}
