//! dormouse-config (being written).
