//! dormouse-storage (being written).
