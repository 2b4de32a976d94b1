"""Stage 5, report: the engine's reports, explanations, alerts and the output writers."""
