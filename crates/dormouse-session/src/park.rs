//! Parking a session for hibernation and waking it: the session shrinks to
//! a [`ParkedSession`] (the logged-in user and store, ENABLEd extensions,
//! the IDLE tag, and for a selected mailbox its name, its `ParkedView` and
//! the SEARCHRES result) and comes back as the same session, so the client
//! cannot tell. Only a session with nothing in flight parks: logged in, no
//! batched command unfinished, no SASL exchange, and a view that owes the
//! client nothing.

use std::path::Path;
use std::sync::Arc;

use dormouse_proto::{Response, Tag};
use dormouse_storage::{MailboxName, ParkedView, StorageError, Subscriber, Uid, Unparkable, View};

use crate::config::{ConnectionInfo, SessionConfig};
use crate::session::{Services, Session};
use crate::state::{Authenticated, Selected, State};

/// A parked session: what waking needs, nothing more. A clone shares the
/// user's store handle, as a cloned `UserStore` does.
#[derive(Clone)]
pub struct ParkedSession {
    conn: ConnectionInfo,
    authenticated: Authenticated,
    idling: Option<Tag>,
    selected: Option<Box<ParkedSelected>>,
}

#[derive(Clone)]
struct ParkedSelected {
    name: MailboxName,
    view: ParkedView,
    saved: Vec<Uid>,
}

impl Session {
    /// The directory of the selected mailbox, for subscribing to its
    /// changes before [`Session::park`] checks that the view is caught up.
    pub fn selected_dir(&self) -> Option<&Path> {
        match &self.state {
            State::Selected(selected) => Some(selected.view.dir()),
            _ => None,
        }
    }

    /// Takes the selected view's bus subscription out, to be redirected to
    /// the parked record (one subscription across parking, never none).
    pub fn take_watch(&mut self) -> Option<dormouse_storage::Subscription> {
        match &mut self.state {
            State::Selected(selected) => selected.view.take_watch(),
            _ => None,
        }
    }

    /// Gives the selected view its subscription back (parking failed).
    pub fn put_watch(&mut self, subscription: dormouse_storage::Subscription) {
        if let State::Selected(selected) = &mut self.state {
            selected.view.put_watch(subscription);
        }
    }

    /// Whether the session is in a state that may park at all (the view's
    /// own check comes in [`Session::park`]).
    pub fn may_park(&self) -> bool {
        self.unfinished.is_none()
            && matches!(self.state, State::Authenticated(_) | State::Selected(_))
    }

    /// Parks the session, or hands it back unchanged when it may not park
    /// now (see [`Session::may_park`]; a selected view must also be caught
    /// up with its mailbox). A selected session that wants to hear about
    /// changes while parked must subscribe to [`Session::selected_dir`]
    /// first.
    pub fn park(self) -> Result<ParkedSession, Box<Session>> {
        if !self.may_park() {
            return Err(Box::new(self));
        }
        if let State::Selected(selected) = &self.state {
            match selected.view.parkable() {
                Ok(()) => {}
                // Outside IDLE nothing is owed until the next command,
                // whose sync reports what changed, parked or not.
                Err(Unparkable::Behind) if self.idling.is_none() => {}
                Err(_) => return Err(Box::new(self)),
            }
        }
        let mut this = self;
        let (authenticated, selected) = match std::mem::replace(&mut this.state, State::Logout) {
            State::Authenticated(auth) => (auth, None),
            State::Selected(selected) => {
                let Selected {
                    authenticated,
                    mailbox,
                    view,
                    saved,
                    ..
                } = selected;
                let (view, _user) = view.into_parked();
                let parked = ParkedSelected {
                    name: mailbox,
                    view,
                    saved,
                };
                (authenticated, Some(Box::new(parked)))
            }
            other => {
                this.state = other;
                return Err(Box::new(this));
            }
        };
        Ok(ParkedSession {
            conn: this.conn,
            authenticated,
            idling: this.idling,
            selected,
        })
    }
}

