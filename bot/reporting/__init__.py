"""The report (human and JSON) and its funnel figures."""
