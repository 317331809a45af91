//! Placeholder until the framework integration lands.