impl ParkedSession {
    /// The session again, with its mailbox reopened as it was (nothing
    /// synced: the next sync reports what changed meanwhile). Blocking: the
    /// mailbox may have to be loaded. Fails when the selected mailbox was
    /// deleted or recreated meanwhile; the connection must then end.
    pub fn wake(
        self,
        config: Arc<SessionConfig>,
        services: Services,
        watcher: Option<Arc<dyn Subscriber>>,
    ) -> Result<Session, StorageError> {
        let ParkedSession {
            conn,
            authenticated,
            idling,
            selected,
        } = self;
        let state = match selected {
            None => State::Authenticated(authenticated),
            Some(parked) => {
                let ParkedSelected { name, view, saved } = *parked;
                let mut view = View::restore(authenticated.mail.clone(), &name, view)?;
                if let Some(w) = &watcher {
                    view.watch(w.clone());
                }
                let mut selected = Selected::new(authenticated, name, view);
                selected.saved = saved;
                State::Selected(selected)
            }
        };
        let mut session = Session::new(config, services, conn);
        session.state = state;
        session.idling = idling;
        session.watcher = watcher;
        Ok(session)
    }

    /// Re-allocates every part of the record (a deep copy replacing the
    /// original), so that, called where allocations are marked long-lived,
    /// nothing of it stays among short-lived data.
    pub fn compact(&mut self) {
        *self = self.clone();
    }

    pub fn is_idling(&self) -> bool {
        self.idling.is_some()
    }

    /// Whether a mailbox is selected.
    pub fn is_selected(&self) -> bool {
        self.selected.is_some()
    }

    /// Ends the IDLE as `DONE` would, for a parked session whose mailbox
    /// did not change since it last synced: the tagged OK is all a
    /// never-parked session would send. `None` if it was not in IDLE.
    pub fn done(&mut self) -> Option<Response> {
        let tag = self.idling.take()?;
        Some(crate::commands::idle_done(tag, b"DONE"))
    }

    /// Starts an IDLE as the IDLE command would, for a parked session whose
    /// mailbox did not change since it last synced: `+ idling` is all a
    /// never-parked session would send. `None` if it already was in IDLE.
    pub fn idle(&mut self, tag: Tag) -> Option<Response> {
        if self.idling.is_some() {
            return None;
        }
        self.idling = Some(tag);
        Some(Response::Continue(dormouse_proto::Continue::Text(
            crate::commands::IDLING.into(),
        )))
    }

    /// For a parked session in IDLE whose mailbox changed: the updates a
    /// never-parked session would send now, computed on its view rebuilt
    /// for the moment, after which it is parked again, caught up. The
    /// session stays parked throughout: no task, no buffers. Blocking (the
    /// mailbox may have to be loaded). Nothing for a session without a
    /// mailbox or not in IDLE.
    pub fn idle_updates(&mut self) -> Result<Vec<Response>, StorageError> {
        let Some(parked) = self.selected.as_mut() else {
            return Ok(Vec::new());
        };
        if self.idling.is_none() {
            return Ok(Vec::new());
        }
        let view = View::restore(
            self.authenticated.mail.clone(),
            &parked.name,
            parked.view.clone(),
        )?;
        let mut selected = Selected::new(self.authenticated.clone(), parked.name.clone(), view);
        selected.saved = std::mem::take(&mut parked.saved);
        let updates = crate::updates::collect(&mut selected, dormouse_storage::SeqPolicy::Update);
        let Selected { view, saved, .. } = selected;
        parked.saved = saved;
        parked.view = view.into_parked().0;
        updates
    }

    /// Whether responses to this session are encoded with UTF8=ACCEPT.
    pub fn utf8_accept(&self) -> bool {
        self.authenticated
            .enabled
            .contains(crate::extensions::Extension::Utf8Accept)
    }

    pub fn conn(&self) -> &ConnectionInfo {
        &self.conn
    }

    /// How many messages the client was told of, if a mailbox is selected.
    pub fn exists(&self) -> Option<u32> {
        self.selected.as_ref().map(|s| s.view.exists())
    }

    /// Heap bytes held beyond the struct itself (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        let selected = self.selected.as_ref().map_or(0, |s| {
            std::mem::size_of::<ParkedSelected>()
                + s.name.as_str().len()
                + s.view.heap_bytes()
                + s.saved.capacity() * std::mem::size_of::<Uid>()
        });
        self.authenticated.user.capacity()
            + self.authenticated.mail.root().as_os_str().len()
            + self.idling.as_ref().map_or(0, |t| t.as_str().len())
            + selected
    }
}
