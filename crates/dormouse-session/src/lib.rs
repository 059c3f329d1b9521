//! dormouse-session (being written).
