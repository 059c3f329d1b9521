//! The change bus as storage drives it: every committed change to a
//! mailbox reaches the views watching it, once, in commit order, and a file
//! another program drops in reaches them through `Store::refresh`.

use std::fs;
use std::sync::{Arc, Mutex};

use dormouse_storage::{Access, FlagOp, Note, NoteKind, StoreMode, Subscriber, SystemFlags};

use super::*;

#[derive(Default)]
struct Recorder(Mutex<Vec<Note>>);

impl Subscriber for Recorder {
    fn notify(&self, note: &Note) {
        self.0.lock().unwrap().push(*note);
    }
}

impl Recorder {
    fn take(&self) -> Vec<Note> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn kinds(notes: &[Note]) -> Vec<NoteKind> {
    notes.iter().map(|n| n.kind).collect()
}

#[test]
fn appends_flag_changes_and_expunges_reach_the_watching_view_in_order() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a"]);
    let rec = Arc::new(Recorder::default());
    let mut watcher = user.open(&ib, Access::ReadWrite).unwrap();
    watcher.watch(rec.clone());
    let mut other = user.open(&ib, Access::ReadWrite).unwrap();

    append_bodies(&user, &["b", "c"]);
    other
        .store(
            &[uid(1)],
            FlagOp {
                mode: StoreMode::Add,
                flags: SystemFlags::DELETED,
                keywords: vec![],
            },
            None,
        )
        .unwrap();
    other.expunge(None).unwrap();

    let notes = rec.take();
    assert_eq!(
        kinds(&notes),
        vec![NoteKind::APPENDED, NoteKind::FLAGS, NoteKind::EXPUNGED]
    );
    assert_eq!(notes[0].uid_next, 4);
    // Modseqs only grow, so a subscriber can tell order and coalesce.
    assert!(notes.windows(2).all(|w| w[0].modseq < w[1].modseq));

    // Another mailbox's changes do not reach this view.
    user.create(&name(&user, "Other"), None).unwrap();
    user.append(&name(&user, "Other"), vec![message("x")])
        .unwrap();
    assert!(rec.take().is_empty());
}

#[test]
fn a_file_from_another_program_is_published_by_refresh() {
    let (_dir, store, user) = new_user();
    let ib = inbox(&user);
    let rec = Arc::new(Recorder::default());
    let mut view = user.open(&ib, Access::ReadOnly).unwrap();
    view.watch(rec.clone());
    fs::write(
        user.root().join("new").join("1700000000.M1P2.mx"),
        "Subject: mta\n\nhi\n",
    )
    .unwrap();
    store.refresh(user.root()).unwrap();
    let notes = rec.take();
    assert_eq!(kinds(&notes), vec![NoteKind::APPENDED]);
    // A second refresh finds nothing new and says nothing.
    store.refresh(user.root()).unwrap();
    assert!(rec.take().is_empty());
}

#[test]
fn dropping_the_view_unsubscribes_and_delete_says_gone() {
    let (_dir, store, user) = new_user();
    let box_name = name(&user, "Lists");
    user.create(&box_name, None).unwrap();
    let rec = Arc::new(Recorder::default());
    let mut view = user.open(&box_name, Access::ReadWrite).unwrap();
    view.watch(rec.clone());
    assert_eq!(store.bus().watched_mailboxes(), 1);
    user.delete(&box_name).unwrap();
    assert!(kinds(&rec.take()).contains(&NoteKind::GONE));
    drop(view);
    assert_eq!(store.bus().watched_mailboxes(), 0);
}
