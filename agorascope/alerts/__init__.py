"""Alert rules, their evaluation on every batch, and the notifiers that deliver alerts."""
