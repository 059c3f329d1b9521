//! dormouse-auth (being written).
