"""WTForms for every page: shared pieces in common.py and validators.py, one module per list;
fields render through our widgets by the forms' Meta (fast_html.FastMeta)."""
