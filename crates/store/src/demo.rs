//! demo loader (after the generator lands)
